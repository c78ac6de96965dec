/**
 * Halving a PNG's resolution (2x2 box average), for the light notebook copies: figures are
 * rendered at scale 2 (1600x960 pixels for an 800x480 figure) and a light copy shows them at
 * their display size, a third of the bytes. Handles what the figure renderer writes: 8-bit RGB
 * or RGBA, not interlaced.
 */
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decoded pixels: `pixels` holds height rows of width * channels bytes. */
export interface PngPixels {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  pixels: Buffer;
}

/** Decodes an 8-bit RGB / RGBA non-interlaced PNG; undefined for any other kind. */
export function decodePng(png: Buffer): PngPixels | undefined {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('decodePng: not a PNG (bad signature)');
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') header = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header) throw new Error('decodePng: no IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [bitDepth, colorType, , , interlace] = header.subarray(8, 13);
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) return undefined;
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  if (raw.length < height * (stride + 1))
    throw new Error(`decodePng: image data holds ${raw.length} bytes; expected ${height * (stride + 1)}`);
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : undefined;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels] : 0;
      const b = up ? up[i] : 0;
      const c = up && i >= channels ? up[i - channels] : 0;
      out[i] = (line[i] + predictor(filter, a, b, c)) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** Encodes pixels as a PNG, each row with the filter that leaves the smallest residuals. */
export function encodePng(image: PngPixels): Buffer {
  const { width, height, channels, pixels } = image;
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  const candidate = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const line = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : undefined;
    let best = -1;
    let bestCost = Infinity;
    for (let filter = 0; filter <= 4; filter++) {
      let cost = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= channels ? line[i - channels] : 0;
        const b = up ? up[i] : 0;
        const c = up && i >= channels ? up[i - channels] : 0;
        const residual = (line[i] - predictor(filter, a, b, c)) & 0xff;
        candidate[i] = residual;
        cost += residual < 128 ? residual : 256 - residual;
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = filter;
        raw[y * (stride + 1)] = filter;
        candidate.copy(raw, y * (stride + 1) + 1);
      }
    }
    if (best < 0) throw new Error('encodePng: no filter chosen');
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, channels === 4 ? 6 : 2, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The PNG at half its width and height (each output pixel the mean of a 2x2 block). Anything it
 * cannot decode (another PNG kind, damaged data, not a PNG) comes back unchanged: a light copy
 * then shows what the full notebook showed.
 */
export function halvePng(png: Buffer): Buffer {
  let image: PngPixels | undefined;
  try {
    image = decodePng(png);
  } catch {
    return png;
  }
  if (!image || image.width < 2 || image.height < 2) return png;
  const { width, height, channels, pixels } = image;
  const w = width >> 1;
  const h = height >> 1;
  const out = Buffer.alloc(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < channels; k++) {
        const at = (dy: number, dx: number) => pixels[((2 * y + dy) * width + 2 * x + dx) * channels + k];
        out[(y * w + x) * channels + k] = Math.round((at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4);
      }
    }
  }
  return encodePng({ width: w, height: h, channels, pixels: out });
}

/** The PNG filter predictors (0 none, 1 left, 2 up, 3 average, 4 Paeth) from left a, up b, up-left c. */
function predictor(filter: number, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      throw new Error(`decodePng: row filter ${filter}; expected 0-4`);
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 of PNG chunks (zlib.crc32 needs Node 20.15). */
function crc32(bytes: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

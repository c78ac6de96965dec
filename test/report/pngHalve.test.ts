import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { decodePng, encodePng, halvePng } from '../../src/report/pngHalve';
import { Rng } from '../../src/random';
import { lightNotebook } from '../../src/report/lightNotebook';

/** A PNG assembled by hand from filtered rows (CRCs left 0: the decoder does not read them). */
function handPng(width: number, height: number, colorType: number, filteredRows: number[][]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  const raw = Buffer.from(filteredRows.flat());
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const A = [10, 20, 30, 255];
const B = [200, 100, 50, 255];
const C = [14, 24, 34, 127];

describe('pngHalve', () => {
  it('decodes rows stored with the none and sub filters', () => {
    // row 0: A A B B, filter 0; row 1: A C B B, filter 1 (each byte minus the byte one pixel left, mod 256)
    const row1 = [A, C, B, B].flat();
    const sub = row1.map((v, i) => (i < 4 ? v : (v - row1[i - 4] + 256) & 0xff));
    const image = decodePng(
      handPng(4, 2, 6, [
        [0, ...A, ...A, ...B, ...B],
        [1, ...sub],
      ]),
    );
    assert.deepEqual(image && { ...image, pixels: [...image.pixels] }, {
      width: 4,
      height: 2,
      channels: 4,
      pixels: [A, A, B, B, A, C, B, B].flat(),
    });
  });

  it('halves by averaging 2x2 blocks', () => {
    const png = handPng(4, 2, 6, [
      [0, ...A, ...A, ...B, ...B],
      [0, ...A, ...C, ...B, ...B],
    ]);
    const half = decodePng(halvePng(png));
    // block 1: (3A + C) / 4 per channel, rounded; block 2: B
    const mean = A.map((a, k) => Math.round((3 * a + C[k]) / 4));
    assert.deepEqual(half && { ...half, pixels: [...half.pixels] }, {
      width: 2,
      height: 1,
      channels: 4,
      pixels: [...mean, ...B],
    });
  });

  it('encodes what it decodes, whatever filters the rows pick (RGB, noise and flat runs)', () => {
    const rng = new Rng(5);
    const width = 7;
    const height = 5;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = i % 11 < 5 ? 80 : rng.int(0, 256);
    const back = decodePng(encodePng({ width, height, channels: 3, pixels }));
    assert.deepEqual(back && [...back.pixels], [...pixels]);
    assert.equal(back?.channels, 3);
  });

  it('leaves other PNG kinds and undecodable bytes unchanged; the decoder names what is wrong', () => {
    const palette = handPng(2, 2, 3, [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.equal(halvePng(palette), palette);
    const html = Buffer.from('<html>not an image</html>');
    assert.equal(halvePng(html), html);
    assert.throws(() => decodePng(html), /decodePng: not a PNG \(bad signature\)/);
  });

  it('the light notebook shows each figure at half resolution and keeps the full one for the PNG file', () => {
    const png = handPng(4, 2, 6, [
      [0, ...A, ...A, ...B, ...B],
      [0, ...A, ...C, ...B, ...B],
    ]);
    const output = {
      output_type: 'display_data',
      data: { 'image/png': png.toString('base64'), 'text/plain': '<Plotly figure: F>' },
      metadata: {},
    };
    const cell = { cell_type: 'code', source: 'show()', outputs: [output], execution_count: 1 };
    const light = lightNotebook({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 }, 'n.ipynb');
    const shown = decodePng(Buffer.from(light.notebook.cells[0].outputs![0].data!['image/png'] as string, 'base64'));
    assert.deepEqual([shown?.width, shown?.height], [2, 1]);
    assert.deepEqual(light.figures[0].png, png);
  });
});

/**
 * The byte form of a dataset's parts (what the cache files hold):
 * 'DILDS001' | uint32 header length | header JSON | arrays (each 8-byte aligned).
 * The header is the parts with every typed array replaced by a {$array, $type, $length}
 * reference, object keys sorted, so the same parts always give the same bytes.
 */
import type { DatasetParts } from './dataset';

const MAGIC = 'DILDS001';
type AnyTyped = Int32Array | Uint8Array | Float32Array | Float64Array;
const TYPES: Record<string, { new (buf: ArrayBuffer, off: number, len: number): AnyTyped; BYTES_PER_ELEMENT: number }> =
  {
    Int32Array,
    Uint8Array,
    Float32Array,
    Float64Array,
  };

/** Replaces typed arrays by {$array: index} references, collecting them in `arrays`. */
function extractArrays(value: unknown, arrays: AnyTyped[]): unknown {
  if (ArrayBuffer.isView(value)) {
    arrays.push(value as AnyTyped);
    return {
      $array: arrays.length - 1,
      $type: (value as AnyTyped).constructor.name,
      $length: (value as AnyTyped).length,
    };
  }
  if (Array.isArray(value)) return value.map((v) => extractArrays(v, arrays));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined || typeof v === 'function') continue;
      out[k] = extractArrays(v, arrays);
    }
    return out;
  }
  return value;
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

export function serializeDatasetParts(parts: DatasetParts): Buffer {
  const arrays: AnyTyped[] = [];
  const header = Buffer.from(JSON.stringify(extractArrays(parts, arrays)), 'utf8');
  let size = pad8(12 + header.length);
  for (const a of arrays) size += pad8(a.byteLength);
  const out = Buffer.alloc(size);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  let off = pad8(12 + header.length);
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, off);
    off += pad8(a.byteLength);
  }
  return out;
}

export function deserializeDatasetParts(buf: Buffer, file = '<bytes>'): DatasetParts {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC)
    throw new Error(`${file}: not a dataset cache file (bad magic)`);
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw new Error(`${file}: truncated dataset cache file`);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + hlen)) as unknown;
  // Copy into one aligned ArrayBuffer so typed views are valid.
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
  const metas: { idx: number; type: string; length: number }[] = [];
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$array === 'number') metas.push({ idx: o.$array, type: String(o.$type), length: Number(o.$length) });
      else Object.values(o).forEach(collect);
    }
  };
  collect(header);
  metas.sort((a, b) => a.idx - b.idx);
  const views: AnyTyped[] = [];
  let off = pad8(12 + hlen);
  for (const m of metas) {
    const T = TYPES[m.type];
    if (!T) throw new Error(`${file}: unknown array type ${m.type}`);
    const bytes = m.length * T.BYTES_PER_ELEMENT;
    if (off + bytes > buf.length) throw new Error(`${file}: truncated dataset cache file`);
    views[m.idx] = new T(ab, off, m.length);
    off += pad8(bytes);
  }
  const restore = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(restore);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$array === 'number') return views[o.$array];
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o)) out[k] = restore(o[k]);
      return out;
    }
    return v;
  };
  return restore(header) as DatasetParts;
}

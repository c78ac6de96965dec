/**
 * The in-memory `Dataset`: splits of samples over per-user sequences, batching into `Batch`
 * typed arrays (histories padded to maxLen once here, masks included), auxiliary negatives
 * re-sampled per epoch, statistics, and the byte form used by the cache.
 */
import { Rng } from '../random';
import type { Batch, FeatureSizes } from './batch';
import { NegativeDrawer } from './negatives';
import type {
  BatchOptions,
  CategoryHierarchy,
  Dataset,
  DatasetFields,
  DatasetStats,
  HistoryLengthStats,
  MultiLabelAttribute,
  NegativeSampler,
  SampleTable,
  SplitName,
  SyntheticGroundTruth,
  UserSequences,
  Vocabularies,
} from './types';
import { SPLIT_NAMES } from './types';

/** Everything a Dataset is made of (what the cache stores). */
export interface DatasetParts extends DatasetFields {
  /** parentLevels[l] = true when level l+1 is the parent of level l (category tree). */
  parentLevels: boolean[];
  /** Behaviours in the source (reviews, positive ratings, synthetic clicks). */
  behaviours: number;
  auxNegatives: NegativeSampler;
  allowOwnHistoryNegatives: boolean;
}

/** parentOf[l][c] = the most frequent level-(l+1) id among items whose level-l id is c (ties: smallest id). */
export function buildHierarchy(itemCats: Int32Array[], sizes: number[], parentLevels: boolean[]): CategoryHierarchy {
  const parentOf: (Int32Array | null)[] = [];
  for (let l = 0; l < itemCats.length; l++) {
    if (l === itemCats.length - 1 || !parentLevels[l]) {
      parentOf.push(null);
      continue;
    }
    const counts = new Map<number, number>();
    const child = itemCats[l];
    const par = itemCats[l + 1];
    const P = sizes[l + 1];
    for (let i = 1; i < child.length; i++) {
      const key = child[i] * P + par[i];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const map = new Int32Array(sizes[l]);
    const best = new Int32Array(sizes[l]);
    for (const [key, n] of [...counts.entries()].sort((a, b) => a[0] - b[0])) {
      const c = Math.floor(key / P);
      if (n > best[c]) {
        best[c] = n;
        map[c] = key % P;
      }
    }
    parentOf.push(map);
  }
  return { parentOf };
}

// The fields of `DatasetFields` are own properties, copied from the parts in the constructor.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface InMemoryDataset extends Readonly<DatasetFields> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class InMemoryDataset implements Dataset {
  readonly sizes: FeatureSizes;
  readonly levels: number;
  readonly hierarchy: CategoryHierarchy;
  private counts?: { items: Int32Array; cats: Int32Array[] };

  constructor(readonly parts: DatasetParts) {
    const { parentLevels, behaviours: _behaviours, auxNegatives: _auxNegatives, allowOwnHistoryNegatives: _own, ...fields } = parts;
    Object.assign(this, fields);
    this.levels = parts.itemCats.length;
    this.sizes = { users: parts.vocab.users.length, items: parts.vocab.items.length, cats: parts.vocab.cats.map((c) => c.length) };
    this.hierarchy = buildHierarchy(parts.itemCats, this.sizes.cats, parentLevels);
    if (this.levels !== parts.levelNames.length) throw new Error(`dataset ${this.name}: ${this.levels} category levels but ${parts.levelNames.length} level names`);
  }

  splitSize(split: SplitName): number {
    const t = this.splits[split];
    if (!t) throw new Error(`unknown split '${split}'; expected one of: ${SPLIT_NAMES.join(', ')}`);
    return t.user.length;
  }

  numBatches(split: SplitName, batchSize: number, options: { dropLast?: boolean } = {}): number {
    const n = this.splitSize(split);
    return options.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  }

  get itemCounts(): Int32Array {
    return this.trainCounts().items;
  }

  get catCounts(): Int32Array[] {
    return this.trainCounts().cats;
  }

  private trainCounts(): { items: Int32Array; cats: Int32Array[] } {
    if (this.counts) return this.counts;
    const items = new Int32Array(this.sizes.items);
    const t = this.splits.train;
    const { offsets, items: seq } = this.sequences;
    for (let r = 0; r < t.user.length; r++) {
      items[t.target[r]]++;
      const a = offsets[t.user[r]];
      const len = t.histLen[r];
      for (let i = a + Math.max(0, len - this.maxLen); i < a + len; i++) items[seq[i]]++;
    }
    const cats = this.itemCats.map((col, l) => {
      const c = new Int32Array(this.sizes.cats[l]);
      for (let i = 0; i < items.length; i++) c[col[i]] += items[i];
      return c;
    });
    this.counts = { items, cats };
    return this.counts;
  }

  *batches(split: SplitName, batchSize: number, options: BatchOptions = {}): Generator<Batch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be an integer >= 1, got ${batchSize}`);
    const known = ['shuffle', 'seed', 'epoch', 'auxNegatives', 'dropLast'];
    for (const k of Object.keys(options)) {
      if (!known.includes(k)) throw new Error(`batches: unknown option '${k}'; expected one of: ${known.join(', ')}`);
    }
    const table = this.splits[split];
    if (!table) throw new Error(`batches: unknown split '${split}'; expected one of: ${SPLIT_NAMES.join(', ')}`);
    const n = table.user.length;
    const seed = options.seed ?? this.seed;
    const epoch = options.epoch ?? 0;
    const shuffle = options.shuffle ?? split === 'train';
    const withAux = options.auxNegatives ?? true;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const root = new Rng(seed);
    if (shuffle) root.fork(`shuffle:${split}:${epoch}`).shuffle(order);
    const auxRng = root.fork(`aux:${split}:${epoch}`);
    const drawer = withAux
      ? new NegativeDrawer(this.parts.auxNegatives, this.sizes.items, this.sequences.items, this.sequences, this.parts.allowOwnHistoryNegatives)
      : undefined;
    const T = this.maxLen;
    const L = this.levels;
    const { offsets, items: seq } = this.sequences;
    for (let start = 0; start < n; start += batchSize) {
      const B = Math.min(batchSize, n - start);
      if (options.dropLast && B < batchSize) break;
      const batch: Batch = {
        size: B,
        maxLen: T,
        levels: L,
        users: new Int32Array(B),
        targetItems: new Int32Array(B),
        targetCats: Array.from({ length: L }, () => new Int32Array(B)),
        histItems: new Int32Array(B * T),
        histCats: Array.from({ length: L }, () => new Int32Array(B * T)),
        histMask: new Float32Array(B * T),
        histLen: new Int32Array(B),
        labels: new Float32Array(B),
      };
      if (drawer) {
        batch.negHistItems = new Int32Array(B * T);
        batch.negHistCats = Array.from({ length: L }, () => new Int32Array(B * T));
      }
      for (let b = 0; b < B; b++) {
        const r = order[start + b];
        const u = table.user[r];
        const target = table.target[r];
        batch.users[b] = u;
        batch.targetItems[b] = target;
        batch.labels[b] = table.label[r];
        for (let l = 0; l < L; l++) batch.targetCats[l][b] = this.itemCats[l][target];
        const full = table.histLen[r];
        const len = Math.min(full, T);
        batch.histLen[b] = len;
        const from = offsets[u] + full - len;
        for (let t = 0; t < len; t++) {
          const it = seq[from + t];
          const p = b * T + t;
          batch.histItems[p] = it;
          batch.histMask[p] = 1;
          for (let l = 0; l < L; l++) batch.histCats[l][p] = this.itemCats[l][it];
          if (drawer) {
            const neg = drawer.draw(auxRng, u, it);
            batch.negHistItems![p] = neg;
            for (let l = 0; l < L; l++) batch.negHistCats![l][p] = this.itemCats[l][neg];
          }
        }
      }
      yield batch;
    }
  }

  historyLengthStats(): HistoryLengthStats {
    const all = new Int32Array(SPLIT_NAMES.reduce((n, s) => n + this.splits[s].histLen.length, 0));
    let at = 0;
    for (const s of SPLIT_NAMES) {
      all.set(this.splits[s].histLen, at);
      at += this.splits[s].histLen.length;
    }
    const edges = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
    const counts = new Array(edges.length).fill(0);
    if (all.length === 0) return { min: 0, max: 0, mean: 0, median: 0, p90: 0, truncatedShare: 0, edges, counts };
    const sorted = all.slice().sort();
    let sum = 0;
    let truncated = 0;
    for (const v of all) {
      sum += v;
      if (v > this.maxLen) truncated++;
      let k = edges.length - 1;
      while (v < edges[k]) k--;
      counts[k]++;
    }
    const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return {
      min: sorted[0],
      max: sorted[sorted.length - 1],
      mean: sum / all.length,
      median: q(0.5),
      p90: q(0.9),
      truncatedShare: truncated / all.length,
      edges,
      counts,
    };
  }

  stats(): DatasetStats {
    let pos = 0;
    let rows = 0;
    for (const s of SPLIT_NAMES) {
      for (const v of this.splits[s].label) pos += v;
      rows += this.splits[s].label.length;
    }
    const cats = this.sizes.cats.map((c) => c - 1);
    return {
      name: this.name,
      protocol: this.protocol,
      users: this.sizes.users - 1,
      items: this.sizes.items - 1,
      categories: cats[0],
      categoriesPerLevel: cats,
      samples: this.parts.behaviours,
      trainRows: this.splitSize('train') + this.splitSize('valid'),
      fitRows: this.splitSize('train'),
      validRows: this.splitSize('valid'),
      testRows: this.splitSize('test'),
      positiveShare: rows ? pos / rows : 0,
      maxLen: this.maxLen,
      historyLength: this.historyLengthStats(),
      checksum: this.checksum,
    };
  }

  describe(): string {
    const s = this.stats();
    const h = s.historyLength;
    const levels = this.levelNames.map((n, l) => `${n} ${this.sizes.cats[l] - 1}`).join(', ');
    return [
      `${this.name} (protocol ${this.protocol}, seed ${this.seed}, checksum ${this.checksum})`,
      `  users ${s.users}, items ${s.items}, category levels: ${levels}; behaviours ${s.samples}`,
      `  rows: train ${s.fitRows}, valid ${s.validRows}, test ${s.testRows} (positives ${(100 * s.positiveShare).toFixed(1)}%)`,
      `  history length: mean ${h.mean.toFixed(1)}, median ${h.median}, p90 ${h.p90}, max ${h.max}; padded/truncated to ${this.maxLen} (${(100 * h.truncatedShare).toFixed(1)}% truncated)`,
    ].join('\n');
  }

  toBytes(): Buffer {
    return serializeDatasetParts(this.parts);
  }
}

// ---------------------------------------------------------------------------------------
// Byte form: 'DILDS001' | uint32 header length | header JSON | arrays (each 8-byte aligned).

const MAGIC = 'DILDS001';
type AnyTyped = Int32Array | Uint8Array | Float32Array | Float64Array;
const TYPES: Record<string, { new (buf: ArrayBuffer, off: number, len: number): AnyTyped; BYTES_PER_ELEMENT: number }> = {
  Int32Array,
  Uint8Array,
  Float32Array,
  Float64Array,
};

/** Replaces typed arrays by {$array: index} references, collecting them in `arrays`. */
function extractArrays(value: unknown, arrays: AnyTyped[]): unknown {
  if (ArrayBuffer.isView(value)) {
    arrays.push(value as AnyTyped);
    return { $array: arrays.length - 1, $type: (value as AnyTyped).constructor.name, $length: (value as AnyTyped).length };
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
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${file}: not a dataset cache file (bad magic)`);
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

/**
 * The in-memory `Dataset`: splits of samples over per-user sequences, batching into `Batch`
 * typed arrays (histories padded to maxLen once here, masks included), auxiliary negatives
 * re-sampled per epoch, statistics. The category tree is in hierarchy.ts, the byte form used
 * by the cache in datasetBytes.ts.
 */
import { Rng } from '../random';
import type { Batch, FeatureSizes } from './batch';
import { serializeDatasetParts } from './datasetBytes';
import { buildHierarchy } from './hierarchy';
import { NegativeDrawer } from './negatives';
import type {
  BatchOptions,
  CategoryHierarchy,
  Dataset,
  DatasetFields,
  DatasetStats,
  HistoryLengthStats,
  NegativeSampler,
  SplitName,
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
    const {
      parentLevels,
      behaviours: _behaviours,
      auxNegatives: _auxNegatives,
      allowOwnHistoryNegatives: _own,
      ...fields
    } = parts;
    Object.assign(this, fields);
    this.levels = parts.itemCats.length;
    this.sizes = {
      users: parts.vocab.users.length,
      items: parts.vocab.items.length,
      cats: parts.vocab.cats.map((c) => c.length),
    };
    this.hierarchy = buildHierarchy(parts.itemCats, this.sizes.cats, parentLevels);
    if (this.levels !== parts.levelNames.length)
      throw new Error(
        `dataset ${this.name}: ${this.levels} category levels but ${parts.levelNames.length} level names`,
      );
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
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`batches: batchSize must be an integer >= 1, got ${batchSize}`);
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
      ? new NegativeDrawer(
          this.parts.auxNegatives,
          this.sizes.items,
          this.sequences.items,
          this.sequences,
          this.parts.allowOwnHistoryNegatives,
        )
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
      `  rows: train ${s.fitRows}, valid ${s.validRows}, test ${s.testRows} (positives ` +
        `${(100 * s.positiveShare).toFixed(1)}%)`,
      `  history length: mean ${h.mean.toFixed(1)}, median ${h.median}, p90 ${h.p90}, ` +
        `max ${h.max}; padded/truncated to ${this.maxLen} ` +
        `(${(100 * h.truncatedShare).toFixed(1)}% truncated)`,
    ].join('\n');
  }

  toBytes(): Buffer {
    return serializeDatasetParts(this.parts);
  }
}

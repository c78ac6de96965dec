/**
 * Embedding tables with sparse per-batch updates.
 *
 * Tables live in JS `Float32Array`s [V, D] (not tf.Variables). For one batch,
 * `FeatureEmbeddings.lookup(batch)` collects the item ids the batch uses (targets,
 * histories, auxiliary negatives), deduplicates them and builds ONE leaf tensor
 * `behaviourRows` [U, De] whose row u is the behaviour vector of the u-th distinct item:
 * `[item embedding | category embedding of level 0 | level 1 | ...]` (every category level
 * is a function of the item, by the data contract in src/data/batch.ts, so the pair never
 * needs two gathers and a concat). Models gather from that leaf with local index tensors.
 * The trainer differentiates the loss w.r.t. the leaves, `sparseGradients()` splits and
 * sums the row gradients back per table row, and a sparse optimizer updates only those rows.
 *
 * Id 0 is padding in every vocabulary: row 0 of every table is zero and never updated,
 * so padded positions gather zeros.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, FeatureSizes } from '../data/batch';
import { Rng } from '../random';
import type { NamedWeight } from './params';

/** Embedding sizes. Defaults: DIEN/DMIN code (item 18 + category 18 = 36 per behaviour). */
export interface EmbeddingConfig {
  /** Item embedding size. Default 18 (DIEN/DMIN code); DIN code uses 64. */
  itemDim: number;
  /** Category embedding size (every embedded level). Default 18 (DIEN code); DIN code 64. */
  catDim: number;
  /**
   * How many category levels are embedded into the behaviour vector (level 0 first).
   * Default 1 (the protocol's category). DHAN's coarser levels are used as grouping ids
   * (raw `batch.histCats[l]`), they need no embedding unless a model asks for one.
   */
  catLevels: number;
  /**
   * User embedding size, 0 = no user feature (default). Porting note: DIEN/DMIN code feed an
   * 18-d uid embedding to the MLP although its user split makes test users unseen (P-DIEN-3).
   */
  userDim: number;
  /** Standard deviation of the normal initialisation of every row but row 0. Default 0.01. */
  initStd: number;
}

export const EMBEDDING_DEFAULTS: Readonly<EmbeddingConfig> = Object.freeze({
  itemDim: 18,
  catDim: 18,
  catLevels: 1,
  userDim: 0,
  initStd: 0.01,
});

/** One table [V, D] in a JS array; row 0 (padding) is zero. */
export class EmbeddingTable {
  readonly values: Float32Array;

  constructor(
    /** Checkpoint name, e.g. `embedding.items`. */
    readonly name: string,
    /** V, including padding id 0. */
    readonly vocab: number,
    /** D. */
    readonly dim: number,
    seed: number,
    initStd: number,
  ) {
    if (!Number.isInteger(vocab) || vocab < 1) throw new Error(`src/layers/embedding.ts: table ${name}: vocabulary size must be an integer >= 1, got ${vocab}`);
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`src/layers/embedding.ts: table ${name}: dimension must be an integer >= 1, got ${dim}`);
    this.values = new Float32Array(vocab * dim);
    const rng = new Rng(seed).fork(name);
    for (let i = dim; i < this.values.length; i++) this.values[i] = rng.normal() * initStd;
  }

  /** A copy of row `id` [D]. */
  row(id: number): Float32Array {
    this.checkId(id, 'row');
    return this.values.slice(id * this.dim, (id + 1) * this.dim);
  }

  checkId(id: number, where: string): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocab) {
      throw new Error(`src/layers/embedding.ts: ${where}: id ${id} is outside table ${this.name} (expected 0..${this.vocab - 1})`);
    }
  }
}

/** Row gradients of one table for one batch, summed per distinct id (id 0 excluded). */
export interface SparseRowGradient {
  table: EmbeddingTable;
  /** [N] distinct ids, none is 0. */
  ids: Int32Array;
  /** [N * D] gradient of row ids[n] at n*D..(n+1)*D. */
  grads: Float32Array;
  /** [N] how many times each id occurs in the batch (all fields counted). */
  batchCounts: Int32Array;
}

/**
 * The embeddings of one batch: leaf tensors (differentiable) and local index tensors.
 * Owned by whoever called `lookup`; `dispose()` frees every tensor it made.
 * The accessors create new tensors (gathers) each call: call them inside the forward pass
 * (a tidy or gradient scope), once per field.
 */
export class BatchEmbeddings {
  /** [U, De] leaf: behaviour vector of each distinct item of the batch. */
  readonly behaviourRows: tf.Tensor2D;
  /** [U] the item id of each row of behaviourRows (row 0 is item 0). */
  readonly uniqueItems: Int32Array;
  /** [Uu, Du] leaf: user rows, when the user feature is on. */
  readonly userRows?: tf.Tensor2D;
  readonly uniqueUsers?: Int32Array;
  /** [B] int32 local index of the target item. */
  readonly targetIndex: tf.Tensor1D;
  /** [B, T] int32 local index of every history position (padding -> row of item 0 = zeros). */
  readonly historyIndex: tf.Tensor2D;
  /** [B, T] int32 local index of the auxiliary negatives, when the batch has them. */
  readonly negHistoryIndex?: tf.Tensor2D;
  /** [B] int32 local index of the user. */
  readonly userIndex?: tf.Tensor1D;
  /** [B, T] float32 1 = real behaviour (from the batch). */
  readonly mask: tf.Tensor2D;
  /** De = itemDim + catLevels * catDim. */
  readonly behaviourDim: number;
  private readonly itemCounts: Int32Array;
  private readonly userCounts?: Int32Array;

  constructor(
    readonly owner: FeatureEmbeddings,
    readonly batch: Batch,
  ) {
    const { size: B, maxLen: T } = batch;
    validateBatch(batch, owner);
    const items = owner.items;
    const catTables = owner.cats;
    const De = owner.behaviourDim;
    this.behaviourDim = De;
    // --- distinct items (0 first, so padding maps to a zero row) ---
    const slot = owner.scratchSlots(items.vocab);
    const unique: number[] = [0];
    const counts: number[] = [0];
    slot[0] = 0;
    const cats0: number[][] = catTables.map(() => [0]);
    const local = (ids: Int32Array, catArrays: Int32Array[] | undefined, what: string): Int32Array => {
      const out = new Int32Array(ids.length);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id < 0 || id >= items.vocab || !Number.isInteger(id)) {
          throw new Error(`src/layers/embedding.ts: batch.${what}[${i}] = ${id} is outside the item table (expected 0..${items.vocab - 1})`);
        }
        let s = slot[id];
        if (s < 0) {
          s = unique.length;
          slot[id] = s;
          unique.push(id);
          counts.push(0);
          for (let l = 0; l < catTables.length; l++) cats0[l].push(catArrays ? catArrays[l][i] : -1);
        }
        counts[s]++;
        if (catArrays) {
          for (let l = 0; l < catTables.length; l++) {
            const c = catArrays[l][i];
            const known = cats0[l][s];
            if (known === -1) cats0[l][s] = c;
            else if (known !== c) {
              throw new Error(`src/layers/embedding.ts: item ${id} has category ${known} and ${c} at level ${l} in one batch (${what}[${i}]); every category level must be a function of the item`);
            }
          }
        }
        out[i] = s;
      }
      return out;
    };
    let targetLocal: Int32Array, historyLocal: Int32Array, negLocal: Int32Array | undefined;
    try {
      targetLocal = local(batch.targetItems, batch.targetCats, 'targetItems');
      historyLocal = local(batch.histItems, batch.histCats, 'histItems');
      if (batch.negHistItems) {
        if (!batch.negHistCats) throw new Error('src/layers/embedding.ts: batch.negHistItems is present but batch.negHistCats is missing');
        negLocal = local(batch.negHistItems, batch.negHistCats, 'negHistItems');
      }
    } finally {
      for (const id of unique) slot[id] = -1;
    }
    counts[0] = 0; // padding never counts
    const U = unique.length;
    const rows = new Float32Array(U * De);
    const Di = items.dim;
    for (let u = 0; u < U; u++) {
      const id = unique[u];
      rows.set(items.values.subarray(id * Di, (id + 1) * Di), u * De);
      let offset = Di;
      for (let l = 0; l < catTables.length; l++) {
        const table = catTables[l];
        const c = cats0[l][u];
        if (c < 0 || c >= table.vocab) {
          throw new Error(`src/layers/embedding.ts: category ${c} of item ${id} at level ${l} is outside table ${table.name} (expected 0..${table.vocab - 1})`);
        }
        if (id === 0 && c !== 0) throw new Error(`src/layers/embedding.ts: padding item 0 has category ${c} at level ${l}; expected 0`);
        rows.set(table.values.subarray(c * table.dim, (c + 1) * table.dim), u * De + offset);
        offset += table.dim;
      }
    }
    this.uniqueItems = Int32Array.from(unique);
    this.itemCounts = Int32Array.from(counts);
    this.catOfRow = cats0.map((c) => Int32Array.from(c));
    this.behaviourRows = tf.tensor2d(rows, [U, De]);
    this.targetIndex = tf.tensor1d(targetLocal, 'int32');
    this.historyIndex = tf.tensor2d(historyLocal, [B, T], 'int32');
    if (negLocal) this.negHistoryIndex = tf.tensor2d(negLocal, [B, T], 'int32');
    this.mask = tf.tensor2d(batch.histMask, [B, T], 'float32');
    // --- users ---
    const users = owner.users;
    if (users) {
      const uslot = owner.scratchSlots(users.vocab, 'users');
      const uniqueU: number[] = [];
      const countsU: number[] = [];
      const idx = new Int32Array(B);
      try {
        for (let b = 0; b < B; b++) {
          const id = batch.users[b];
          users.checkId(id, `batch.users[${b}]`);
          let s = uslot[id];
          if (s < 0) {
            s = uniqueU.length;
            uslot[id] = s;
            uniqueU.push(id);
            countsU.push(0);
          }
          countsU[s]++;
          idx[b] = s;
        }
      } finally {
        for (const id of uniqueU) uslot[id] = -1;
      }
      const urows = new Float32Array(uniqueU.length * users.dim);
      uniqueU.forEach((id, s) => urows.set(users.values.subarray(id * users.dim, (id + 1) * users.dim), s * users.dim));
      this.uniqueUsers = Int32Array.from(uniqueU);
      this.userCounts = Int32Array.from(countsU);
      this.userRows = tf.tensor2d(urows, [uniqueU.length, users.dim]);
      this.userIndex = tf.tensor1d(idx, 'int32');
    }
  }

  /** [U] per embedded level: the category id of each row of behaviourRows. */
  readonly catOfRow: Int32Array[];

  /** The tensors to differentiate the loss against (behaviourRows, then userRows if any). */
  leaves(): tf.Tensor[] {
    return this.userRows ? [this.behaviourRows, this.userRows] : [this.behaviourRows];
  }

  /** [B, De] target behaviour vector. */
  target(): tf.Tensor2D {
    return tf.gather(this.behaviourRows, this.targetIndex) as tf.Tensor2D;
  }

  /** [B, T, De] history behaviour vectors; padded positions are zero vectors. */
  history(): tf.Tensor3D {
    return tf.gather(this.behaviourRows, this.historyIndex) as unknown as tf.Tensor3D;
  }

  /** [B, T, De] auxiliary negative behaviour vectors (throws if the batch has none). */
  negHistory(): tf.Tensor3D {
    if (!this.negHistoryIndex) {
      throw new Error('src/layers/embedding.ts: negHistory(): the batch has no negHistItems; build the dataset with auxiliary negatives');
    }
    return tf.gather(this.behaviourRows, this.negHistoryIndex) as unknown as tf.Tensor3D;
  }

  /** [B, Du] user embedding (throws if the user feature is off). */
  user(): tf.Tensor2D {
    if (!this.userRows || !this.userIndex) throw new Error('src/layers/embedding.ts: user(): userDim is 0 in the embedding config');
    return tf.gather(this.userRows, this.userIndex) as tf.Tensor2D;
  }

  /**
   * Splits the leaf gradients (as returned for `leaves()`, same order) into per-table row
   * gradients, summing the category parts of items that share a category. Padding rows
   * are dropped. `leafGrads[i]` is the flat [U*De] (or [Uu*Du]) gradient array.
   */
  sparseGradients(leafGrads: Float32Array[]): SparseRowGradient[] {
    const expected = this.leaves().length;
    if (leafGrads.length !== expected) throw new Error(`src/layers/embedding.ts: sparseGradients: got ${leafGrads.length} leaf gradients, expected ${expected}`);
    const De = this.behaviourDim;
    const U = this.uniqueItems.length;
    const g = leafGrads[0];
    if (g.length !== U * De) throw new Error(`src/layers/embedding.ts: sparseGradients: behaviour gradient has ${g.length} values, expected ${U * De}`);
    const out: SparseRowGradient[] = [];
    const items = this.owner.items;
    const Di = items.dim;
    // items: rows 1..U-1 (row 0 is padding)
    const itemIds = this.uniqueItems.slice(1);
    const itemGrads = new Float32Array((U - 1) * Di);
    for (let u = 1; u < U; u++) itemGrads.set(g.subarray(u * De, u * De + Di), (u - 1) * Di);
    out.push({ table: items, ids: itemIds, grads: itemGrads, batchCounts: this.itemCounts.slice(1) });
    let offset = Di;
    this.owner.cats.forEach((table, l) => {
      const D = table.dim;
      const slot = this.owner.scratchSlots(table.vocab, `cat${l}`);
      const ids: number[] = [];
      const counts: number[] = [];
      const acc: number[] = [];
      try {
        for (let u = 1; u < U; u++) {
          const c = this.catOfRow[l][u];
          if (c === 0) continue;
          let s = slot[c];
          if (s < 0) {
            s = ids.length;
            slot[c] = s;
            ids.push(c);
            counts.push(0);
            for (let d = 0; d < D; d++) acc.push(0);
          }
          counts[s] += this.itemCounts[u];
          const base = u * De + offset;
          for (let d = 0; d < D; d++) acc[s * D + d] += g[base + d];
        }
      } finally {
        for (const c of ids) slot[c] = -1;
      }
      out.push({ table, ids: Int32Array.from(ids), grads: Float32Array.from(acc), batchCounts: Int32Array.from(counts) });
      offset += D;
    });
    if (this.userRows && this.uniqueUsers && this.userCounts) {
      const users = this.owner.users as EmbeddingTable;
      const gu = leafGrads[1];
      const keep: number[] = [];
      this.uniqueUsers.forEach((id, s) => {
        if (id !== 0) keep.push(s);
      });
      const grads = new Float32Array(keep.length * users.dim);
      keep.forEach((s, n) => grads.set(gu.subarray(s * users.dim, (s + 1) * users.dim), n * users.dim));
      out.push({
        table: users,
        ids: Int32Array.from(keep.map((s) => (this.uniqueUsers as Int32Array)[s])),
        grads,
        batchCounts: Int32Array.from(keep.map((s) => (this.userCounts as Int32Array)[s])),
      });
    }
    return out;
  }

  /** Frees every tensor this lookup made. */
  dispose(): void {
    this.behaviourRows.dispose();
    this.targetIndex.dispose();
    this.historyIndex.dispose();
    this.negHistoryIndex?.dispose();
    this.mask.dispose();
    this.userRows?.dispose();
    this.userIndex?.dispose();
  }
}

function validateBatch(batch: Batch, owner: FeatureEmbeddings): void {
  const { size: B, maxLen: T } = batch;
  const where = 'src/layers/embedding.ts: lookup(batch)';
  if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) throw new Error(`${where}: size ${B} and maxLen ${T} must be integers >= 1`);
  const check = (name: string, len: number, expected: number): void => {
    if (len !== expected) throw new Error(`${where}: batch.${name} has ${len} entries, expected ${expected}`);
  };
  check('targetItems', batch.targetItems.length, B);
  check('histItems', batch.histItems.length, B * T);
  check('histMask', batch.histMask.length, B * T);
  check('labels', batch.labels.length, B);
  check('users', batch.users.length, B);
  if (batch.negHistItems) check('negHistItems', batch.negHistItems.length, B * T);
  const L = owner.cats.length;
  if (batch.targetCats.length < L || batch.histCats.length < L) {
    throw new Error(`${where}: the model embeds ${L} category level(s) but the batch carries ${Math.min(batch.targetCats.length, batch.histCats.length)}`);
  }
  for (let l = 0; l < L; l++) {
    check(`targetCats[${l}]`, batch.targetCats[l].length, B);
    check(`histCats[${l}]`, batch.histCats[l].length, B * T);
    if (batch.negHistCats) check(`negHistCats[${l}]`, batch.negHistCats[l].length, B * T);
  }
}

/** The embedding tables of one model: items, embedded category levels, optional users. */
export class FeatureEmbeddings {
  readonly config: Readonly<EmbeddingConfig>;
  readonly items: EmbeddingTable;
  readonly cats: EmbeddingTable[];
  readonly users?: EmbeddingTable;
  private readonly scratch = new Map<string, Int32Array>();

  constructor(sizes: FeatureSizes, config: Partial<EmbeddingConfig>, seed: number) {
    const c: EmbeddingConfig = { ...EMBEDDING_DEFAULTS, ...config };
    this.config = Object.freeze(c);
    if (!Number.isInteger(c.catLevels) || c.catLevels < 0 || c.catLevels > sizes.cats.length) {
      throw new Error(`src/layers/embedding.ts: catLevels ${c.catLevels} must be an integer in 0..${sizes.cats.length} (levels in FeatureSizes)`);
    }
    this.items = new EmbeddingTable('embedding.items', sizes.items, c.itemDim, seed, c.initStd);
    this.cats = [];
    for (let l = 0; l < c.catLevels; l++) this.cats.push(new EmbeddingTable(`embedding.cats${l}`, sizes.cats[l], c.catDim, seed, c.initStd));
    if (c.userDim > 0) this.users = new EmbeddingTable('embedding.users', sizes.users, c.userDim, seed, c.initStd);
  }

  /** De: width of one behaviour vector = itemDim + catLevels * catDim. */
  get behaviourDim(): number {
    return this.items.dim + this.cats.reduce((a, t) => a + t.dim, 0);
  }

  /** Every table, items first. */
  tables(): EmbeddingTable[] {
    return [this.items, ...this.cats, ...(this.users ? [this.users] : [])];
  }

  /** Builds the per-batch leaves and index tensors (caller disposes the result). */
  lookup(batch: Batch): BatchEmbeddings {
    return new BatchEmbeddings(this, batch);
  }

  /** @internal scratch array of `size` entries filled with -1 (id -> local slot). */
  scratchSlots(size: number, key = 'items'): Int32Array {
    let s = this.scratch.get(key);
    if (!s || s.length < size) {
      s = new Int32Array(size).fill(-1);
      this.scratch.set(key, s);
    }
    return s;
  }

  /** Copies of every table as checkpoint entries (trainable). */
  getWeights(): NamedWeight[] {
    return this.tables().map((t) => ({ name: t.name, shape: [t.vocab, t.dim], values: t.values.slice(), trainable: true }));
  }

  /** Loads tables by name (all must be present with identical shapes). */
  setWeights(weights: NamedWeight[]): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    for (const t of this.tables()) {
      const w = byName.get(t.name);
      if (!w) throw new Error(`src/layers/embedding.ts: setWeights: missing table "${t.name}"`);
      if (w.values.length !== t.values.length || w.shape[0] !== t.vocab || w.shape[1] !== t.dim) {
        throw new Error(`src/layers/embedding.ts: setWeights: "${t.name}" has shape [${w.shape}], expected [${t.vocab},${t.dim}]`);
      }
      t.values.set(w.values);
    }
  }
}

/**
 * Embedding tables with sparse per-batch updates.
 *
 * Tables live in JS `Float32Array`s [V, D] (not tf.Variables). For one batch,
 * `FeatureEmbeddings.lookup(batch)` copies the rows the batch uses into leaf tensors, one per
 * field: target [B, De], history [B, T, De], auxiliary negatives [B, T, De], user [B, Du].
 * A behaviour vector is `[item embedding | category embedding of level 0 | level 1 | ...]`
 * (every category level is a function of the item, by the data contract in
 * src/data/batch.ts). The trainer differentiates the loss w.r.t. the leaves,
 * `sparseGradients()` sums the gradients back per table row, and a sparse optimizer
 * updates only those rows (what DIN's MBA regularization needs).
 *
 * Id 0 is padding in every vocabulary: row 0 of every table is zero and never updated,
 * so padded positions gather zeros.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, FeatureSizes } from '../data/batch';
import { Rng } from '../random';
import type { GlorotDistribution, NamedWeight } from './params';

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
   * 18-d uid embedding to the MLP although its user split makes test users unseen (docs/papers.md P-DIEN-3).
   */
  userDim: number;
  /** Standard deviation of the normal initialisation of every row but row 0. Default 0.01. */
  initStd: number;
  /**
   * Distribution of the model's Glorot-initialised kernels (dense, attention, recurrent):
   * 'uniform' (default, TF1 `tf.layers.dense`) or 'normal' (FuxiCTR's Xavier-normal). Kept
   * here beside initStd because this is the one config group every model shares.
   */
  glorot: GlorotDistribution;
}

export const EMBEDDING_DEFAULTS: Readonly<EmbeddingConfig> = Object.freeze({
  itemDim: 18,
  catDim: 18,
  catLevels: 1,
  userDim: 0,
  initStd: 0.01,
  glorot: 'uniform',
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
    if (!Number.isInteger(vocab) || vocab < 1)
      throw new Error(`EmbeddingTable(${name}): vocabulary size must be an integer >= 1, got ${vocab}`);
    if (!Number.isInteger(dim) || dim < 1)
      throw new Error(`EmbeddingTable(${name}): dimension must be an integer >= 1, got ${dim}`);
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
      throw new Error(
        `EmbeddingTable(${this.name}).${where}: id ${id} is outside the table (expected 0..${this.vocab - 1})`,
      );
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
 * The embeddings of one batch, gathered in JS from the tables into leaf tensors.
 * Owned by whoever called `lookup`; `dispose()` frees every tensor it made.
 * The accessors return the SAME leaf tensor on every call: do not dispose what they return.
 *
 * Why gather in JS: the wasm `GatherV2` kernel is far slower than gathering in JS and uploading
 * the result (docs/findings/performance.md, "Numbers behind choices in the source"); the row
 * gradients are then summed per id in JS (no UnsortedSegmentSum).
 */
export class BatchEmbeddings {
  /** [B, De] leaf: target behaviour vectors. */
  readonly targetRows: tf.Tensor2D;
  /** [B, T, De] leaf: history behaviour vectors (zeros at padding). */
  readonly historyRows: tf.Tensor3D;
  /** [B, T, De] leaf: auxiliary negatives, when the batch has them. */
  readonly negHistoryRows?: tf.Tensor3D;
  /** [B, Du] leaf: user vectors, when the user feature is on. */
  readonly userRows?: tf.Tensor2D;
  /** [B, T] float32 1 = real behaviour (from the batch). */
  readonly mask: tf.Tensor2D;
  /** De = itemDim + catLevels * catDim. */
  readonly behaviourDim: number;

  constructor(
    readonly owner: FeatureEmbeddings,
    readonly batch: Batch,
  ) {
    const { size: B, maxLen: T } = batch;
    validateBatch(batch, owner);
    const De = owner.behaviourDim;
    this.behaviourDim = De;
    // Gather everything in JS first (this validates the batch), then make the tensors, so a
    // rejected batch leaves no tensor behind.
    const targetValues = this.gatherBehaviours(batch.targetItems, batch.targetCats, 'targetItems', 'targetCats');
    const historyValues = this.gatherBehaviours(batch.histItems, batch.histCats, 'histItems', 'histCats');
    let negValues: Float32Array | undefined;
    if (batch.negHistItems) {
      if (!batch.negHistCats)
        throw new Error('FeatureEmbeddings.lookup: batch.negHistItems is present but batch.negHistCats is missing');
      negValues = this.gatherBehaviours(batch.negHistItems, batch.negHistCats, 'negHistItems', 'negHistCats');
    }
    const users = owner.users;
    let userValues: Float32Array | undefined;
    if (users) {
      userValues = new Float32Array(B * users.dim);
      for (let b = 0; b < B; b++) {
        const id = batch.users[b];
        users.checkId(id, `batch.users[${b}]`);
        userValues.set(users.values.subarray(id * users.dim, (id + 1) * users.dim), b * users.dim);
      }
    }
    this.targetRows = tf.tensor2d(targetValues, [B, De]);
    this.historyRows = tf.tensor3d(historyValues, [B, T, De]);
    if (negValues) this.negHistoryRows = tf.tensor3d(negValues, [B, T, De]);
    if (userValues && users) this.userRows = tf.tensor2d(userValues, [B, users.dim]);
    this.mask = tf.tensor2d(batch.histMask, [B, T], 'float32');
  }

  /**
   * [N * De] behaviour vectors [item | cat level 0 | ...] of `items` (id 0 -> zeros; checks ids and the item ->
   * category function).
   */
  private gatherBehaviours(items: Int32Array, cats: Int32Array[], itemField: string, catField: string): Float32Array {
    const owner = this.owner;
    const De = this.behaviourDim;
    const table = owner.items;
    const Di = table.dim;
    const out = new Float32Array(items.length * De);
    for (let i = 0; i < items.length; i++) {
      const id = items[i];
      if (!(id >= 0 && id < table.vocab) || !Number.isInteger(id)) {
        throw new Error(
          `FeatureEmbeddings.lookup: batch.${itemField}[${i}] = ${id} is outside the item ` +
            `table (expected 0..${table.vocab - 1})`,
        );
      }
      const base = i * De;
      if (id !== 0) out.set(table.values.subarray(id * Di, (id + 1) * Di), base);
      let offset = Di;
      for (let l = 0; l < owner.cats.length; l++) {
        const ct = owner.cats[l];
        const c = cats[l][i];
        if (!(c >= 0 && c < ct.vocab)) {
          throw new Error(
            `FeatureEmbeddings.lookup: batch.${catField}[${l}][${i}] = ${c} is outside table ` +
              `${ct.name} (expected 0..${ct.vocab - 1})`,
          );
        }
        if (id === 0 && c !== 0)
          throw new Error(
            `FeatureEmbeddings.lookup: batch.${catField}[${l}][${i}] = ${c} for padding item 0; expected 0`,
          );
        const known = owner.catOfItem(l, id, c);
        if (known !== c) {
          throw new Error(
            `FeatureEmbeddings.lookup: item ${id} has category ${known} and ${c} at level ` +
              `${l} (batch.${catField}[${l}][${i}]); every category level must be a function of the item`,
          );
        }
        if (c !== 0) out.set(ct.values.subarray(c * ct.dim, (c + 1) * ct.dim), base + offset);
        offset += ct.dim;
      }
    }
    return out;
  }

  /** The tensors to differentiate the loss against: target, history, [negatives], [user]. */
  leaves(): tf.Tensor[] {
    const out: tf.Tensor[] = [this.targetRows, this.historyRows];
    if (this.negHistoryRows) out.push(this.negHistoryRows);
    if (this.userRows) out.push(this.userRows);
    return out;
  }

  /** [B, De] target behaviour vector (the leaf itself: do not dispose). */
  target(): tf.Tensor2D {
    return this.targetRows;
  }

  /** [B, T, De] history behaviour vectors, zero vectors at padding (the leaf itself: do not dispose). */
  history(): tf.Tensor3D {
    return this.historyRows;
  }

  /** [B, T, De] auxiliary negative behaviour vectors (throws if the batch has none). */
  negHistory(): tf.Tensor3D {
    if (!this.negHistoryRows) {
      throw new Error(
        'BatchEmbeddings.negHistory: the batch has no negHistItems; build the dataset with auxiliary negatives',
      );
    }
    return this.negHistoryRows;
  }

  /** [B, Du] user embedding (throws if the user feature is off). */
  user(): tf.Tensor2D {
    if (!this.userRows) throw new Error('BatchEmbeddings.user: userDim is 0 in the embedding config');
    return this.userRows;
  }

  /**
   * Sums the leaf gradients (same order as `leaves()`, flat arrays) per table row: the item
   * part of every position to its item, each category part to its category. Padding (id 0)
   * is dropped.
   */
  sparseGradients(leafGrads: Float32Array[]): SparseRowGradient[] {
    const leaves = this.leaves();
    if (leafGrads.length !== leaves.length)
      throw new Error(
        `BatchEmbeddings.sparseGradients: got ${leafGrads.length} leaf gradients, expected ${leaves.length}`,
      );
    leafGrads.forEach((g, i) => {
      if (g.length !== leaves[i].size)
        throw new Error(
          `BatchEmbeddings.sparseGradients: gradient ${i} has ${g.length} values, expected ${leaves[i].size}`,
        );
    });
    const batch = this.batch;
    const owner = this.owner;
    const De = this.behaviourDim;
    const sources: { items: Int32Array; cats: Int32Array[]; grad: Float32Array }[] = [
      { items: batch.targetItems, cats: batch.targetCats, grad: leafGrads[0] },
      { items: batch.histItems, cats: batch.histCats, grad: leafGrads[1] },
    ];
    if (this.negHistoryRows)
      sources.push({
        items: batch.negHistItems as Int32Array,
        cats: batch.negHistCats as Int32Array[],
        grad: leafGrads[2],
      });
    const out: SparseRowGradient[] = [];
    const accumulate = (
      table: EmbeddingTable,
      key: string,
      visit: (add: (id: number, grad: Float32Array, offset: number) => void) => void,
    ): void => {
      const D = table.dim;
      const slot = owner.scratchSlots(table.vocab, key);
      const ids: number[] = [];
      const counts: number[] = [];
      let acc = new Float32Array(64 * D);
      try {
        visit((id, grad, offset) => {
          if (id === 0) return;
          let s = slot[id];
          if (s < 0) {
            s = ids.length;
            slot[id] = s;
            ids.push(id);
            counts.push(0);
            if ((s + 1) * D > acc.length) {
              const bigger = new Float32Array(acc.length * 2);
              bigger.set(acc);
              acc = bigger;
            }
          }
          counts[s]++;
          const base = s * D;
          for (let d = 0; d < D; d++) acc[base + d] += grad[offset + d];
        });
      } finally {
        for (const id of ids) slot[id] = -1;
      }
      out.push({
        table,
        ids: Int32Array.from(ids),
        grads: acc.slice(0, ids.length * D),
        batchCounts: Int32Array.from(counts),
      });
    };
    accumulate(owner.items, 'items', (add) => {
      for (const src of sources) for (let i = 0; i < src.items.length; i++) add(src.items[i], src.grad, i * De);
    });
    let offset = owner.items.dim;
    owner.cats.forEach((table, l) => {
      const o = offset;
      accumulate(table, `cat${l}`, (add) => {
        for (const src of sources) {
          const cats = src.cats[l];
          for (let i = 0; i < cats.length; i++) add(cats[i], src.grad, i * De + o);
        }
      });
      offset += table.dim;
    });
    if (this.userRows && owner.users) {
      const users = owner.users;
      const g = leafGrads[leafGrads.length - 1];
      accumulate(users, 'users', (add) => {
        for (let b = 0; b < batch.size; b++) add(batch.users[b], g, b * users.dim);
      });
    }
    return out;
  }

  /** Frees every tensor this lookup made. */
  dispose(): void {
    this.targetRows.dispose();
    this.historyRows.dispose();
    this.negHistoryRows?.dispose();
    this.mask.dispose();
    this.userRows?.dispose();
  }
}

function validateBatch(batch: Batch, owner: FeatureEmbeddings): void {
  const { size: B, maxLen: T } = batch;
  const where = 'FeatureEmbeddings.lookup';
  if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1)
    throw new Error(`${where}: size ${B} and maxLen ${T} must be integers >= 1`);
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
    throw new Error(
      `${where}: the model embeds ${L} category level(s) but the batch carries ` +
        `${Math.min(batch.targetCats.length, batch.histCats.length)}`,
    );
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
  /** Per embedded level: the category first seen for each item (0 = not seen yet). */
  private readonly itemCats: Int32Array[];
  /** (level, item) pairs recorded by the lookup in progress, undone if it fails. */
  private journal: number[] = [];

  constructor(sizes: FeatureSizes, config: Partial<EmbeddingConfig>, seed: number) {
    const c: EmbeddingConfig = { ...EMBEDDING_DEFAULTS, ...config };
    this.config = Object.freeze(c);
    if (!Number.isInteger(c.catLevels) || c.catLevels < 0 || c.catLevels > sizes.cats.length) {
      throw new Error(
        `FeatureEmbeddings: catLevels ${c.catLevels} must be an integer in ` +
          `0..${sizes.cats.length} (levels in FeatureSizes)`,
      );
    }
    this.items = new EmbeddingTable('embedding.items', sizes.items, c.itemDim, seed, c.initStd);
    this.cats = [];
    for (let l = 0; l < c.catLevels; l++)
      this.cats.push(new EmbeddingTable(`embedding.cats${l}`, sizes.cats[l], c.catDim, seed, c.initStd));
    if (c.userDim > 0) this.users = new EmbeddingTable('embedding.users', sizes.users, c.userDim, seed, c.initStd);
    this.itemCats = this.cats.map(() => new Int32Array(sizes.items));
  }

  /**
   * The category of `item` at `level`, remembered from the first batch that showed it;
   * `seen` is this batch's value (recorded when the item is new). Items and categories are
   * tied for the life of the tables, so a batch contradicting an earlier one is an error.
   */
  catOfItem(level: number, item: number, seen: number): number {
    const memo = this.itemCats[level];
    if (item === 0) return seen === 0 ? 0 : -1;
    if (memo[item] === 0 && seen !== 0) {
      memo[item] = seen;
      this.journal.push(level, item);
    }
    return memo[item];
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
    this.journal = [];
    try {
      return new BatchEmbeddings(this, batch);
    } catch (err) {
      // a rejected batch must not leave its item -> category pairs behind
      for (let i = 0; i < this.journal.length; i += 2) this.itemCats[this.journal[i]][this.journal[i + 1]] = 0;
      throw err;
    } finally {
      this.journal = [];
    }
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
    return this.tables().map((t) => ({
      name: t.name,
      shape: [t.vocab, t.dim],
      values: t.values.slice(),
      trainable: true,
    }));
  }

  /** Loads tables by name (all must be present with identical shapes). */
  setWeights(weights: NamedWeight[]): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    for (const t of this.tables()) {
      const w = byName.get(t.name);
      if (!w) throw new Error(`FeatureEmbeddings.setWeights: missing table "${t.name}"`);
      if (w.values.length !== t.values.length || w.shape[0] !== t.vocab || w.shape[1] !== t.dim) {
        throw new Error(
          `FeatureEmbeddings.setWeights: "${t.name}" has shape [${w.shape}], expected [${t.vocab},${t.dim}]`,
        );
      }
      t.values.set(w.values);
    }
  }
}

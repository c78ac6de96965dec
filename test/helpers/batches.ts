/**
 * The tiny click batches of the layer, model and reference tests (not a test file). Items 1..40;
 * category (level 0) of item i is 1 + i % 5, parent (level 1) of category c is 1 + c % 2, so the
 * hierarchy nests. Each row's user likes one category: 80% of the history is of that category,
 * and the target is clicked (half the rows) iff its category is the liked one, a signal a few
 * training steps pick up. Histories are post-padded with 0; every real position has an
 * auxiliary negative different from its behaviour.
 */
import type { Batch, FeatureSizes } from '../../src/data/batch';
import { Rng } from '../../src/random';

/** Vocabulary of the tiny batches (ids include padding 0). */
export const TINY_SIZES: FeatureSizes = { users: 21, items: 41, cats: [6, 3] };
export const catOf = (item: number): number => (item === 0 ? 0 : 1 + (item % 5));
export const parentOf = (cat: number): number => (cat === 0 ? 0 : 1 + (cat % 2));

export interface TinyBatchOptions {
  /** Rows B (default 16). */
  size?: number;
  /** Padded history length T (default 6). */
  maxLen?: number;
  /** Shortest real history; lengths are uniform in minLen..maxLen (default 1). */
  minLen?: number;
  /** Fixed lengths of the first rows (the rest are drawn). */
  lengths?: number[];
  /** Keep the auxiliary negatives (default false). */
  negatives?: boolean;
  /** Vocabulary (default TINY_SIZES); categories and parents follow catOf and parentOf. */
  sizes?: FeatureSizes;
}

/** One tiny batch drawn from `seed`. */
export function tinyBatch(seed: number, options: TinyBatchOptions = {}): Batch {
  return tinyBatches(1, seed, options)[0];
}

/** `count` different tiny batches drawn from `seed`. */
export function tinyBatches(count: number, seed: number, options: TinyBatchOptions = {}): Batch[] {
  const { size: B = 16, maxLen: T = 6, minLen = 1, lengths = [], sizes = TINY_SIZES } = options;
  const rng = new Rng(seed);
  /** A uniform item of category c (items c - 1 + 5k inside the vocabulary). */
  const itemOfCat = (c: number): number =>
    c - 1 + 5 * rng.int(c === 1 ? 1 : 0, Math.floor((sizes.items - 1 - c) / 5) + 1);
  const levels = (ids: Int32Array): Int32Array[] => [
    Int32Array.from(ids, catOf),
    Int32Array.from(ids, (i) => parentOf(catOf(i))),
  ];
  const batches: Batch[] = [];
  for (let k = 0; k < count; k++) {
    const users = new Int32Array(B);
    const targetItems = new Int32Array(B);
    const histItems = new Int32Array(B * T);
    const histMask = new Float32Array(B * T);
    const histLen = new Int32Array(B);
    const labels = new Float32Array(B);
    const negHistItems = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      users[b] = rng.int(1, sizes.users);
      const liked = 1 + rng.int(0, 5);
      const len = lengths[b] ?? rng.int(minLen, T + 1);
      histLen[b] = len;
      for (let t = 0; t < len; t++) {
        const item = itemOfCat(rng.next() < 0.8 ? liked : 1 + rng.int(0, 5));
        let neg = rng.int(1, sizes.items);
        if (neg === item) neg = (neg % (sizes.items - 1)) + 1;
        histItems[b * T + t] = item;
        histMask[b * T + t] = 1;
        negHistItems[b * T + t] = neg;
      }
      const click = rng.next() < 0.5;
      targetItems[b] = itemOfCat(click ? liked : 1 + ((liked + rng.int(0, 4)) % 5));
      labels[b] = click ? 1 : 0;
    }
    const batch: Batch = {
      size: B,
      maxLen: T,
      levels: 2,
      users,
      targetItems,
      targetCats: levels(targetItems),
      histItems,
      histCats: levels(histItems),
      histMask,
      histLen,
      labels,
    };
    if (options.negatives) {
      batch.negHistItems = negHistItems;
      batch.negHistCats = levels(negHistItems);
    }
    batches.push(batch);
  }
  return batches;
}

/** The same batch with `extra` more padded positions per row (ids 0, mask 0). */
export function padBatch(batch: Batch, extra: number): Batch {
  const { size: B, maxLen: T } = batch;
  const maxLen = T + extra;
  const widen = <A extends Int32Array | Float32Array>(a: A, make: (n: number) => A): A => {
    const out = make(B * maxLen);
    for (let b = 0; b < B; b++) out.set(a.subarray(b * T, (b + 1) * T), b * maxLen);
    return out;
  };
  const i32 = (n: number): Int32Array => new Int32Array(n);
  return {
    ...batch,
    maxLen,
    histItems: widen(batch.histItems, i32),
    histCats: batch.histCats.map((c) => widen(c, i32)),
    histMask: widen(batch.histMask, (n) => new Float32Array(n)),
    negHistItems: batch.negHistItems ? widen(batch.negHistItems, i32) : undefined,
    negHistCats: batch.negHistCats?.map((c) => widen(c, i32)),
  };
}

/**
 * Tiny hand-built batches for the sequence-model tests (not a test file itself).
 * Items 1..ITEMS-1; category (level 0) of item i = 1 + (i % 5); parent (level 1) of category
 * c = 1 + (c % 2) (nested). Label = 1 iff the target's category occurs in the history, so
 * attention over the history is what the models must learn.
 */
import type { Batch, FeatureSizes } from '../../src/data/batch';
import { Rng } from '../../src/random';

export const ITEMS = 30;
export const SIZES: FeatureSizes = { users: 50, items: ITEMS, cats: [6, 3] };
export const catOf = (item: number): number => (item === 0 ? 0 : 1 + (item % 5));
export const parentOf = (cat: number): number => (cat === 0 ? 0 : 1 + (cat % 2));

export function tinyBatch(seed: number, B = 16, T = 6): Batch {
  const rng = new Rng(seed);
  const histItems = new Int32Array(B * T);
  const negHistItems = new Int32Array(B * T);
  const histMask = new Float32Array(B * T);
  const histLen = new Int32Array(B);
  const targetItems = new Int32Array(B);
  const labels = new Float32Array(B);
  const users = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const len = rng.int(1, T + 1);
    histLen[b] = len;
    users[b] = rng.int(1, SIZES.users);
    const cats = new Set<number>();
    for (let t = 0; t < len; t++) {
      const item = rng.int(1, ITEMS);
      histItems[b * T + t] = item;
      histMask[b * T + t] = 1;
      cats.add(catOf(item));
      let neg = rng.int(1, ITEMS);
      while (neg === item) neg = rng.int(1, ITEMS);
      negHistItems[b * T + t] = neg;
    }
    targetItems[b] = rng.int(1, ITEMS);
    labels[b] = cats.has(catOf(targetItems[b])) ? 1 : 0;
  }
  const level0 = (ids: Int32Array): Int32Array => Int32Array.from(ids, catOf);
  const level1 = (ids: Int32Array): Int32Array => Int32Array.from(ids, (i) => parentOf(catOf(i)));
  return {
    size: B,
    maxLen: T,
    levels: 2,
    users,
    targetItems,
    targetCats: [level0(targetItems), level1(targetItems)],
    histItems,
    histCats: [level0(histItems), level1(histItems)],
    histMask,
    histLen,
    labels,
    negHistItems,
    negHistCats: [level0(negHistItems), level1(negHistItems)],
  };
}

/** The same batch with `extra` more padded positions per row (ids 0, mask 0). */
export function withExtraPadding(batch: Batch, extra: number): Batch {
  const { size: B, maxLen: T } = batch;
  const T2 = T + extra;
  const widen = <A extends Int32Array | Float32Array>(a: A, make: (n: number) => A): A => {
    const out = make(B * T2);
    for (let b = 0; b < B; b++) out.set(a.subarray(b * T, (b + 1) * T), b * T2);
    return out;
  };
  const i32 = (n: number): Int32Array => new Int32Array(n);
  return {
    ...batch,
    maxLen: T2,
    histItems: widen(batch.histItems, i32),
    histCats: batch.histCats.map((c) => widen(c, i32)),
    histMask: widen(batch.histMask, (n) => new Float32Array(n)),
    negHistItems: batch.negHistItems ? widen(batch.negHistItems, i32) : undefined,
    negHistCats: batch.negHistCats?.map((c) => widen(c, i32)),
  };
}

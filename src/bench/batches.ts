/**
 * Synthetic batches at the bench shape, generated like the PyTorch reference's `common.py`
 * (not the same random stream): every item has one fixed category, each category one parent;
 * real history lengths uniform in minLen..maxLen, post-padded with 0; one sampled negative
 * per history position; random labels.
 */
import type { Batch, FeatureSizes } from '../data/batch';
import { Rng } from '../random';
import { BENCH_SHAPE, BenchShape } from './shape';

export interface BenchData {
  batches: Batch[];
  sizes: FeatureSizes;
}

/** Parent (1..parents) of category c (1..cats-1) in contiguous blocks; 0 stays 0. */
export function parentOf(cat: number, cats: number, parents: number): number {
  if (cat === 0) return 0;
  return 1 + Math.floor(((cat - 1) * parents) / (cats - 1));
}

/** `count` batches of `shape` (2 category levels: category, parent) from `seed`. */
export function makeBenchBatches(count: number, seed: number, shape: Readonly<BenchShape> = BENCH_SHAPE): BenchData {
  const where = 'makeBenchBatches';
  if (!(Number.isInteger(count) && count >= 1))
    throw new Error(`${where}: count must be a positive integer, got ${count}`);
  if (!(shape.minLen >= 1 && shape.minLen <= shape.maxLen))
    throw new Error(`${where}: need 1 <= minLen <= maxLen, got ${shape.minLen}..${shape.maxLen}`);
  if (!(shape.items >= 2 && shape.cats >= 2 && shape.parentCats >= 1 && shape.parentCats <= shape.cats - 1)) {
    throw new Error(
      `${where}: vocabularies too small (items ${shape.items}, cats ${shape.cats}, parents ${shape.parentCats})`,
    );
  }
  const rng = new Rng(seed);
  const catRng = rng.fork('item-categories');
  const itemCat = new Int32Array(shape.items);
  for (let i = 1; i < shape.items; i++) itemCat[i] = catRng.int(1, shape.cats);
  const parent = new Int32Array(shape.cats);
  for (let c = 1; c < shape.cats; c++) parent[c] = parentOf(c, shape.cats, shape.parentCats);
  const B = shape.batchSize;
  const T = shape.maxLen;
  const batchRng = rng.fork('batches');
  const batches: Batch[] = [];
  for (let n = 0; n < count; n++) {
    const histItems = new Int32Array(B * T);
    const negHistItems = new Int32Array(B * T);
    const histMask = new Float32Array(B * T);
    const histLen = new Int32Array(B);
    const targetItems = new Int32Array(B);
    const labels = new Float32Array(B);
    const users = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const len = batchRng.int(shape.minLen, shape.maxLen + 1);
      histLen[b] = len;
      for (let t = 0; t < len; t++) {
        const item = batchRng.int(1, shape.items);
        let neg = batchRng.int(1, shape.items);
        if (neg === item) neg = (neg % (shape.items - 1)) + 1;
        histItems[b * T + t] = item;
        negHistItems[b * T + t] = neg;
        histMask[b * T + t] = 1;
      }
      targetItems[b] = batchRng.int(1, shape.items);
      labels[b] = batchRng.next() < 0.5 ? 1 : 0;
      users[b] = n * B + b + 1;
    }
    const cats = (items: Int32Array) => items.map((i) => itemCat[i]);
    const parents = (catIds: Int32Array) => catIds.map((c) => parent[c]);
    const targetCat = cats(targetItems);
    const histCat = cats(histItems);
    const negCat = cats(negHistItems);
    batches.push({
      size: B,
      maxLen: T,
      levels: 2,
      users,
      targetItems,
      targetCats: [targetCat, parents(targetCat)],
      histItems,
      histCats: [histCat, parents(histCat)],
      histMask,
      histLen,
      labels,
      negHistItems,
      negHistCats: [negCat, parents(negCat)],
    });
  }
  return { batches, sizes: { users: count * B + 1, items: shape.items, cats: [shape.cats, shape.parentCats + 1] } };
}

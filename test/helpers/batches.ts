/**
 * The tiny batches of the layer, model and reference tests (not a test file), drawn by the
 * bench's generator. Items 1..40; category (level 0) of item i is 1 + i % 5, parent (level 1) of
 * category c is 1 + c % 2, so the hierarchy nests. Label 1 iff the target's category occurs in
 * the history: attention over the history is what a model must learn.
 */
import { BatchDraw, drawBatch } from '../../src/bench/batches';
import type { Batch, FeatureSizes } from '../../src/data/batch';
import { Rng } from '../../src/random';

/** Vocabulary of the tiny batches (ids include padding 0). */
export const TINY_SIZES: FeatureSizes = { users: 50, items: 41, cats: [6, 3] };
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
  /** Keep the auxiliary negatives, one per real position (default false). */
  negatives?: boolean;
  /** Vocabulary (default TINY_SIZES); categories and parents follow catOf and parentOf. */
  sizes?: FeatureSizes;
}

/** One tiny batch drawn from `seed`. */
export function tinyBatch(seed: number, options: TinyBatchOptions = {}): Batch {
  return tinyBatches(1, seed, options)[0];
}

/** `count` different tiny batches drawn from `seed` (the bench's generator, src/bench/batches.ts). */
export function tinyBatches(count: number, seed: number, options: TinyBatchOptions = {}): Batch[] {
  const { size = 16, maxLen = 6, minLen = 1, lengths = [], sizes = TINY_SIZES } = options;
  const rng = new Rng(seed);
  const draw: BatchDraw = {
    size,
    maxLen,
    items: sizes.items,
    lengthOf: (b) => lengths[b] ?? rng.int(minLen, maxLen + 1),
    userOf: (b) => 1 + (b % (sizes.users - 1)),
    levelsOf: (ids) => [Int32Array.from(ids, catOf), Int32Array.from(ids, (i) => parentOf(catOf(i)))],
  };
  return Array.from({ length: count }, () => {
    const batch = drawBatch(rng, draw);
    batch.labels = Float32Array.from({ length: size }, (_, b) => {
      const history = new Set(Array.from(batch.histCats[0].subarray(b * maxLen, b * maxLen + batch.histLen[b])));
      return history.has(batch.targetCats[0][b]) ? 1 : 0;
    });
    if (!options.negatives) {
      delete batch.negHistItems;
      delete batch.negHistCats;
    }
    return batch;
  });
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

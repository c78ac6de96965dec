/**
 * Helpers for the core layer and model tests (not a test file): seeded tensors, a gradient
 * checker against central finite differences, and a tiny hand-made click dataset.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import type { Batch, FeatureSizes } from '../../src/data/batch';
import { Rng } from '../../src/random';

export function randomTensor(shape: number[], rng: Rng, scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal() * scale;
  return tf.tensor(v, shape);
}

/** A seeded normal variable (perturbable by the gradient checker). */
export function randomVariable(shape: number[], rng: Rng, scale = 1): tf.Variable {
  const t = randomTensor(shape, rng, scale);
  const v = tf.variable(t);
  t.dispose();
  return v;
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function post(mask: number[][]): tf.Tensor2D {
  return tf.tensor2d(mask);
}

/**
 * Checks the analytic gradient of `loss` w.r.t. each variable of `xs` against central finite differences at up to `entries` positions per tensor.
 * Float32 tolerance: |analytic - numeric| <= atol + rtol * |numeric| (defaults 2e-3, 2e-2,
 * eps 1e-2: the truncation error of a central difference is O(eps^2 f''') and float32
 * rounding adds ~1e-7 |f| / eps).
 */
export function assertGradientsMatch(
  loss: () => tf.Scalar,
  xs: tf.Tensor[],
  options: { eps?: number; atol?: number; rtol?: number; entries?: number; seed?: number; label?: string } = {},
): number {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const entries = options.entries ?? 12;
  const rng = new Rng(options.seed ?? 11);
  const { value, grads } = tf.engine().gradients(loss, xs, undefined, true);
  value.dispose();
  let worst = 0;
  xs.forEach((x, k) => {
    const g = grads[k];
    assert.ok(g, `${options.label ?? ''}: no gradient for input ${k}`);
    const analytic = Float32Array.from(g.dataSync() as Float32Array);
    g.dispose();
    const base = Float32Array.from(x.dataSync() as Float32Array);
    const n = base.length;
    const picks = n <= entries ? [...Array(n).keys()] : Array.from({ length: entries }, () => rng.int(0, n));
    assert.ok(x instanceof tf.Variable, `${options.label ?? ''}: input ${k} must be a tf.Variable (use randomVariable)`);
    const setValues = (v: Float32Array): void => {
      tf.tidy(() => (x as tf.Variable).assign(tf.tensor(v, x.shape)));
    };
    for (const i of picks) {
      const at = (d: number): number => {
        const v = Float32Array.from(base);
        v[i] += d;
        setValues(v);
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      setValues(base);
      const err = Math.abs(analytic[i] - numeric);
      worst = Math.max(worst, err);
      assert.ok(err <= atol + rtol * Math.abs(numeric), `${options.label ?? ''}: input ${k} entry ${i}: analytic ${analytic[i]} vs numeric ${numeric}`);
    }
  });
  return worst;
}

/** A fixed random projection to turn any output into a scalar loss: sum(out * w). */
export function projectionLoss(out: tf.Tensor, seed: number): tf.Scalar {
  const w = randomTensor(out.shape, new Rng(seed));
  return tf.sum(tf.mul(out, w)) as tf.Scalar;
}

/** Vocabulary of the tiny dataset: items 1..40, categories 1..5 (level 0), 1..2 (level 1). */
export const TINY_SIZES: FeatureSizes = { users: 21, items: 41, cats: [6, 3] };
export const catOf = (item: number): number => (item === 0 ? 0 : 1 + (item % 5));
export const parentOf = (item: number): number => (item === 0 ? 0 : 1 + (catOf(item) % 2));

/**
 * Tiny click data: each user likes one category; history = items mostly of that category;
 * target clicked iff its category is the liked one. `n` batches of `B` rows, history padded to T.
 */
export function tinyBatches(n: number, B: number, T: number, seed: number, options: { negatives?: boolean; minLen?: number } = {}): Batch[] {
  const rng = new Rng(seed);
  const out: Batch[] = [];
  for (let k = 0; k < n; k++) {
    const users = new Int32Array(B);
    const targetItems = new Int32Array(B);
    const histItems = new Int32Array(B * T);
    const histMask = new Float32Array(B * T);
    const histLen = new Int32Array(B);
    const labels = new Float32Array(B);
    const negHistItems = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      users[b] = 1 + rng.int(0, 20);
      const liked = 1 + rng.int(0, 5);
      const len = rng.int(options.minLen ?? 1, T + 1);
      histLen[b] = len;
      const itemOfCat = (c: number): number => {
        // items with catOf(item) = c: item % 5 = c - 1
        return (c - 1) + 5 * rng.int(c === 1 ? 1 : 0, 8);
      };
      for (let t = 0; t < len; t++) {
        const c = rng.next() < 0.8 ? liked : 1 + rng.int(0, 5);
        histItems[b * T + t] = itemOfCat(c) || 5;
        histMask[b * T + t] = 1;
        negHistItems[b * T + t] = 1 + rng.int(0, 40);
      }
      const click = rng.next() < 0.5;
      const tc = click ? liked : 1 + ((liked + rng.int(0, 4)) % 5);
      targetItems[b] = itemOfCat(tc) || 5;
      labels[b] = catOf(targetItems[b]) === liked ? 1 : 0;
    }
    const level = (f: (i: number) => number) => (ids: Int32Array) => Int32Array.from(ids, f);
    const batch: Batch = {
      size: B,
      maxLen: T,
      levels: 2,
      users,
      targetItems,
      targetCats: [level(catOf)(targetItems), level(parentOf)(targetItems)],
      histItems,
      histCats: [level(catOf)(histItems), level(parentOf)(histItems)],
      histMask,
      histLen,
      labels,
    };
    if (options.negatives) {
      batch.negHistItems = negHistItems;
      batch.negHistCats = [level(catOf)(negHistItems), level(parentOf)(negHistItems)];
    }
    out.push(batch);
  }
  return out;
}

/** The same batch with the history padded to `T2 >= T` (extra positions are padding). */
export function padBatch(batch: Batch, T2: number): Batch {
  const { size: B, maxLen: T } = batch;
  const pad = <A extends Int32Array | Float32Array>(a: A, make: (n: number) => A): A => {
    const out = make(B * T2);
    for (let b = 0; b < B; b++) out.set(a.subarray(b * T, (b + 1) * T), b * T2);
    return out;
  };
  const i32 = (n: number) => new Int32Array(n);
  return {
    ...batch,
    maxLen: T2,
    histItems: pad(batch.histItems, i32),
    histCats: batch.histCats.map((c) => pad(c, i32)),
    histMask: pad(batch.histMask, (n) => new Float32Array(n)),
    negHistItems: batch.negHistItems ? pad(batch.negHistItems, i32) : undefined,
    negHistCats: batch.negHistCats ? batch.negHistCats.map((c) => pad(c, i32)) : undefined,
  };
}

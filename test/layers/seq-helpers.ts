/**
 * Helpers shared by the sequence-layer and sequence-model tests (not a test file itself).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { Rng } from '../../src/random';

/** A [shape] float32 tensor of uniform values in [lo, hi) from a seeded generator. */
export function uniformTensor(rng: Rng, shape: number[], lo = -1, hi = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.next();
  return tf.tensor(v, shape);
}

/** [B, T] post-padded mask from lengths. */
export function maskFromLengths(lengths: number[], T: number): tf.Tensor2D {
  const v = new Float32Array(lengths.length * T);
  lengths.forEach((len, b) => {
    for (let t = 0; t < len; t++) v[b * T + t] = 1;
  });
  return tf.tensor2d(v, [lengths.length, T]);
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape, `shapes differ: [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

/**
 * Compares tf's gradient of `loss` w.r.t. each variable in `targets` with central finite
 * differences (float32). Checks every entry of small variables, `maxEntries` sampled ones of
 * larger ones. Tolerance: |analytic - numeric| <= atol + rtol * |numeric|.
 * Returns the worst absolute error seen.
 */
export function checkGradients(
  loss: () => tf.Scalar,
  targets: tf.Variable[],
  options: { eps?: number; atol?: number; rtol?: number; maxEntries?: number; seed?: number; label?: string } = {},
): number {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const maxEntries = options.maxEntries ?? 24;
  const rng = new Rng(options.seed ?? 7);
  const { value, grads } = tf.variableGrads(loss, targets);
  value.dispose();
  let worst = 0;
  targets.forEach((variable, k) => {
    const g = grads[variable.name];
    assert.ok(g, `${options.label ?? ''} no gradient for target ${k}`);
    const analytic = g.dataSync();
    const base = Float32Array.from(variable.dataSync() as Float32Array);
    const n = base.length;
    const indices = n <= maxEntries ? [...Array(n).keys()] : Array.from({ length: maxEntries }, () => rng.int(0, n));
    const evalAt = (i: number, delta: number): number => {
      const perturbed = Float32Array.from(base);
      perturbed[i] += delta;
      tf.tidy(() => variable.assign(tf.tensor(perturbed, variable.shape)));
      return tf.tidy(() => loss().dataSync()[0]);
    };
    for (const i of indices) {
      const numeric = (evalAt(i, eps) - evalAt(i, -eps)) / (2 * eps);
      const err = Math.abs(analytic[i] - numeric);
      worst = Math.max(worst, err);
      assert.ok(err <= atol + rtol * Math.abs(numeric), `${options.label ?? ''} target ${k} entry ${i}: analytic ${analytic[i]} vs numeric ${numeric}`);
    }
    tf.tidy(() => variable.assign(tf.tensor(base, variable.shape)));
  });
  Object.values(grads).forEach((g) => g.dispose());
  return worst;
}

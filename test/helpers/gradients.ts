/** The gradient checker of the tests (not a test file): tf's gradients against central finite differences. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { Rng } from '../../src/random';
import { randomTensor } from './tensors';

export interface GradientCheckOptions {
  /** Step of the central difference (default 1e-2). */
  eps?: number;
  /** Tolerance |analytic - numeric| <= atol + rtol |numeric| (defaults 2e-3 and 2e-2). */
  atol?: number;
  rtol?: number;
  /** Entries checked per variable: all of a smaller one, this many sampled of a larger one (default 24). */
  entries?: number;
  /** Seed of the sampled entries (default 7). */
  seed?: number;
  /** Names the check in failure messages. */
  label?: string;
}

/**
 * Asserts that tf's gradient of `loss` w.r.t. each of `variables` (tf.Variables, perturbed in
 * place and restored) matches central finite differences. The float32 defaults: a central
 * difference has truncation error O(eps^2 f''') and float32 rounding adds about 1e-7 |f| / eps.
 * Returns the worst absolute error seen.
 */
export function assertGradientsMatch(
  loss: () => tf.Scalar,
  variables: tf.Tensor[],
  options: GradientCheckOptions = {},
): number {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const entries = options.entries ?? 24;
  const label = options.label ?? '';
  const rng = new Rng(options.seed ?? 7);
  const { value, grads } = tf.engine().gradients(loss, variables, undefined, true);
  value.dispose();
  let worst = 0;
  variables.forEach((variable, k) => {
    assert.ok(variable instanceof tf.Variable, `${label}: input ${k} must be a tf.Variable (use randomVariable)`);
    const g = grads[k];
    assert.ok(g, `${label}: no gradient for input ${k}`);
    const analytic = Float32Array.from(g.dataSync() as Float32Array);
    g.dispose();
    const base = Float32Array.from(variable.dataSync() as Float32Array);
    const n = base.length;
    const picks = n <= entries ? [...Array(n).keys()] : Array.from({ length: entries }, () => rng.int(0, n));
    const setValues = (v: Float32Array): void => tf.tidy(() => variable.assign(tf.tensor(v, variable.shape)));
    const lossAt = (i: number, delta: number): number => {
      const moved = Float32Array.from(base);
      moved[i] += delta;
      setValues(moved);
      return tf.tidy(() => loss().dataSync()[0]);
    };
    for (const i of picks) {
      const numeric = (lossAt(i, eps) - lossAt(i, -eps)) / (2 * eps);
      setValues(base);
      const err = Math.abs(analytic[i] - numeric);
      worst = Math.max(worst, err);
      assert.ok(
        err <= atol + rtol * Math.abs(numeric),
        `${label}: input ${k} entry ${i}: analytic ${analytic[i]} vs numeric ${numeric}`,
      );
    }
  });
  return worst;
}

/** A fixed random projection that turns any output into a scalar loss: sum(out * w). */
export function projectionLoss(out: tf.Tensor, seed: number): tf.Scalar {
  const w = randomTensor(out.shape, new Rng(seed));
  return tf.sum(tf.mul(out, w)) as tf.Scalar;
}

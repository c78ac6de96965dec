/** Seeded tensors and masks for the tests (not a test file). */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/random';

/** A [shape] tensor of standard-normal values times `scale`. */
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

/** A [shape] tensor of uniform values in [lo, hi). */
export function uniformTensor(rng: Rng, shape: number[], lo = -1, hi = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.next();
  return tf.tensor(v, shape);
}

/** [B, T] post-padded mask from the lengths. */
export function maskFromLengths(lengths: number[], T: number): tf.Tensor2D {
  const v = new Float32Array(lengths.length * T);
  lengths.forEach((len, b) => {
    for (let t = 0; t < len; t++) v[b * T + t] = 1;
  });
  return tf.tensor2d(v, [lengths.length, T]);
}

/** x [B, T, D] with `extra` more steps of uniform noise in [-3, 3) (padding that must not matter). */
export function padWithNoise(x: tf.Tensor3D, extra: number, seed: number): tf.Tensor3D {
  return tf.concat([x, uniformTensor(new Rng(seed), [x.shape[0], extra, x.shape[2]], -3, 3)], 1) as tf.Tensor3D;
}

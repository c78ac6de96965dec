/** Test helpers for src/ops: seeded tensors, max-abs differences, central finite differences. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/random';

export function seededTensor(shape: number[], rng: Rng, scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = rng.normal() * scale;
  return tf.tensor(values, shape);
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/**
 * d loss / d inputs[which] at a few flat positions, by central differences in float64 arithmetic
 * over float32 evaluations. `loss` must return a scalar.
 */
export function finiteDifference(loss: (inputs: tf.Tensor[]) => tf.Scalar, inputs: tf.Tensor[], which: number, positions: number[], eps = 1e-2): number[] {
  const base = inputs[which].dataSync().slice() as Float32Array;
  return positions.map((p) => {
    const evalAt = (delta: number): number => {
      const v = base.slice();
      v[p] += delta;
      const moved = tf.tensor(v, inputs[which].shape);
      const args = inputs.map((t, i) => (i === which ? moved : t));
      const out = tf.tidy(() => loss(args).dataSync()[0]);
      moved.dispose();
      return out;
    };
    return (evalAt(eps) - evalAt(-eps)) / (2 * eps);
  });
}

/** The largest absolute difference between two arrays or two tensors of the same shape. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';

export function maxDiff(a: tf.Tensor | ArrayLike<number>, b: tf.Tensor | ArrayLike<number>): number {
  if (a instanceof tf.Tensor || b instanceof tf.Tensor) {
    assert.ok(a instanceof tf.Tensor && b instanceof tf.Tensor, 'compare a tensor with a tensor');
    assert.deepEqual(a.shape, b.shape, `shapes differ: [${a.shape}] vs [${b.shape}]`);
    return maxDiff(a.dataSync(), b.dataSync());
  }
  assert.equal(a.length, b.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Asserts |actual - expected| <= tol for one number. */
export function assertClose(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual}`);
}

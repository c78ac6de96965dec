import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';

/** Runs unsortedSegmentSum on one backend and returns its values. */
async function segmentSumOn(
  backend: string,
  x: Float32Array,
  shape: number[],
  ids: Int32Array,
  numSegments: number,
): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(
    () => tf.unsortedSegmentSum(tf.tensor(x, shape), tf.tensor1d(ids, 'int32'), numSegments).dataSync() as Float32Array,
  );
}

test('wasm UnsortedSegmentSum equals the CPU backend exactly on integer-valued floats', async () => {
  await useBestBackend({ quiet: true }); // registers the kernel
  const rng = new Rng(11);
  for (const [n, d, segments] of [
    [1, 1, 1],
    [7, 3, 4],
    [200, 5, 31],
    [64, 36, 10],
  ]) {
    const x = Float32Array.from({ length: n * d }, () => rng.int(-50, 51));
    const ids = Int32Array.from({ length: n }, () => rng.int(0, segments));
    const cpu = await segmentSumOn('cpu', x, [n, d], ids, segments);
    const wasm = await segmentSumOn('wasm', x, [n, d], ids, segments);
    assert.deepEqual(Array.from(wasm), Array.from(cpu), `n=${n} d=${d} segments=${segments}`);
  }
  await useBestBackend({ quiet: true });
});

test('wasm UnsortedSegmentSum matches a hand-computed case and drops out-of-range ids', async () => {
  await useBestBackend({ quiet: true });
  await tf.setBackend('wasm');
  const out = tf.tidy(() =>
    tf
      .unsortedSegmentSum(
        tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
        ]),
        tf.tensor1d([2, 0, 2, 5], 'int32'),
        3,
      )
      .arraySync(),
  );
  assert.deepEqual(out, [
    [3, 4],
    [0, 0],
    [6, 8],
  ]);
  await useBestBackend({ quiet: true });
});

test('embedding gradients (gather backward) work on wasm and match CPU on random floats', async () => {
  await useBestBackend({ quiet: true });
  const rng = new Rng(3);
  const table = Float32Array.from({ length: 50 * 4 }, () => rng.normal());
  const ids = Int32Array.from({ length: 300 }, () => rng.int(0, 50));
  const weights = Float32Array.from({ length: 300 * 4 }, () => rng.normal());
  const gradOn = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const t = tf.tensor2d(table, [50, 4]);
      const w = tf.tensor2d(weights, [300, 4]);
      const g = tf.grad((x: tf.Tensor) => tf.gather(x, tf.tensor1d(ids, 'int32')).mul(w).sum())(t);
      return g.dataSync() as Float32Array;
    });
  };
  const cpu = await gradOn('cpu');
  const wasm = await gradOn('wasm');
  for (let i = 0; i < cpu.length; i++)
    assert.ok(Math.abs(cpu[i] - wasm[i]) <= 1e-4 * (1 + Math.abs(cpu[i])), `index ${i}: ${cpu[i]} vs ${wasm[i]}`);
  await useBestBackend({ quiet: true });
});

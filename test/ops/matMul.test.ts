import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { matMulFast, transposeLastTwo } from '../../src/ops';
import { maxDiff } from '../helpers/maxDiff';
import { assertGradientsMatch } from '../helpers/gradients';
import { randomTensor, randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

/** Shapes of a and b for op(a) [n, k] by op(b) [k, m], optionally batched. */
function shapes(n: number, k: number, m: number, tA: boolean, tB: boolean, batch?: number): [number[], number[]] {
  const a = tA ? [k, n] : [n, k];
  const b = tB ? [m, k] : [k, m];
  return batch
    ? [
        [batch, ...a],
        [batch, ...b],
      ]
    : [a, b];
}

test('matMulFast forward equals a hand-computed 2x2 product', () => {
  const a = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const b = tf.tensor2d([
    [5, 6],
    [7, 8],
  ]);
  assert.deepEqual(Array.from(matMulFast(a, b).dataSync()), [19, 22, 43, 50]);
  // a^T b = [[1,3],[2,4]] [[5,6],[7,8]] = [[26,30],[38,44]]
  assert.deepEqual(Array.from(matMulFast(a, b, true, false).dataSync()), [26, 30, 38, 44]);
  // a b^T = [[1*5+2*6, 1*7+2*8],[3*5+4*6, 3*7+4*8]]
  assert.deepEqual(Array.from(matMulFast(a, b, false, true).dataSync()), [17, 23, 39, 53]);
});

for (const batch of [undefined, 3]) {
  for (const [tA, tB] of FLAGS) {
    test(`matMulFast rank ${batch ? 3 : 2} tA=${tA} tB=${tB}: value and gradients equal tf.matMul's`, () => {
      const rng = new Rng(11 + (tA ? 1 : 0) + (tB ? 2 : 0) + (batch ?? 0));
      const [sa, sb] = shapes(5, 4, 6, tA, tB, batch);
      const a = randomTensor(sa, rng);
      const b = randomTensor(sb, rng);
      const r = randomTensor(batch ? [batch, 5, 6] : [5, 6], rng);
      const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulFast(x, y, tA, tB), r)));
      const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, tA, tB), r)));
      assert.ok(maxDiff(matMulFast(a, b, tA, tB), tf.matMul(a, b, tA, tB)) < 1e-5);
      const [ga, gb] = ours([a, b]);
      const [ra, rb] = ref([a, b]);
      assert.deepEqual(ga.shape, a.shape);
      assert.deepEqual(gb.shape, b.shape);
      assert.ok(maxDiff(ga, ra) < 1e-4, `da differs by ${maxDiff(ga, ra)}`);
      assert.ok(maxDiff(gb, rb) < 1e-4, `db differs by ${maxDiff(gb, rb)}`);
    });
  }
}

test('matMulFast gradients match central finite differences', () => {
  const rng = new Rng(5);
  const a = randomVariable([4, 3], rng);
  const b = randomVariable([5, 3], rng);
  const r = randomTensor([4, 5], rng);
  const loss = () => tf.sum(tf.mul(matMulFast(a, b, false, true), r)) as tf.Scalar;
  assertGradientsMatch(loss, [a, b], { atol: 2e-2, rtol: 0, label: 'matMulFast' });
});

test('matMulFast rejects mismatched shapes, ranks, batches and dtypes', () => {
  assert.throws(() => matMulFast(tf.zeros([2, 3]), tf.zeros([4, 5])), /inner dimensions differ/);
  assert.throws(() => matMulFast(tf.zeros([2, 3]), tf.zeros([2, 3, 4])), /rank-2 or two rank-3/);
  assert.throws(() => matMulFast(tf.zeros([2, 2, 3]), tf.zeros([3, 3, 4])), /batch sizes differ/);
  assert.throws(() => matMulFast(tf.zeros([2, 3], 'int32'), tf.zeros([3, 4], 'int32')), /float32/);
  assert.throws(() => transposeLastTwo(tf.zeros([2])), /rank-2 or rank-3/);
});

test('matMulFast backward leaves exactly its two gradients alive', () => {
  const rng = new Rng(3);
  for (const [tA, tB] of FLAGS) {
    const [sa, sb] = shapes(6, 4, 2, tA, tB);
    const a = randomTensor(sa, rng);
    const b = randomTensor(sb, rng);
    const before = tf.memory().numTensors;
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMulFast(x, y, tA, tB)))([a, b]);
    assert.equal(tf.memory().numTensors, before + 2);
    tf.dispose([...grads, a, b]);
  }
});

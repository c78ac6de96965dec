import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { denseFast, DENSE_ACTIVATIONS, columnSums, transposedProduct, type DenseActivation } from '../../src/ops';
import { maxDiff } from '../helpers/maxDiff';
import { assertGradientsMatch } from '../helpers/gradients';
import { randomTensor, randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

function reference(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | undefined, act: DenseActivation): tf.Tensor {
  const k = w.shape[0];
  const z2 = tf.matMul(x.reshape([-1, k as number]), w);
  const z = (b ? tf.add(z2, b) : z2).reshape([...(x.shape as number[]).slice(0, -1), w.shape[1] as number]);
  if (act === 'relu') return tf.relu(z);
  if (act === 'sigmoid') return tf.sigmoid(z);
  if (act === 'tanh') return tf.tanh(z);
  return z;
}

test('denseFast forward equals a hand-computed case', () => {
  const x = tf.tensor2d([[1, -2]]);
  const w = tf.tensor2d([
    [3, 1],
    [1, 2],
  ]);
  const b = tf.tensor1d([0.5, 0]);
  // z = [1*3 - 2*1 + 0.5, 1*1 - 2*2] = [1.5, -3]
  assert.deepEqual(Array.from(denseFast(x, w, b).dataSync()), [1.5, -3]);
  assert.deepEqual(Array.from(denseFast(x, w, b, 'relu').dataSync()), [1.5, 0]);
  const s = denseFast(x, w, b, 'sigmoid').dataSync();
  assert.ok(Math.abs(s[0] - 1 / (1 + Math.exp(-1.5))) < 1e-6);
  assert.ok(Math.abs(s[1] - 1 / (1 + Math.exp(3))) < 1e-6);
});

for (const act of DENSE_ACTIVATIONS) {
  for (const withBias of [true, false]) {
    test(`denseFast ${act} bias=${withBias} on [B, T, K]: value and gradients equal the plain composition`, () => {
      const rng = new Rng(act.length * 7 + (withBias ? 1 : 0));
      const x = randomTensor([3, 4, 5], rng);
      const w = randomTensor([5, 6], rng, 0.5);
      const b = withBias ? randomTensor([6], rng) : undefined;
      const r = randomTensor([3, 4, 6], rng);
      const inputs = b ? [x, w, b] : [x, w];
      const ours = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(denseFast(t[0], t[1], t[2], act), r)));
      const ref = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(reference(t[0], t[1], t[2], act), r)));
      const y = denseFast(x, w, b, act);
      assert.deepEqual(y.shape, [3, 4, 6]);
      assert.ok(maxDiff(y, reference(x, w, b, act)) < 1e-5);
      const g = ours(inputs);
      const gr = ref(inputs);
      g.forEach((gi, i) => {
        assert.deepEqual(gi.shape, inputs[i].shape);
        assert.ok(maxDiff(gi, gr[i]) < 1e-4, `input ${i} gradient differs by ${maxDiff(gi, gr[i])}`);
      });
    });
  }
}

test('denseFast sigmoid gradients match central finite differences', () => {
  const rng = new Rng(9);
  const x = randomVariable([4, 3], rng);
  const w = randomVariable([3, 2], rng);
  const b = randomVariable([2], rng);
  const r = randomTensor([4, 2], rng);
  const loss = () => tf.sum(tf.mul(denseFast(x, w, b, 'sigmoid'), r)) as tf.Scalar;
  assertGradientsMatch(loss, [x, w, b], { atol: 1e-2, rtol: 0, label: 'denseFast' });
});

test('denseFast rejects bad shapes and activations', () => {
  assert.throws(() => denseFast(tf.zeros([2, 3]), tf.zeros([4, 5])), /last axis must equal/);
  assert.throws(() => denseFast(tf.zeros([2, 3]), tf.zeros([3])), /expects w \[K, M\]/);
  assert.throws(() => denseFast(tf.zeros([2, 3]), tf.zeros([3, 4]), tf.zeros([5])), /bias must be \[4\]/);
  assert.throws(
    () => denseFast(tf.zeros([2, 3]), tf.zeros([3, 4]), undefined, 'dice' as DenseActivation),
    /not fusable/,
  );
});

test('columnSums and transposedProduct equal tf.sum(x, 0) and a^T b in both orientations', () => {
  const rng = new Rng(21);
  const x = randomTensor([7, 3], rng);
  assert.ok(maxDiff(columnSums(x), tf.sum(x, 0)) < 1e-5);
  assert.deepEqual(
    Array.from(
      columnSums(
        tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ).dataSync(),
    ),
    [9, 12],
  );
  const narrow = randomTensor([7, 2], rng);
  const wide = randomTensor([7, 5], rng);
  assert.ok(maxDiff(transposedProduct(narrow, wide), tf.matMul(narrow, wide, true, false)) < 1e-5);
  assert.ok(maxDiff(transposedProduct(wide, narrow), tf.matMul(wide, narrow, true, false)) < 1e-5);
  assert.deepEqual(transposedProduct(wide, narrow).shape, [5, 2]);
});

test('columnSums of a tall matrix equals a float64 sum per column (1e-6 relative), and rejects non-matrices', () => {
  const rng = new Rng(33);
  const n = 3001;
  const m = 7;
  const values = new Float32Array(n * m);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal() + 0.5;
  const expected = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expected[j] += values[i * m + j];
  const got = columnSums(tf.tensor2d(values, [n, m])).dataSync();
  expected.forEach((e, j) =>
    assert.ok(Math.abs(got[j] - e) <= 1e-6 * Math.abs(e) + 1e-4, `column ${j}: ${got[j]} vs ${e}`),
  );
  assert.throws(() => columnSums(tf.zeros([2, 3, 4])), /float32 \[N, M\] matrix/);
  assert.throws(() => columnSums(tf.zeros([2, 3], 'int32')), /float32 \[N, M\] matrix/);
});

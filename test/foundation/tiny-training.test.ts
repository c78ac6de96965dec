import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';

test('a tiny embedding + dense model trains on the selected backend: the loss falls', async () => {
  const choice = await useBestBackend({ quiet: true });
  const rng = new Rng(5);
  const items = 40;
  // Ground truth: item i is clicked iff i is even. Learnable from the item embedding alone.
  const ids = Int32Array.from({ length: 256 }, () => rng.int(0, items));
  const labels = Float32Array.from(ids, (i) => (i % 2 === 0 ? 1 : 0));
  tf.setBackend(choice.name);
  const table = tf.variable(tf.randomNormal([items, 8], 0, 0.1, 'float32', 1));
  const dense = tf.variable(tf.randomNormal([8, 1], 0, 0.1, 'float32', 2));
  const bias = tf.variable(tf.zeros([1]));
  const optimizer = tf.train.adam(0.05);
  const idT = tf.tensor1d(ids, 'int32');
  const yT = tf.tensor2d(labels, [labels.length, 1]);
  const lossOf = () => tf.losses.sigmoidCrossEntropy(yT, tf.gather(table, idT).matMul(dense).add(bias)) as tf.Scalar;
  const losses: number[] = [];
  for (let step = 0; step < 60; step++) {
    const loss = optimizer.minimize(lossOf, true) as tf.Scalar;
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  assert.ok(Number.isFinite(losses[0]) && Math.abs(losses[0] - Math.log(2)) < 0.05, `initial loss ${losses[0]} should be near ln 2`);
  assert.ok(losses[59] < 0.2 * losses[0], `loss fell from ${losses[0]} only to ${losses[59]}`);
  tf.dispose([table, dense, bias, idT, yT]);
  optimizer.dispose();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend, forcedBackend, currentBackend, loadDanfo } from '../src/backend';
import { Rng } from '../src/random';

function nativeLoads(): boolean {
  try {
    // danfojs-node's alias of tfjs
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- probe of an optional package
    if (require('@tensorflow/tfjs-node/package.json').name !== '@tensorflow/tfjs-node') return false;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('useBestBackend picks native TensorFlow when it loads, else wasm', async () => {
  const choice = await useBestBackend({ quiet: true });
  assert.equal(tf.getBackend(), choice.name);
  if (process.env.DIL_BACKEND) assert.equal(choice.name, process.env.DIL_BACKEND);
  else assert.equal(choice.name, nativeLoads() ? 'tensorflow' : 'wasm');
  assert.match(choice.reason, /\S/);
  assert.deepEqual(currentBackend(), choice);
});

test('DIL_BACKEND accepts the three names and rejects anything else with the valid list', () => {
  assert.equal(forcedBackend({}), undefined);
  assert.equal(forcedBackend({ DIL_BACKEND: 'cpu' }), 'cpu');
  assert.equal(forcedBackend({ DIL_BACKEND: ' wasm ' }), 'wasm');
  assert.throws(
    () => forcedBackend({ DIL_BACKEND: 'webgl' }),
    /DIL_BACKEND=webgl is not a backend; expected one of: tensorflow, wasm, cpu/,
  );
});

test('the backend line is printed once, naming the backend and the reason', async () => {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => {
    lines.push(parts.join(' '));
  };
  try {
    await tf.setBackend('cpu'); // force a fresh choice
    await useBestBackend();
  } finally {
    console.log = original;
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^\[deep-interest-lab\] backend: (tensorflow|wasm|cpu) \(.+\)$/);
});

test('a tiny embedding + dense model trains on the selected backend: the loss falls', async () => {
  const choice = await useBestBackend({ quiet: true });
  const rng = new Rng(5);
  const items = 40;
  // Ground truth: item i is clicked iff i is even. Learnable from the item embedding alone.
  const ids = Int32Array.from({ length: 256 }, () => rng.int(0, items));
  const labels = Float32Array.from(ids, (i) => (i % 2 === 0 ? 1 : 0));
  await tf.setBackend(choice.name);
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
  assert.ok(
    Number.isFinite(losses[0]) && Math.abs(losses[0] - Math.log(2)) < 0.05,
    `initial loss ${losses[0]} should be near ln 2`,
  );
  assert.ok(losses[59] < 0.2 * losses[0], `loss fell from ${losses[0]} only to ${losses[59]}`);
  tf.dispose([table, dense, bias, idT, yT]);
  optimizer.dispose();
});

test('danfojs-node loads on the selected backend and groups a DataFrame', async () => {
  await useBestBackend({ quiet: true });
  const dfd = loadDanfo();
  const df = new dfd.DataFrame({ user: [1, 2, 2, 3, 3, 3], clicks: [1, 0, 1, 1, 1, 0] });
  const sums = df.groupby(['user']).col(['clicks']).sum();
  const rows = dfd.toJSON(sums, { format: 'column' }) as Record<string, number>[];
  const byUser = new Map(rows.map((r) => [r.user, r.clicks_sum]));
  assert.deepEqual([...byUser.entries()].sort(), [
    [1, 1],
    [2, 1],
    [3, 2],
  ]);
});

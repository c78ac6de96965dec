/**
 * The optimizers: SGD, Adam (bias-corrected) and Adagrad updates against hand computations,
 * sparse (lazy) row updates, bad specs, the global-norm clip factor.
 *
 * Dense Adam on embedding tables: every row's moments decay at every step, so a row absent
 * from the batch still moves (by its decayed first moment), exactly as Adam over a dense
 * gradient that is zero outside the batch. Checked against Adam computed by hand in float64.
 */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizer, globalNormClipFactor } from '../../src/train/optimizers';
import { resolveTrainConfig } from '../../src/train/trainConfig';
import { maxDiff } from '../helpers/maxDiff';

/** Plain Adam (Kingma & Ba) over whole arrays, float64: the reference. */
function adamReference(initial: number[], steps: number[][], lr: number): number[] {
  const b1 = 0.9;
  const b2 = 0.999;
  const eps = 1e-8;
  const w = initial.slice();
  const m = new Array(w.length).fill(0);
  const v = new Array(w.length).fill(0);
  steps.forEach((g, s) => {
    const t = s + 1;
    for (let i = 0; i < w.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      w[i] -= (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
  });
  return w;
}

test('dense Adam on a table equals Adam on the dense gradient, rows with zero gradient included', () => {
  // table [V = 4, D = 2]; row 0 is padding (zero, never updated)
  const initial = [0, 0, 0.5, -0.25, 1, 2, -1, 0.75];
  const lr = 0.01;
  // step 1: rows 1 and 2; step 2: row 3 only; step 3: row 1 only; step 4: no row at all
  const sparseSteps: { ids: number[]; grads: number[] }[] = [
    { ids: [1, 2], grads: [0.3, -0.2, 1.5, 0.1] },
    { ids: [3], grads: [-0.7, 0.4] },
    { ids: [1], grads: [0.05, 0.9] },
    { ids: [], grads: [] },
  ];
  const denseSteps = sparseSteps.map(({ ids, grads }) => {
    const g = new Array(initial.length).fill(0);
    ids.forEach((id, n) => {
      g[id * 2] = grads[n * 2];
      g[id * 2 + 1] = grads[n * 2 + 1];
    });
    return g;
  });
  const expected = adamReference(initial, denseSteps, lr);

  const table = Float32Array.from(initial);
  const adam = createOptimizer({ kind: 'adam', learningRate: lr, embeddingAdam: 'dense' });
  for (const { ids, grads } of sparseSteps) {
    adam.nextStep();
    adam.applySparse('items', table, 2, Int32Array.from(ids), Float32Array.from(grads));
  }
  for (let i = 0; i < table.length; i++)
    assert.ok(Math.abs(table[i] - expected[i]) < 1e-6, `entry ${i}: ${table[i]} vs ${expected[i]}`);
  assert.deepEqual([table[0], table[1]], [0, 0], 'padding row stays zero');
  // every non-padding row moved at step 4, when no row had a gradient
  const before = adamReference(initial, denseSteps.slice(0, 3), lr);
  for (let i = 2; i < table.length; i++)
    assert.ok(Math.abs(table[i] - before[i]) > 1e-5, `entry ${i} did not move at the step without gradients`);
});

test('lazy Adam (default) leaves rows outside the batch untouched; dense does not', () => {
  const lazy = createOptimizer({ kind: 'adam', learningRate: 0.1 });
  const dense = createOptimizer({ kind: 'adam', learningRate: 0.1, embeddingAdam: 'dense' });
  const tables = [Float32Array.from([0, 1, 1]), Float32Array.from([0, 1, 1])];
  [lazy, dense].forEach((opt, k) => {
    opt.nextStep();
    opt.applySparse('t', tables[k], 1, Int32Array.from([1, 2]), Float32Array.from([1, 1]));
    opt.nextStep();
    opt.applySparse('t', tables[k], 1, Int32Array.from([1]), Float32Array.from([1]));
  });
  // row 2 after step 1 is 1 - 0.1 (Adam's first step is lr * sign(g))
  assert.ok(Math.abs(tables[0][2] - 0.9) < 1e-6, `lazy row 2 ${tables[0][2]}`);
  // dense step 2 on row 2: m = 0.09, v = 0.000999; m_hat = 0.09 / 0.19, v_hat = 0.000999 / 0.001999
  const step2 = (0.1 * (0.09 / 0.19)) / Math.sqrt(0.000999 / 0.001999);
  assert.ok(Math.abs(tables[1][2] - (0.9 - step2)) < 1e-6, `dense row 2 ${tables[1][2]} vs ${0.9 - step2}`);
  assert.throws(
    () => createOptimizer({ kind: 'adam', learningRate: 0.1, embeddingAdam: 'eager' as never }),
    /embeddingAdam must be 'lazy' or 'dense'/,
  );
});

test('the trainer uses dense Adam on embeddings unless told otherwise (every official preset with Adam)', () => {
  for (const preset of [undefined, 'dien', 'dmin', 'dhan'] as const)
    assert.equal(resolveTrainConfig({}, preset).embeddingAdam, 'dense', String(preset));
  assert.equal(resolveTrainConfig({ embeddingAdam: 'lazy' }).embeddingAdam, 'lazy');
  assert.throws(
    () => resolveTrainConfig({ embeddingAdam: 'sparse' as never }),
    /train\.embeddingAdam = "sparse"; expected 'lazy' or 'dense'/,
  );
});

describe('optimizers', () => {
  it('sgd, adam (bias-corrected) and adagrad match hand computations', () => {
    const g = Float32Array.from([0.5, -1]);
    const sgd = createOptimizer({ kind: 'sgd', learningRate: 0.1 });
    const p1 = Float32Array.from([1, 2]);
    sgd.nextStep();
    sgd.applyDense('w', p1, g);
    assert.ok(maxDiff(p1, [0.95, 2.1]) < 1e-6);

    const adam = createOptimizer({ kind: 'adam', learningRate: 0.1 });
    const p2 = Float32Array.from([1, 2]);
    adam.nextStep();
    adam.applyDense('w', p2, g);
    // first step: m_hat = g, v_hat = g^2 -> step = lr * sign(g)
    assert.ok(maxDiff(p2, [0.9, 2.1]) < 1e-6);
    adam.nextStep();
    adam.applyDense('w', p2, Float32Array.from([0.5, 0]));
    const m = 0.9 * 0.1 * 0.5 + 0.1 * 0.5; // second-step moment of entry 0
    const v = 0.999 * 0.001 * 0.25 + 0.001 * 0.25;
    const step0 = (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    assert.ok(Math.abs(p2[0] - (0.9 - step0)) < 1e-6);

    const ada = createOptimizer({ kind: 'adagrad', learningRate: 0.1, initialAccumulator: 0.1 });
    const p3 = Float32Array.from([1, 2]);
    ada.nextStep();
    ada.applyDense('w', p3, g);
    assert.ok(Math.abs(p3[0] - (1 - (0.1 * 0.5) / (Math.sqrt(0.35) + 1e-7))) < 1e-6);
  });

  it('sparse (lazy) updates touch only the given rows; the learning rate can change between steps', () => {
    const table = Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]); // 4 rows of 2
    const adam = createOptimizer({ kind: 'adam', learningRate: 0.1 });
    adam.nextStep();
    adam.applySparse('t', table, 2, Int32Array.from([2]), Float32Array.from([1, -1]));
    assert.ok(maxDiff(table, [0, 0, 1, 1, 1.9, 2.1, 3, 3]) < 1e-6);
    adam.learningRate = 0.05;
    adam.nextStep();
    adam.applySparse('t', table, 2, Int32Array.from([1]), Float32Array.from([1, 1]));
    // row 1 first seen at step 2: m = 0.1 g, v = 0.001 g^2, bias-corrected with t = 2
    const step = (0.05 * (0.1 / 0.19)) / (Math.sqrt(0.001 / (1 - 0.999 ** 2)) + 1e-8);
    assert.ok(Math.abs(table[2] - (1 - step)) < 1e-6);
    assert.ok(maxDiff(table.subarray(4), [1.9, 2.1, 3, 3]) < 1e-6, 'row 2 not moved by step 2');
    assert.throws(
      () => adam.applySparse('t', table, 2, Int32Array.from([4]), Float32Array.from([1, 1])),
      /row 4 outside/,
    );
  });

  it('rejects bad specs; global-norm clip factor', () => {
    assert.throws(
      () => createOptimizer({ kind: 'rmsprop' as never, learningRate: 1 }),
      /unknown optimizer kind "rmsprop"/,
    );
    assert.throws(() => createOptimizer({ kind: 'sgd', learningRate: -1 }), /learningRate/);
    assert.throws(() => createOptimizer({ kind: 'adam', learningRate: 1, beta1: 1 }), /beta1/);
    const { norm, factor } = globalNormClipFactor([Float32Array.from([3]), Float32Array.from([4])], 1);
    assert.equal(norm, 5);
    assert.ok(Math.abs(factor - 0.2) < 1e-12);
    assert.equal(globalNormClipFactor([Float32Array.from([0.1])], 1).factor, 1);
  });
});

/**
 * Dense Adam on embedding tables: every row's moments decay at every step, so a row absent
 * from the batch still moves (by its decayed first moment), exactly as Adam over a dense
 * gradient that is zero outside the batch. Checked against Adam computed by hand in float64.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizer } from '../../src/train/optimizers';
import { resolveTrainConfig } from '../../src/train/trainConfig';

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
  for (let i = 0; i < table.length; i++) assert.ok(Math.abs(table[i] - expected[i]) < 1e-6, `entry ${i}: ${table[i]} vs ${expected[i]}`);
  assert.deepEqual([table[0], table[1]], [0, 0], 'padding row stays zero');
  // every non-padding row moved at step 4, when no row had a gradient
  const before = adamReference(initial, denseSteps.slice(0, 3), lr);
  for (let i = 2; i < table.length; i++) assert.ok(Math.abs(table[i] - before[i]) > 1e-5, `entry ${i} did not move at the step without gradients`);
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
  assert.throws(() => createOptimizer({ kind: 'adam', learningRate: 0.1, embeddingAdam: 'eager' as never }), /embeddingAdam must be 'lazy' or 'dense'/);
});

test('the trainer uses dense Adam on embeddings unless told otherwise (every official preset with Adam)', () => {
  for (const preset of [undefined, 'dien', 'dmin', 'dhan'] as const) assert.equal(resolveTrainConfig({}, preset).embeddingAdam, 'dense', String(preset));
  assert.equal(resolveTrainConfig({ embeddingAdam: 'lazy' }).embeddingAdam, 'lazy');
  assert.throws(() => resolveTrainConfig({ embeddingAdam: 'sparse' as never }), /train\.embeddingAdam = "sparse"; expected 'lazy' or 'dense'/);
});

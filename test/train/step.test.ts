/**
 * trainStep / predict: the step's gradients (dense and sparse rows) against finite differences
 * of the loss, MBA and L2 terms against hand computation, clipping.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { createModel } from '../../src/models';
import { createOptimizer } from '../../src/train/optimizers';
import { evaluateLoss, predict, sigmoidCrossEntropy, trainStep } from '../../src/train/step';
import { catOf, TINY_SIZES, tinyBatch } from '../helpers/batches';

before(async () => {
  await useBestBackend({ quiet: true });
});

/** A model whose training and inference passes coincide (no batch statistics, no dropout). */
const SMOOTH = { mlp: { batchNorm: 'none', activation: 'sigmoid' } };

describe('trainStep', () => {
  it('SGD update = -lr x (finite-difference gradient of the loss), for embedding rows and dense weights', () => {
    const batch = tinyBatch(3, { size: 6, maxLen: 4 });
    const lr = 1e-3;
    const probe = createModel('din', SMOOTH, TINY_SIZES, 4);
    const model = createModel('din', SMOOTH, TINY_SIZES, 4);
    // numeric gradients on `probe` (identical weights), analytic via one SGD step on `model`
    const item = batch.histItems[0];
    const cat = catOf(item);
    const table = probe.embeddings.items.values;
    const catTable = probe.embeddings.cats[0].values;
    const kernel = probe.params.get('din/head/mlp/dense0/kernel');
    const numeric = (get: () => number, set: (v: number) => void): number => {
      const base = get();
      const eps = 1e-2;
      set(base + eps);
      const up = evaluateLoss(probe, batch);
      set(base - eps);
      const down = evaluateLoss(probe, batch);
      set(base);
      return (up - down) / (2 * eps);
    };
    const checks = [
      {
        label: `item ${item} dim 1`,
        get: () => table[item * 18 + 1],
        set: (v: number) => (table[item * 18 + 1] = v),
        after: () => model.embeddings.items.values[item * 18 + 1],
      },
      {
        label: `cat ${cat} dim 5`,
        get: () => catTable[cat * 18 + 5],
        set: (v: number) => (catTable[cat * 18 + 5] = v),
        after: () => model.embeddings.cats[0].values[cat * 18 + 5],
      },
      {
        label: 'mlp kernel entry 7',
        get: () => kernel.dataSync()[7],
        set: (v: number) =>
          tf.tidy(() => {
            const a = Float32Array.from(kernel.dataSync() as Float32Array);
            a[7] = v;
            kernel.assign(tf.tensor(a, kernel.shape));
          }),
        after: () => model.params.get('din/head/mlp/dense0/kernel').dataSync()[7],
      },
    ];
    const before = checks.map((c) => c.get());
    const grads = checks.map((c) => numeric(c.get, c.set));
    const r = trainStep(model, batch, createOptimizer({ kind: 'sgd', learningRate: lr }));
    assert.ok(Math.abs(r.targetLoss - evaluateLoss(probe, batch)) < 1e-6, 'reported loss = loss before the update');
    checks.forEach((c, i) => {
      const analytic = (before[i] - c.after()) / lr;
      assert.ok(
        Math.abs(analytic - grads[i]) <= 1e-3 + 2e-2 * Math.abs(grads[i]),
        `${c.label}: step gradient ${analytic} vs numeric ${grads[i]}`,
      );
    });
    // rows not in the batch are untouched; the padding row stays zero
    const used = new Set([...batch.targetItems, ...batch.histItems]);
    const unused = [...Array(41).keys()].find((i) => !used.has(i))!;
    assert.deepEqual(Array.from(model.embeddings.items.row(unused)), Array.from(probe.embeddings.items.row(unused)));
    assert.ok(model.embeddings.items.row(0).every((v) => v === 0));
    probe.dispose();
    model.dispose();
  });

  it('MBA adds lambda / n_j * w_j to the gradient of rows in the batch only; L2 adds l2 * w to dense weights', () => {
    const batch = tinyBatch(8, { size: 6, maxLen: 4 });
    const lr = 0.1;
    const lambda = 0.5;
    const counts = { items: Array.from({ length: 41 }, (_, i) => 1 + (i % 4)), cats: [[1, 2, 3, 4, 5, 6]] };
    const plain = createModel('base', SMOOTH, TINY_SIZES, 4);
    const reg = createModel('base', SMOOTH, TINY_SIZES, 4);
    const w0 = Float32Array.from(reg.embeddings.items.values);
    const c0 = Float32Array.from(reg.embeddings.cats[0].values);
    const k0 = Float32Array.from(reg.params.get('base/head/output/kernel').dataSync() as Float32Array);
    trainStep(plain, batch, createOptimizer({ kind: 'sgd', learningRate: lr }));
    trainStep(reg, batch, createOptimizer({ kind: 'sgd', learningRate: lr }), {
      embeddingRegularization: { kind: 'mba', lambda, counts },
      l2: 0.2,
    });
    const used = new Set([...batch.targetItems, ...batch.histItems]);
    for (let id = 1; id < 41; id++) {
      for (let d = 0; d < 18; d++) {
        const diff = reg.embeddings.items.values[id * 18 + d] - plain.embeddings.items.values[id * 18 + d];
        const expected = used.has(id) ? (-lr * lambda * w0[id * 18 + d]) / counts.items[id] : 0;
        assert.ok(Math.abs(diff - expected) < 1e-6, `item ${id} dim ${d}: ${diff} vs ${expected}`);
      }
    }
    const usedCats = new Set([...used].map(catOf));
    for (const c of usedCats) {
      const diff = reg.embeddings.cats[0].values[c * 18] - plain.embeddings.cats[0].values[c * 18];
      assert.ok(Math.abs(diff - (-lr * lambda * c0[c * 18]) / counts.cats[0][c]) < 1e-6, `cat ${c}`);
    }
    const kReg = reg.params.get('base/head/output/kernel').dataSync();
    const kPlain = plain.params.get('base/head/output/kernel').dataSync();
    for (let i = 0; i < k0.length; i++) assert.ok(Math.abs(kReg[i] - kPlain[i] - -lr * 0.2 * k0[i]) < 1e-6);
    assert.throws(
      () =>
        trainStep(reg, batch, createOptimizer({ kind: 'sgd', learningRate: lr }), {
          embeddingRegularization: { kind: 'mba', lambda, counts: { items: counts.items } },
        }),
      /MBA regularization needs counts for embedding.cats0/,
    );
    plain.dispose();
    reg.dispose();
  });

  it('clipNorm bounds the global norm of the update (SGD: |delta| = lr * clipNorm)', () => {
    const batch = tinyBatch(8, { size: 6, maxLen: 4 });
    const m = createModel('lr', {}, TINY_SIZES, 4);
    const before = m.getWeights().weights.map((w) => Float32Array.from(w.values));
    const r = trainStep(m, batch, createOptimizer({ kind: 'sgd', learningRate: 2 }), { clipNorm: 1e-3 });
    assert.ok(r.gradNorm > 1e-3);
    let sq = 0;
    m.getWeights().weights.forEach((w, i) => w.values.forEach((v, j) => (sq += (v - before[i][j]) ** 2)));
    assert.ok(Math.abs(Math.sqrt(sq) - 2e-3) < 1e-5, `update norm ${Math.sqrt(sq)}`);
    m.dispose();
  });

  it('predict returns sigmoid(logit) in inference mode and matches the loss', () => {
    const batch = tinyBatch(8, { size: 6, maxLen: 4 });
    const m = createModel('din', {}, TINY_SIZES, 4);
    const p = predict(m, batch);
    assert.equal(p.length, 6);
    let ce = 0;
    p.forEach((q, i) => (ce -= batch.labels[i] ? Math.log(q) : Math.log(1 - q)));
    assert.ok(Math.abs(ce / 6 - evaluateLoss(m, batch)) < 1e-5);
    m.dispose();
  });

  it('sigmoidCrossEntropy is stable for large logits', () => {
    const v = sigmoidCrossEntropy(tf.tensor1d([100, -100, 0]), tf.tensor1d([1, 1, 0])).dataSync()[0];
    assert.ok(Math.abs(v - (0 + 100 + Math.log(2)) / 3) < 1e-4);
  });
});

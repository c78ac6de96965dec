/**
 * Dense, Dice, PReLU, batch norm, dropout, MLP: values against hand computations and
 * gradients against central finite differences (float32; tolerances in helpers.ts).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { BatchNorm } from '../../src/layers/batchNorm';
import { Dense } from '../../src/layers/dense';
import { Dice } from '../../src/layers/dice';
import { Dropout } from '../../src/layers/dropout';
import { Mlp, MLP_DEFAULTS } from '../../src/layers/mlp';
import { ParameterStore } from '../../src/layers/params';
import { PRelu } from '../../src/layers/prelu';
import { Rng } from '../../src/random';
import { assertGradientsMatch, maxDiff, projectionLoss, randomVariable } from './helpers';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('ParameterStore', () => {
  it('is deterministic per seed and name, and rejects duplicate names', () => {
    const a = new ParameterStore(5);
    const b = new ParameterStore(5);
    const c = new ParameterStore(6);
    const init = { kind: 'glorotUniform', fanIn: 4, fanOut: 3 } as const;
    const va = a.weight('w', [4, 3], init).dataSync();
    assert.deepEqual(Array.from(b.weight('w', [4, 3], init).dataSync()), Array.from(va));
    assert.notDeepEqual(Array.from(c.weight('w', [4, 3], init).dataSync()), Array.from(va));
    const limit = Math.sqrt(6 / 7);
    assert.ok(Array.from(va).every((v) => Math.abs(v) <= limit));
    assert.throws(() => a.weight('w', [1], { kind: 'zeros' }), /registered twice/);
    assert.throws(() => a.setWeights([{ name: 'w', shape: [3, 4], values: new Float32Array(12), trainable: true }]), /shape/);
    a.dispose();
    b.dispose();
    c.dispose();
  });
});

describe('Dense', () => {
  it('computes x W + b and matches finite differences', () => {
    const store = new ParameterStore(1);
    const dense = new Dense(store, 'd', 3, 2);
    tf.tidy(() => dense.bias!.assign(tf.tensor1d([0.5, -1])));
    const x = tf.tensor2d([[1, 2, 3], [-1, 0, 2]]);
    const W = dense.kernel.arraySync() as number[][];
    const y = dense.apply(x).arraySync() as number[][];
    const xs = [[1, 2, 3], [-1, 0, 2]];
    const b = [0.5, -1];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
      const expect = xs[i].reduce((s, v, k) => s + v * W[k][j], 0) + b[j];
      assert.ok(Math.abs(y[i][j] - expect) < 1e-5);
    }
    const x3 = randomVariable([2, 3, 3], new Rng(2));
    assertGradientsMatch(() => projectionLoss(dense.apply(x3, 'sigmoid'), 3), [x3, dense.kernel, dense.bias!], { label: 'dense' });
    assert.throws(() => dense.apply(tf.zeros([2, 4])), /must end with 3/);
    store.dispose();
  });
});

describe('Dice', () => {
  it('training: p(s) from batch statistics (eps 1e-8), alpha mixes the negative part', () => {
    const store = new ParameterStore(1);
    const dice = new Dice(store, 'dice', 2);
    tf.tidy(() => dice.alpha.assign(tf.tensor1d([0.25, -0.5])));
    const s = [[1, 4], [2, -2], [6, 1]];
    const out = dice.apply(tf.tensor2d(s), true).arraySync() as number[][];
    for (let f = 0; f < 2; f++) {
      const col = s.map((r) => r[f]);
      const mean = col.reduce((a, b) => a + b, 0) / 3;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / 3;
      const alpha = [0.25, -0.5][f];
      col.forEach((v, i) => {
        const p = 1 / (1 + Math.exp(-(v - mean) / Math.sqrt(variance + 1e-8)));
        assert.ok(Math.abs(out[i][f] - (p * v + (1 - p) * alpha * v)) < 1e-5, `row ${i} feature ${f}`);
      });
    }
    // moving averages moved 1% towards the batch statistics
    const mm = dice.movingMean.dataSync();
    assert.ok(Math.abs(mm[0] - 0.01 * 3) < 1e-6);
    store.dispose();
  });

  it('inference uses the moving averages; batchAlways uses the current batch', () => {
    const store = new ParameterStore(1);
    const paper = new Dice(store, 'a', 1);
    const official = new Dice(store, 'b', 1, { statistics: 'batchAlways' });
    tf.tidy(() => {
      paper.movingMean.assign(tf.tensor1d([1]));
      paper.movingVariance.assign(tf.tensor1d([4]));
    });
    const x = tf.tensor2d([[3], [5]]);
    const y = paper.apply(x, false).dataSync();
    const p = 1 / (1 + Math.exp(-(3 - 1) / Math.sqrt(4 + 1e-8)));
    assert.ok(Math.abs(y[0] - p * 3) < 1e-5);
    const before = Array.from(paper.movingMean.dataSync());
    paper.apply(x, false);
    assert.deepEqual(Array.from(paper.movingMean.dataSync()), before, 'inference must not move the averages');
    // batchAlways at inference: batch mean 4, var 1
    const z = official.apply(x, false).dataSync();
    const q = 1 / (1 + Math.exp(1));
    assert.ok(Math.abs(z[0] - q * 3) < 1e-5);
    store.dispose();
  });

  it('masked statistics ignore padded rows, and gradients match finite differences', () => {
    const store = new ParameterStore(1);
    const dice = new Dice(store, 'dice', 3);
    tf.tidy(() => dice.alpha.assign(tf.tensor1d([0.1, 0.3, -0.2])));
    const x = randomVariable([4, 3], new Rng(4)) as unknown as tf.Tensor2D;
    const mask = tf.tensor1d([1, 1, 1, 0]);
    const full = dice.apply(x, true, mask).arraySync() as number[][];
    const firstThree = dice.apply(x.slice([0, 0], [3, 3]) as tf.Tensor2D, true).arraySync() as number[][];
    assert.ok(maxDiff(full.slice(0, 3).flat(), firstThree.flat()) < 1e-5);
    assertGradientsMatch(() => projectionLoss(dice.apply(x, true, mask), 5), [x, dice.alpha], { label: 'dice train' });
    assertGradientsMatch(() => projectionLoss(dice.apply(x, false), 6), [x, dice.alpha], { label: 'dice inference' });
    store.dispose();
  });
});

describe('PRelu', () => {
  it('is s for s > 0 and alpha s otherwise (alpha starts at 0.1); gradients match', () => {
    const store = new ParameterStore(1);
    const p = new PRelu(store, 'p', 2);
    const y = p.apply(tf.tensor2d([[2, -3], [-1, 4]])).arraySync();
    assert.deepEqual(y, [[2, -0.30000001192092896], [-0.10000000149011612, 4]]);
    const x = randomVariable([5, 2], new Rng(9));
    assertGradientsMatch(() => projectionLoss(p.apply(x), 2), [x, p.alpha], { label: 'prelu' });
    store.dispose();
  });
});

describe('BatchNorm', () => {
  it('normalises with batch statistics in training, moving averages at inference', () => {
    const store = new ParameterStore(1);
    const bn = new BatchNorm(store, 'bn', 1, { momentum: 0.5 });
    const x = tf.tensor2d([[1], [3]]);
    const y = bn.apply(x, true).dataSync();
    const expect = 1 / Math.sqrt(1 + 1e-3);
    assert.ok(Math.abs(y[0] + expect) < 1e-5 && Math.abs(y[1] - expect) < 1e-5);
    assert.ok(Math.abs(bn.movingMean.dataSync()[0] - 1) < 1e-6); // 0.5*0 + 0.5*2
    assert.ok(Math.abs(bn.movingVariance.dataSync()[0] - 1) < 1e-6); // 0.5*1 + 0.5*1
    const z = bn.apply(tf.tensor2d([[3]]), false).dataSync();
    assert.ok(Math.abs(z[0] - 2 / Math.sqrt(1 + 1e-3)) < 1e-5);
    const xs = randomVariable([6, 1], new Rng(3));
    assertGradientsMatch(() => projectionLoss(bn.apply(xs, true), 4), [xs, bn.gamma, bn.beta], { label: 'bn' });
    store.dispose();
  });

  it("officialInference mode is a fixed affine gamma x / sqrt(1 + eps) + beta (docs/papers.md P-DIN-5)", () => {
    const store = new ParameterStore(1);
    const bn = new BatchNorm(store, 'bn', 1, { mode: 'officialInference' });
    const y = bn.apply(tf.tensor2d([[1], [3]]), true).dataSync();
    assert.ok(Math.abs(y[0] - 1 / Math.sqrt(1.001)) < 1e-5 && Math.abs(y[1] - 3 / Math.sqrt(1.001)) < 1e-5);
    assert.equal(bn.movingMean.dataSync()[0], 0);
    store.dispose();
  });
});

describe('Dropout', () => {
  it('is the identity at inference, zeroes about rate of entries and rescales in training, reproducibly', () => {
    const x = tf.ones([100, 20]);
    const d1 = new Dropout(0.3, 42);
    const d2 = new Dropout(0.3, 42);
    assert.equal(d1.apply(x, false), x);
    const a = d1.apply(x, true).dataSync();
    const b = d2.apply(x, true).dataSync();
    assert.deepEqual(Array.from(a), Array.from(b));
    const zeros = Array.from(a).filter((v) => v === 0).length / a.length;
    assert.ok(zeros > 0.25 && zeros < 0.35, `zero fraction ${zeros}`);
    assert.ok(Array.from(a).every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-5));
    assert.notDeepEqual(Array.from(d1.apply(x, true).dataSync()), Array.from(a), 'a new mask per call');
    assert.throws(() => new Dropout(1, 1), /rate/);
  });
});

describe('Mlp', () => {
  for (const activation of ['dice', 'prelu', 'relu', 'sigmoid'] as const) {
    for (const batchNorm of ['none', 'input', 'hidden'] as const) {
      it(`${activation}, batchNorm ${batchNorm}: shape and gradients`, () => {
        const store = new ParameterStore(3);
        const mlp = new Mlp(store, 'm', 4, { ...MLP_DEFAULTS, hidden: [5, 3], activation, batchNorm }, 3);
        // Non-zero biases: with zero biases a row whose inputs are all cut by relu sits exactly on the kink.
        for (const name of store.names().filter((n) => n.endsWith('/bias'))) tf.tidy(() => store.get(name).assign(tf.fill(store.get(name).shape, 0.05)));
        const x = randomVariable([6, 4], new Rng(1));
        const y = mlp.apply(x, true);
        assert.deepEqual(y.shape, [6, 3]);
        assertGradientsMatch(
          () => projectionLoss(mlp.apply(x, true), 8),
          [x, ...store.trainable().map((t) => t.variable)],
          // relu/PReLU have a kink at 0: a smaller step keeps the difference on one side of it.
          { label: `mlp ${activation} ${batchNorm}`, entries: 4, ...(activation === 'relu' || activation === 'prelu' ? { eps: 1e-3, atol: 5e-3 } : {}) },
        );
        store.dispose();
      });
    }
  }
  it('rejects a bad activation', () => {
    const store = new ParameterStore(3);
    assert.throws(() => new Mlp(store, 'm', 4, { ...MLP_DEFAULTS, activation: 'tanh' as never }, 1), /activation "tanh"/);
    store.dispose();
  });
});

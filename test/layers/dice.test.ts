/** Dice: values against hand computations, gradients against central finite differences. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { Dice } from '../../src/layers/dice';
import { ParameterStore } from '../../src/layers/params';
import { Rng } from '../../src/random';
import { assertGradientsMatch, projectionLoss } from '../helpers/gradients';
import { maxDiff } from '../helpers/maxDiff';
import { randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('Dice', () => {
  it('training: p(s) from batch statistics (eps 1e-8), alpha mixes the negative part', () => {
    const store = new ParameterStore(1);
    const dice = new Dice(store, 'dice', 2);
    tf.tidy(() => dice.alpha.assign(tf.tensor1d([0.25, -0.5])));
    const s = [
      [1, 4],
      [2, -2],
      [6, 1],
    ];
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

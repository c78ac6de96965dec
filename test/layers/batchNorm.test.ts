/**
 * Batch norm: training and inference statistics against hand computations, gradients against central finite
 * differences.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { BatchNorm } from '../../src/layers/batchNorm';
import { ParameterStore } from '../../src/layers/params';
import { Rng } from '../../src/random';
import { assertGradientsMatch, projectionLoss } from '../helpers/gradients';
import { randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
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

  it('officialInference mode is a fixed affine gamma x / sqrt(1 + eps) + beta (docs/papers.md P-DIN-5)', () => {
    const store = new ParameterStore(1);
    const bn = new BatchNorm(store, 'bn', 1, { mode: 'officialInference' });
    const y = bn.apply(tf.tensor2d([[1], [3]]), true).dataSync();
    assert.ok(Math.abs(y[0] - 1 / Math.sqrt(1.001)) < 1e-5 && Math.abs(y[1] - 3 / Math.sqrt(1.001)) < 1e-5);
    assert.equal(bn.movingMean.dataSync()[0], 0);
    store.dispose();
  });
});

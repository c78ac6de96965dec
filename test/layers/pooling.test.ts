/** Masked sum and mean pooling over the history: values by hand, gradients against central finite differences. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { poolSequence } from '../../src/layers/pooling';
import { Rng } from '../../src/random';
import { assertGradientsMatch, projectionLoss } from '../helpers/gradients';
import { maxDiff } from '../helpers/maxDiff';
import { randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('poolSequence', () => {
  it('pooling: masked sum and mean, users without history pool to zeros, gradients', () => {
    const h = randomVariable([2, 3, 2], new Rng(1));
    const mask = tf.tensor2d([
      [1, 1, 0],
      [0, 0, 0],
    ]);
    const hv = h.arraySync() as number[][][];
    const sum = poolSequence(h as unknown as tf.Tensor3D, mask, 'sum').arraySync() as number[][];
    const mean = poolSequence(h as unknown as tf.Tensor3D, mask, 'mean').arraySync() as number[][];
    assert.ok(maxDiff(sum[0], [hv[0][0][0] + hv[0][1][0], hv[0][0][1] + hv[0][1][1]]) < 1e-6);
    assert.ok(
      maxDiff(
        mean[0],
        sum[0].map((v) => v / 2),
      ) < 1e-6,
    );
    assert.deepEqual(sum[1], [0, 0]);
    assert.deepEqual(mean[1], [0, 0]);
    assertGradientsMatch(() => projectionLoss(poolSequence(h as unknown as tf.Tensor3D, mask, 'mean'), 2), [h], {
      label: 'pooling',
    });
  });
});

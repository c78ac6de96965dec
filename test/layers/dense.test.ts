/** Dense: values against a hand computation, gradients against central finite differences. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { Dense } from '../../src/layers/dense';
import { ParameterStore } from '../../src/layers/params';
import { Rng } from '../../src/random';
import { assertGradientsMatch, projectionLoss } from '../helpers/gradients';
import { randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('Dense', () => {
  it('computes x W + b and matches finite differences', () => {
    const store = new ParameterStore(1);
    const dense = new Dense(store, 'd', 3, 2);
    tf.tidy(() => dense.bias!.assign(tf.tensor1d([0.5, -1])));
    const x = tf.tensor2d([
      [1, 2, 3],
      [-1, 0, 2],
    ]);
    const W = dense.kernel.arraySync() as number[][];
    const y = dense.apply(x).arraySync() as number[][];
    const xs = [
      [1, 2, 3],
      [-1, 0, 2],
    ];
    const b = [0.5, -1];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        const expect = xs[i].reduce((s, v, k) => s + v * W[k][j], 0) + b[j];
        assert.ok(Math.abs(y[i][j] - expect) < 1e-5);
      }
    const x3 = randomVariable([2, 3, 3], new Rng(2));
    assertGradientsMatch(() => projectionLoss(dense.apply(x3, 'sigmoid'), 3), [x3, dense.kernel, dense.bias!], {
      label: 'dense',
    });
    assert.throws(() => dense.apply(tf.zeros([2, 4])), /must end with 3/);
    store.dispose();
  });
});

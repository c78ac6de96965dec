/** Mlp: shapes, gradients against central finite differences, config errors. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { Mlp, MLP_DEFAULTS } from '../../src/layers/mlp';
import { ParameterStore } from '../../src/layers/params';
import { Rng } from '../../src/random';
import { assertGradientsMatch, projectionLoss } from '../helpers/gradients';
import { randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('Mlp', () => {
  for (const activation of ['dice', 'prelu', 'relu', 'sigmoid'] as const) {
    for (const batchNorm of ['none', 'input', 'hidden'] as const) {
      it(`${activation}, batchNorm ${batchNorm}: shape and gradients`, () => {
        const store = new ParameterStore(3);
        const mlp = new Mlp(store, 'm', 4, { ...MLP_DEFAULTS, hidden: [5, 3], activation, batchNorm }, 3);
        // Non-zero biases: with zero biases a row whose inputs are all cut by relu sits exactly on the kink.
        for (const name of store.names().filter((n) => n.endsWith('/bias')))
          tf.tidy(() => store.get(name).assign(tf.fill(store.get(name).shape, 0.05)));
        const x = randomVariable([6, 4], new Rng(1));
        const y = mlp.apply(x, true);
        assert.deepEqual(y.shape, [6, 3]);
        assertGradientsMatch(
          () => projectionLoss(mlp.apply(x, true), 8),
          [x, ...store.trainable().map((t) => t.variable)],
          // relu/PReLU have a kink at 0: a smaller step keeps the difference on one side of it.
          {
            label: `mlp ${activation} ${batchNorm}`,
            entries: 4,
            ...(activation === 'relu' || activation === 'prelu' ? { eps: 1e-3, atol: 5e-3 } : {}),
          },
        );
        store.dispose();
      });
    }
  }
  it('rejects a bad activation', () => {
    const store = new ParameterStore(3);
    assert.throws(
      () => new Mlp(store, 'm', 4, { ...MLP_DEFAULTS, activation: 'tanh' as never }, 1),
      /activation "tanh"/,
    );
    store.dispose();
  });
});

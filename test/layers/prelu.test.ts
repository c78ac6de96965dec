/** PReLU: values against a hand computation, gradients against central finite differences. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { ParameterStore } from '../../src/layers/params';
import { PRelu } from '../../src/layers/prelu';
import { Rng } from '../../src/random';
import { assertGradientsMatch, projectionLoss } from '../helpers/gradients';
import { randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('PRelu', () => {
  it('is s for s > 0 and alpha s otherwise (alpha starts at 0.1); gradients match', () => {
    const store = new ParameterStore(1);
    const p = new PRelu(store, 'p', 2);
    const y = p
      .apply(
        tf.tensor2d([
          [2, -3],
          [-1, 4],
        ]),
      )
      .arraySync();
    assert.deepEqual(y, [
      [2, -0.30000001192092896],
      [-0.10000000149011612, 4],
    ]);
    const x = randomVariable([5, 2], new Rng(9));
    assertGradientsMatch(() => projectionLoss(p.apply(x), 2), [x, p.alpha], { label: 'prelu' });
    store.dispose();
  });
});

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { ParameterStore } from '../../src/layers/params';
import { LayerNorm } from '../../src/layers/layerNorm';
import { assertGradientsMatch } from '../helpers/gradients';
import { uniformTensor } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('LayerNorm (src/layers/layerNorm.ts)', () => {
  it('normalises the last axis (plain-JS check) and gradients match finite differences', () => {
    const store = new ParameterStore(1);
    const ln = new LayerNorm(store, 'ln', { size: 4 });
    const x = tf.variable(uniformTensor(new Rng(2), [2, 3, 4], -2, 2));
    const y = ln.apply(x as unknown as tf.Tensor3D).arraySync();
    const xv = x.arraySync() as number[][][];
    xv.forEach((rows, i) =>
      rows.forEach((row, j) => {
        const m = row.reduce((a, v) => a + v, 0) / 4;
        const v = row.reduce((a, r) => a + (r - m) ** 2, 0) / 4;
        row.forEach((r, k) => assert.ok(Math.abs(y[i][j][k] - (r - m) / Math.sqrt(v + 1e-6)) < 1e-5));
      }),
    );
    tf.tidy(() => {
      ln.gamma.assign(uniformTensor(new Rng(3), [4], 0.5, 1.5) as tf.Tensor1D);
      ln.beta.assign(uniformTensor(new Rng(4), [4]) as tf.Tensor1D);
    });
    const r = uniformTensor(new Rng(5), [2, 3, 4]);
    assertGradientsMatch(
      () =>
        tf.tidy(
          () =>
            ln
              .apply(x as unknown as tf.Tensor3D)
              .mul(r)
              .sum() as tf.Scalar,
        ),
      [x, ln.gamma, ln.beta],
    );
  });
});

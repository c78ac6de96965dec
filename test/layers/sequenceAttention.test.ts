import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { ParameterStore } from '../../src/layers/params';
import { EvolutionAttention, maskedSoftmax } from '../../src/layers/sequenceAttention';
import { assertGradientsMatch } from '../helpers/gradients';
import { maskFromLengths, uniformTensor } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('maskedSoftmax / EvolutionAttention (src/layers/sequenceAttention.ts)', () => {
  it('softmax over valid steps only; padded steps 0; rows without valid steps all 0', () => {
    const w = maskedSoftmax(
      tf.tensor2d([
        [1, 2, 3],
        [5, 0, 0],
        [1, 1, 1],
      ]),
      tf.tensor2d([
        [1, 1, 0],
        [1, 0, 0],
        [0, 0, 0],
      ]),
    ).arraySync();
    const e = Math.exp(1) + Math.exp(2);
    assert.ok(Math.abs(w[0][0] - Math.exp(1) / e) < 1e-6 && Math.abs(w[0][1] - Math.exp(2) / e) < 1e-6);
    assert.equal(w[0][2], 0);
    assert.deepEqual(w[1], [1, 0, 0]);
    assert.deepEqual(w[2], [0, 0, 0]);
  });

  it('a_t = softmax_valid(h_t W e_a), checked against a plain-JS computation', () => {
    const store = new ParameterStore(1);
    const att = new EvolutionAttention(store, 'att', { stateSize: 3, targetSize: 2 });
    const rng = new Rng(3);
    const h = uniformTensor(rng, [2, 4, 3]) as tf.Tensor3D;
    const e = uniformTensor(rng, [2, 2]) as tf.Tensor2D;
    const mask = maskFromLengths([4, 2], 4);
    const got = att.apply(h, e, mask).arraySync();
    const W = att.kernel.arraySync() as number[][];
    const hv = h.arraySync();
    const ev = e.arraySync();
    [4, 2].forEach((len, b) => {
      const s = hv[b]
        .slice(0, len)
        .map((ht) => ht.reduce((acc, x, i) => acc + x * W[i].reduce((a2, wij, j) => a2 + wij * ev[b][j], 0), 0));
      const z = s.reduce((a, v) => a + Math.exp(v), 0);
      for (let t = 0; t < 4; t++) assert.ok(Math.abs(got[b][t] - (t < len ? Math.exp(s[t]) / z : 0)) < 1e-6);
    });
  });

  it('gradients match finite differences (eps 1e-2, |err| <= 2e-3 + 2e-2|g|)', () => {
    const store = new ParameterStore(2);
    const att = new EvolutionAttention(store, 'att', { stateSize: 3, targetSize: 2 });
    const rng = new Rng(4);
    const h = tf.variable(uniformTensor(rng, [2, 4, 3]));
    const e = tf.variable(uniformTensor(rng, [2, 2]));
    const r = uniformTensor(rng, [2, 4]);
    const mask = maskFromLengths([4, 3], 4);
    assertGradientsMatch(
      () =>
        tf.tidy(
          () =>
            att
              .apply(h as unknown as tf.Tensor3D, e as unknown as tf.Tensor2D, mask)
              .mul(r)
              .sum() as tf.Scalar,
        ),
      [h, e, att.kernel],
    );
  });
});

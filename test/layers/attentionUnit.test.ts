/**
 * DIN's local activation unit: split-weight first layer = literal concat, all-equal scores
 * reduce to sum pooling (none) / mean pooling (softmax), padding invariance, gradients.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { AttentionUnit, AttentionUnitConfig } from '../../src/layers/attentionUnit';
import { ParameterStore } from '../../src/layers/params';
import { poolSequence } from '../../src/layers/pooling';
import { Rng } from '../../src/random';
import { assertGradientsMatch, projectionLoss } from '../helpers/gradients';
import { maxDiff } from '../helpers/maxDiff';
import { maskFromLengths, randomVariable } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

const B = 3;
const T = 5;
const D = 4;
const lengths = [5, 2, 3];

const maskOf = (T2: number): tf.Tensor2D => maskFromLengths(lengths, T2);

/** keys [B, T, D] with zeros at padded positions (as the embedding lookup gives). */
function keysOf(rng: Rng, T2 = T): tf.Variable {
  const v = randomVariable([B, T2, D], rng);
  tf.tidy(() => v.assign(tf.mul(v, tf.expandDims(maskOf(T2), 2))));
  return v;
}

function unit(config: Partial<AttentionUnitConfig>, seed = 5): { store: ParameterStore; att: AttentionUnit } {
  const store = new ParameterStore(seed);
  return { store, att: new AttentionUnit(store, 'att', D, { hidden: [6, 3], ...config }) };
}

describe('AttentionUnit', () => {
  for (const activation of ['sigmoid', 'dice'] as const) {
    it(`split first layer equals the concat version, values and gradients (${activation})`, () => {
      const rng = new Rng(1);
      const q = randomVariable([B, D], rng);
      const k = keysOf(rng);
      const mask = maskOf(T);
      const split = unit({ firstLayer: 'split', activation });
      const concat = unit({ firstLayer: 'concat', activation });
      const a = split.att.scores(q as unknown as tf.Tensor2D, k as unknown as tf.Tensor3D, mask, true);
      const b = concat.att.scores(q as unknown as tf.Tensor2D, k as unknown as tf.Tensor3D, mask, true);
      assert.ok(maxDiff(a.dataSync(), b.dataSync()) < 1e-5);
      const grad = (s: { store: ParameterStore; att: AttentionUnit }) => {
        const vars = [q, k, ...s.store.trainable().map((t) => t.variable)];
        const { value, grads } = tf
          .engine()
          .gradients(
            () =>
              projectionLoss(
                s.att.apply(q as unknown as tf.Tensor2D, k as unknown as tf.Tensor3D, mask, true).pooled,
                3,
              ),
            vars,
          );
        value.dispose();
        return grads.map((g) => Array.from(g.dataSync()));
      };
      const ga = grad(split);
      const gb = grad(concat);
      ga.forEach((g, i) => assert.ok(maxDiff(g, gb[i]) < 1e-4, `gradient ${i}`));
      split.store.dispose();
      concat.store.dispose();
    });
  }

  for (const normalize of ['none', 'softmax'] as const) {
    it(`all-equal scores reduce to ${normalize === 'none' ? 'sum' : 'mean'} pooling`, () => {
      const { store, att } = unit({ normalize });
      tf.tidy(() => {
        store.get('att/score/kernel').assign(tf.zeros([3, 1]));
        store.get('att/score/bias').assign(tf.ones([1]));
      });
      const rng = new Rng(2);
      const q = randomVariable([B, D], rng) as unknown as tf.Tensor2D;
      const k = keysOf(rng) as unknown as tf.Tensor3D;
      const pooled = att.apply(q, k, maskOf(T), false).pooled;
      const reference = poolSequence(k, maskOf(T), normalize === 'none' ? 'sum' : 'mean');
      assert.ok(maxDiff(pooled.dataSync(), reference.dataSync()) < 1e-5);
      store.dispose();
    });

    it(`padded positions leave the pooled vector unchanged (${normalize}, Dice with masked statistics)`, () => {
      const { store, att } = unit({ normalize, activation: 'dice' });
      const rng = new Rng(3);
      const q = randomVariable([B, D], rng) as unknown as tf.Tensor2D;
      const k = keysOf(rng) as unknown as tf.Tensor3D;
      const longer = tf.concat([k, tf.zeros([B, 4, D])], 1) as tf.Tensor3D;
      for (const training of [true, false]) {
        const a = att.apply(q, k, maskOf(T), training);
        const b = att.apply(q, longer, maskOf(T + 4), training);
        assert.ok(maxDiff(a.pooled.dataSync(), b.pooled.dataSync()) < 1e-5, `training ${training}`);
        assert.ok(
          b.weights
            .slice([0, T], [B, 4])
            .dataSync()
            .every((w) => w === 0),
          'zero weight at padding',
        );
      }
      store.dispose();
    });

    it(`gradients match finite differences (${normalize})`, () => {
      const { store, att } = unit({ normalize, activation: 'dice', scale: 0.5 });
      const rng = new Rng(4);
      const q = randomVariable([B, D], rng);
      const k = keysOf(rng);
      const mask = maskOf(T);
      assertGradientsMatch(
        () => projectionLoss(att.apply(q as unknown as tf.Tensor2D, k as unknown as tf.Tensor3D, mask, true).pooled, 9),
        [q, k, ...store.trainable().map((t) => t.variable)],
        { label: `attention ${normalize}`, entries: 5 },
      );
      store.dispose();
    });
  }

  it('rejects mismatched shapes and bad config', () => {
    const { store, att } = unit({});
    assert.throws(
      () => att.scores(tf.zeros([B, D + 1]) as tf.Tensor2D, tf.zeros([B, T, D]) as tf.Tensor3D, maskOf(T), false),
      /query must be/,
    );
    assert.throws(
      () => att.scores(tf.zeros([B, D]) as tf.Tensor2D, tf.zeros([B, T, D]) as tf.Tensor3D, maskOf(T + 1), false),
      /mask must be/,
    );
    assert.throws(() => new AttentionUnit(store, 'x', D, { normalize: 'sparsemax' as never }), /normalize/);
    store.dispose();
  });
});

/**
 * What the models compute, against independent computations: LR's linear logit, DeepFM's
 * factorisation-machine term, pooling, and DIN with constant attention = BaseModel with sum
 * pooling (same weights).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { poolSequence } from '../../src/layers/pooling';
import { createModel, CtrModel } from '../../src/models';
import { predict } from '../../src/train/step';
import { assertGradientsMatch, catOf, maxDiff, projectionLoss, randomVariable, tinyBatches, TINY_SIZES } from '../layers/helpers';
import { Rng } from '../../src/random';

before(async () => {
  await useBestBackend({ quiet: true });
});

function logits(m: CtrModel, batch: ReturnType<typeof tinyBatches>[number]): Float32Array {
  const inputs = m.prepare(batch);
  const out = tf.tidy(() => Float32Array.from(m.forward(inputs, false).logit.dataSync() as Float32Array));
  inputs.dispose();
  return out;
}

/** [item row | cat row] of `item` from the model's tables. */
function behaviourOf(m: CtrModel, item: number): number[] {
  return [...m.embeddings.items.row(item), ...m.embeddings.cats[0].row(catOf(item))];
}

/** Masked mean / sum of the history behaviour vectors of row b, in JS. */
function pooledOf(m: CtrModel, batch: ReturnType<typeof tinyBatches>[number], b: number, mean: boolean): number[] {
  const T = batch.maxLen;
  const acc = new Array(36).fill(0);
  let n = 0;
  for (let t = 0; t < T; t++) {
    if (!batch.histMask[b * T + t]) continue;
    behaviourOf(m, batch.histItems[b * T + t]).forEach((v, i) => (acc[i] += v));
    n++;
  }
  return mean ? acc.map((v) => v / Math.max(1, n)) : acc;
}

describe('model arithmetic', () => {
  it('pooling: masked sum and mean, users without history pool to zeros, gradients', () => {
    const h = randomVariable([2, 3, 2], new Rng(1));
    const mask = tf.tensor2d([[1, 1, 0], [0, 0, 0]]);
    const hv = h.arraySync() as number[][][];
    const sum = poolSequence(h as unknown as tf.Tensor3D, mask, 'sum').arraySync() as number[][];
    const mean = poolSequence(h as unknown as tf.Tensor3D, mask, 'mean').arraySync() as number[][];
    assert.ok(maxDiff(sum[0], [hv[0][0][0] + hv[0][1][0], hv[0][0][1] + hv[0][1][1]]) < 1e-6);
    assert.ok(maxDiff(mean[0], sum[0].map((v) => v / 2)) < 1e-6);
    assert.deepEqual(sum[1], [0, 0]);
    assert.deepEqual(mean[1], [0, 0]);
    assertGradientsMatch(() => projectionLoss(poolSequence(h as unknown as tf.Tensor3D, mask, 'mean'), 2), [h], { label: 'pooling' });
  });

  it('lr: logit = w . [target, mean-pooled history] + b', () => {
    const [batch] = tinyBatches(1, 5, 4, 3);
    const m = createModel('lr', { pooling: 'mean' }, TINY_SIZES, 2);
    const w = m.params.get('lr/linear/kernel').dataSync();
    tf.tidy(() => m.params.get('lr/linear/bias').assign(tf.tensor1d([0.3])));
    const got = logits(m, batch);
    for (let b = 0; b < 5; b++) {
      const x = [...behaviourOf(m, batch.targetItems[b]), ...pooledOf(m, batch, b, true)];
      const expected = x.reduce((s, v, i) => s + v * w[i], 0.3);
      assert.ok(Math.abs(got[b] - expected) < 1e-5, `row ${b}: ${got[b]} vs ${expected}`);
    }
    m.dispose();
  });

  it('deepfm: with the deep and first-order parts zeroed, the logit is the sum of pairwise field inner products', () => {
    const [batch] = tinyBatches(1, 5, 4, 4);
    const m = createModel('deepfm', {}, TINY_SIZES, 2);
    // larger embeddings so the FM term is far above float32 noise
    for (const t of m.embeddings.tables()) t.values.forEach((v, i) => (t.values[i] = v * 30));
    tf.tidy(() => {
      for (const name of ['deepfm/head/output/kernel', 'deepfm/head/output/bias', 'deepfm/firstOrder/kernel', 'deepfm/firstOrder/bias']) {
        m.params.get(name).assign(tf.zerosLike(m.params.get(name)));
      }
    });
    const got = logits(m, batch);
    for (let b = 0; b < 5; b++) {
      const target = behaviourOf(m, batch.targetItems[b]);
      const pooled = pooledOf(m, batch, b, false);
      const fields = [target.slice(0, 18), target.slice(18), pooled.slice(0, 18), pooled.slice(18)];
      let expected = 0;
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expected += fields[i].reduce((s, v, d) => s + v * fields[j][d], 0);
      assert.ok(Math.abs(got[b] - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `row ${b}: ${got[b]} vs ${expected}`);
    }
    m.dispose();
  });

  it('din with constant attention scores 1 (normalize none) = BaseModel with sum pooling and the product feature, same weights', () => {
    const [batch] = tinyBatches(1, 8, 6, 5);
    const base = createModel('base', { pooling: 'sum', productFeature: true }, TINY_SIZES, 3);
    const din = createModel('din', { mlp: { activation: 'prelu' } }, TINY_SIZES, 3);
    const saved = base.getWeights().weights;
    const dinWeights = din.getWeights().weights.map((w) => {
      const from = saved.find((s) => s.name === w.name.replace(/^din\/head\//, 'base/head/'));
      return from ? { ...w, values: from.values } : w;
    });
    din.setWeights({ model: 'din', weights: dinWeights });
    tf.tidy(() => {
      din.params.get('din/attention/score/kernel').assign(tf.zeros([40, 1]));
      din.params.get('din/attention/score/bias').assign(tf.ones([1]));
    });
    assert.ok(maxDiff(logits(din, batch), logits(base, batch)) < 1e-5);
    assert.ok(maxDiff(predict(din, batch), predict(base, batch)) < 1e-6);
    base.dispose();
    din.dispose();
  });
});

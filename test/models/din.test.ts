/**
 * DIN against an independent computation: constant attention scores reduce DIN to BaseModel with sum pooling (same
 * weights).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import type { Batch } from '../../src/data/batch';
import { createModel, CtrModel } from '../../src/models';
import { predict } from '../../src/train/step';
import { TINY_SIZES, tinyBatch } from '../helpers/batches';
import { maxDiff } from '../helpers/maxDiff';

before(async () => {
  await useBestBackend({ quiet: true });
});

function logits(m: CtrModel, batch: Batch): Float32Array {
  const inputs = m.prepare(batch);
  const out = tf.tidy(() => Float32Array.from(m.forward(inputs, false).logit.dataSync() as Float32Array));
  inputs.dispose();
  return out;
}

describe('DIN', () => {
  it('din with constant scores 1 (normalize none) = BaseModel, sum pooling + product feature', () => {
    const batch = tinyBatch(5, { size: 8, maxLen: 6 });
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

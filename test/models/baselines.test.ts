/**
 * The MLP input of every baseline, pinned to its row in the official code (DIEN repo
 * `script/model.py`: Model_DNN [uid, item, Σhist], Model_PNN [... , item ⊙ Σhist],
 * Model_WideDeep deep part [uid, item, Σhist]; DIN repo deepFM deep part [hist, item]), and the
 * DIEN repo's Model_DIN row of DIEN Table 2. The features handed to the click head are captured
 * and compared with columns assembled in JS from the embedding tables; for Wide&Deep and DeepFM
 * the logit minus the head's output is compared with the shallow part computed in JS. LR's
 * logit and DeepFM's factorisation-machine term are checked whole against JS computations.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { DIEN_TABLE2 } from '../../src/experiments/papers/dien';
import type { Batch } from '../../src/data/batch';
import { ClickHead } from '../../src/layers/clickHead';
import { createModel, CtrModel, DinModel } from '../../src/models';
import { catOf, TINY_SIZES, tinyBatch } from '../helpers/batches';
import { maxDiff } from '../helpers/maxDiff';

before(async () => {
  await useBestBackend({ quiet: true });
});

const batch = tinyBatch(17, { size: 6, maxLen: 5 });

/** [item row | cat row] of `item` from the model's tables. */
function behaviourOf(m: CtrModel, item: number): number[] {
  return [...m.embeddings.items.row(item), ...m.embeddings.cats[0].row(catOf(item))];
}

/** Masked sum of row b's history behaviour vectors, in JS. */
function historySum(m: CtrModel, batch: Batch, b: number): number[] {
  const T = batch.maxLen;
  const acc = new Array(36).fill(0);
  for (let t = 0; t < T; t++)
    if (batch.histMask[b * T + t]) behaviourOf(m, batch.histItems[b * T + t]).forEach((v, i) => (acc[i] += v));
  return acc;
}

/** Masked mean of row b's history behaviour vectors (zeros without history), in JS. */
function historyMean(m: CtrModel, batch: Batch, b: number): number[] {
  const n = batch.histMask.subarray(b * batch.maxLen, (b + 1) * batch.maxLen).reduce((a, v) => a + v, 0);
  return historySum(m, batch, b).map((v) => v / Math.max(1, n));
}

const times = (a: number[], b: number[]): number[] => a.map((v, i) => v * b[i]);

/** Inference-mode logits. */
function logits(m: CtrModel, batch: Batch): Float32Array {
  const inputs = m.prepare(batch);
  const out = tf.tidy(() => Float32Array.from(m.forward(inputs, false).logit.dataSync() as Float32Array));
  inputs.dispose();
  return out;
}

/** Runs the model in inference mode, capturing what its click head sees and returns. */
function capture(
  m: CtrModel,
  head: ClickHead,
  batch: Batch,
): { features: number[][]; deep: Float32Array; logit: Float32Array } {
  const apply = head.apply.bind(head);
  let features: number[][] = [];
  let deep = new Float32Array(0);
  head.apply = (f, training) => {
    features = f.arraySync() as number[][];
    const out = apply(f, training);
    deep = Float32Array.from(out.dataSync() as Float32Array);
    return out;
  };
  const inputs = m.prepare(batch);
  const logit = tf.tidy(() => Float32Array.from(m.forward(inputs, false).logit.dataSync() as Float32Array));
  inputs.dispose();
  head.apply = apply;
  return { features, deep, logit };
}

/** Expected MLP input of row b of each baseline at its defaults. */
const EXPECTED_INPUT: Record<string, (m: CtrModel, batch: Batch, b: number) => number[]> = {
  base: (m, batch, b) => [...behaviourOf(m, batch.targetItems[b]), ...historySum(m, batch, b)],
  wdl: (m, batch, b) => [...behaviourOf(m, batch.targetItems[b]), ...historySum(m, batch, b)],
  deepfm: (m, batch, b) => [...behaviourOf(m, batch.targetItems[b]), ...historySum(m, batch, b)],
  pnn: (m, batch, b) => {
    const target = behaviourOf(m, batch.targetItems[b]);
    const sum = historySum(m, batch, b);
    return [...target, ...sum, ...times(target, sum)];
  },
};

describe('baseline MLP inputs (official code rows)', () => {
  for (const name of Object.keys(EXPECTED_INPUT)) {
    it(`${name}: the MLP sees exactly its official row`, () => {
      const m = createModel(name, {}, TINY_SIZES, 4);
      const { features } = capture(m, (m as unknown as { head: ClickHead }).head, batch);
      for (let b = 0; b < batch.size; b++) {
        const expected = EXPECTED_INPUT[name](m, batch, b);
        assert.equal(features[b].length, expected.length, `${name} row ${b}: MLP input width`);
        assert.ok(maxDiff(features[b], expected) < 1e-5, `${name} row ${b}`);
      }
      m.dispose();
    });
  }

  it('wdl: logit = MLP + w · [target, Σhist, target ⊙ Σhist] + b (DIEN repo wide part)', () => {
    const m = createModel('wdl', {}, TINY_SIZES, 5);
    const w = m.params.get('wdl/wide/kernel').dataSync();
    tf.tidy(() => m.params.get('wdl/wide/bias').assign(tf.tensor1d([-0.2])));
    const { deep, logit } = capture(m, (m as unknown as { head: ClickHead }).head, batch);
    for (let b = 0; b < batch.size; b++) {
      const target = behaviourOf(m, batch.targetItems[b]);
      const sum = historySum(m, batch, b);
      const x = [...target, ...sum, ...times(target, sum)];
      const wide = x.reduce((s, v, i) => s + v * w[i], -0.2);
      assert.ok(Math.abs(logit[b] - deep[b] - wide) < 1e-5, `row ${b}: ${logit[b] - deep[b]} vs ${wide}`);
    }
    m.dispose();
  });

  it('deepfm: logit = MLP + first order w · [target, Σhist] + b + FM over the four fields', () => {
    const m = createModel('deepfm', {}, TINY_SIZES, 6);
    const w = m.params.get('deepfm/firstOrder/kernel').dataSync();
    const { deep, logit } = capture(m, (m as unknown as { head: ClickHead }).head, batch);
    for (let b = 0; b < batch.size; b++) {
      const target = behaviourOf(m, batch.targetItems[b]);
      const sum = historySum(m, batch, b);
      const first = [...target, ...sum].reduce((s, v, i) => s + v * w[i], 0);
      const fields = [target.slice(0, 18), target.slice(18), sum.slice(0, 18), sum.slice(18)];
      let fm = 0;
      for (let i = 0; i < 4; i++)
        for (let j = i + 1; j < 4; j++) fm += fields[i].reduce((s, v, d) => s + v * fields[j][d], 0);
      assert.ok(Math.abs(logit[b] - deep[b] - first - fm) < 1e-5, `row ${b}`);
    }
    m.dispose();
  });
});

describe("DIEN Table 2 DIN row = the DIEN repository's Model_DIN", () => {
  const row = DIEN_TABLE2.variants.find((v) => v.name === 'din');

  it('resolves to historySum, no target ⊙ interest, softmax attention without scaling, Dice', () => {
    assert.ok(row, 'DIEN Table 2 has a din row');
    const m = createModel('din', row.overrides.modelOptions, TINY_SIZES, 1) as DinModel;
    assert.equal(row.overrides.model, 'din');
    assert.equal(m.config.historySum, true);
    assert.equal(m.config.productFeature, false);
    assert.equal(m.config.attention.normalize, 'softmax');
    assert.equal(m.config.attention.scale, 1);
    assert.equal(m.config.mlp.activation, 'dice');
    m.dispose();
  });

  it('its MLP sees [item, attention-pooled, Σhist, item ⊙ Σhist] with softmax weights', () => {
    const m = createModel('din', row!.overrides.modelOptions, TINY_SIZES, 2) as DinModel;
    const { features } = capture(m, m.head, batch);
    const inputs = m.prepare(batch);
    const { pooled, weights } = m.interest(inputs, false);
    const interest = pooled.arraySync();
    const w = weights.arraySync();
    tf.dispose([pooled, weights]);
    inputs.dispose();
    for (let b = 0; b < batch.size; b++) {
      const target = behaviourOf(m, batch.targetItems[b]);
      const sum = historySum(m, batch, b);
      const expected = [...target, ...interest[b], ...sum, ...times(target, sum)];
      assert.equal(features[b].length, expected.length, `row ${b}: MLP input width`);
      assert.ok(maxDiff(features[b], expected) < 1e-5, `row ${b}`);
      const mass = w[b].reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(mass - 1) < 1e-5, `row ${b}: attention weights sum to ${mass}`);
    }
    m.dispose();
  });
});

describe('DIEN and DMIN: the history-sum terms of the official code are an option', () => {
  for (const name of ['dien', 'dmin'] as const) {
    it(`${name}: historySum false gives [target, interest], the same interest as with the sum terms`, () => {
      const options = name === 'dien' ? { auxWeight: 0 } : { auxWeight: 0, interestHeads: 2 };
      const withSum = createModel(name, { ...options, historySum: true }, TINY_SIZES, 5);
      const without = createModel(name, { ...options, historySum: false }, TINY_SIZES, 5);
      const a = capture(withSum, (withSum as unknown as { head: ClickHead }).head, batch).features;
      const b = capture(without, (without as unknown as { head: ClickHead }).head, batch).features;
      const De = 36;
      for (let r = 0; r < batch.size; r++) {
        assert.ok(maxDiff(b[r].slice(0, De), behaviourOf(without, batch.targetItems[r])) < 1e-6, 'target columns');
        assert.ok(
          maxDiff(a[r].slice(De, 2 * De), historySum(withSum, batch, r)) < 1e-4,
          'Σhist columns of the default',
        );
        const interestWidth = a[r].length - 3 * De;
        assert.equal(b[r].length, De + interestWidth);
        assert.ok(maxDiff(b[r].slice(De), a[r].slice(3 * De)) < 1e-5, 'the interest columns');
      }
      withSum.dispose();
      without.dispose();
    });
  }
});

describe('baseline logits against a JS computation', () => {
  it('lr: logit = w . [target, mean-pooled history] + b', () => {
    const batch = tinyBatch(3, { size: 5, maxLen: 4 });
    const m = createModel('lr', { pooling: 'mean' }, TINY_SIZES, 2);
    const w = m.params.get('lr/linear/kernel').dataSync();
    tf.tidy(() => m.params.get('lr/linear/bias').assign(tf.tensor1d([0.3])));
    const got = logits(m, batch);
    for (let b = 0; b < 5; b++) {
      const x = [...behaviourOf(m, batch.targetItems[b]), ...historyMean(m, batch, b)];
      const expected = x.reduce((s, v, i) => s + v * w[i], 0.3);
      assert.ok(Math.abs(got[b] - expected) < 1e-5, `row ${b}: ${got[b]} vs ${expected}`);
    }
    m.dispose();
  });

  it('deepfm: deep and first-order parts zeroed, the logit is the sum of pairwise inner products', () => {
    const batch = tinyBatch(4, { size: 5, maxLen: 4 });
    const m = createModel('deepfm', {}, TINY_SIZES, 2);
    // larger embeddings so the FM term is far above float32 noise
    for (const t of m.embeddings.tables()) t.values.forEach((v, i) => (t.values[i] = v * 30));
    tf.tidy(() => {
      for (const name of [
        'deepfm/head/output/kernel',
        'deepfm/head/output/bias',
        'deepfm/firstOrder/kernel',
        'deepfm/firstOrder/bias',
      ]) {
        m.params.get(name).assign(tf.zerosLike(m.params.get(name)));
      }
    });
    const got = logits(m, batch);
    for (let b = 0; b < 5; b++) {
      const target = behaviourOf(m, batch.targetItems[b]);
      const pooled = historySum(m, batch, b);
      const fields = [target.slice(0, 18), target.slice(18), pooled.slice(0, 18), pooled.slice(18)];
      let expected = 0;
      for (let i = 0; i < 4; i++)
        for (let j = i + 1; j < 4; j++) expected += fields[i].reduce((s, v, d) => s + v * fields[j][d], 0);
      assert.ok(
        Math.abs(got[b] - expected) < 1e-4 * Math.max(1, Math.abs(expected)),
        `row ${b}: ${got[b]} vs ${expected}`,
      );
    }
    m.dispose();
  });
});

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { ParameterStore } from '../../src/layers/params';
import { forwardPositions, MultiInterestExtractor, reversePositions } from '../../src/layers/multiInterest';
import { maskedSoftmax } from '../../src/layers/sequenceAttention';
import { assertGradientsMatch } from '../helpers/gradients';
import { maxDiff } from '../helpers/maxDiff';
import { maskFromLengths, padWithNoise, uniformTensor } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

const B = 2;
const T = 4;
const D = 4;
const lengths = [4, 2];

describe('MultiInterestExtractor (src/layers/multiInterest.ts)', () => {
  const z = uniformTensor(new Rng(11), [B, T, D]) as tf.Tensor3D;
  const target = uniformTensor(new Rng(12), [B, 3]) as tf.Tensor2D;
  const mask = maskFromLengths(lengths, T);

  it('reverse positions: most recent = 0, padding 0, capped at maxPositions - 1', () => {
    assert.deepEqual([...reversePositions(Int32Array.from([3, 1]), 4, 100)], [2, 1, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...reversePositions(Int32Array.from([4]), 4, 2)], [1, 1, 1, 0]);
  });

  it('one head without position encoding = DIN-style pooling (softmax of MLP([q,k,q-k,q*k]))', () => {
    const store = new ParameterStore(13);
    const ex = new MultiInterestExtractor(store, 'mi', {
      size: D,
      targetSize: 3,
      heads: 1,
      positionEncoding: false,
      attentionUnits: [5, 3],
    });
    const out = ex.apply(z, target, mask);
    const expected = tf.tidy(() => {
      const keys = out.headSequences.reshape([B, T, D]);
      const q = tf.matMul(target, ex.queryTargetKernel).add(ex.queryBias).reshape([B, 1, D]).tile([1, T, 1]);
      let h: tf.Tensor = tf.concat([q, keys, q.sub(keys), q.mul(keys)], 2).reshape([B * T, 4 * D]);
      ex.mlp[0].forEach(({ kernel, bias }, i) => {
        h = tf.matMul(h, kernel as tf.Tensor2D).add(bias);
        if (i + 1 < ex.mlp[0].length) h = tf.sigmoid(h);
      });
      const w = maskedSoftmax(h.reshape([B, T]), mask);
      return tf.matMul(w.reshape([B, 1, T]), keys).reshape([B, D]);
    });
    assert.ok(maxDiff(out.interests, expected) < 1e-5);
  });

  it('official head options (causal, scale 1/sqrt(D), per-head FFN): one head equals a direct computation', () => {
    const store = new ParameterStore(17);
    const ex = new MultiInterestExtractor(store, 'mi', {
      size: D,
      targetSize: 3,
      heads: 1,
      headSize: D,
      positionEncoding: false,
      attentionUnits: [4],
      causal: true,
      scale: 'official',
      ffn: true,
    });
    const got = ex.apply(z, target, mask).headSequences.reshape([B, T, D]);
    const expected = tf.tidy(() => {
      const [wq, wk, wv] = tf.split(ex.qkvKernel, 3, 1);
      const rows: tf.Tensor[] = [];
      lengths.forEach((len, b) => {
        const zb = z.slice([b, 0, 0], [1, len, D]).reshape([len, D]) as tf.Tensor2D;
        const causal = tf.linalg.bandPart(tf.ones([len, len]), -1, 0);
        const scores = tf.matMul(tf.matMul(zb, wq), tf.matMul(zb, wk), false, true).div(Math.sqrt(D));
        const a = tf.softmax(scores.add(tf.scalar(1).sub(causal).mul(-1e9)));
        const y = zb.add(tf.matMul(tf.matMul(a, tf.matMul(zb, wv)), ex.outKernels[0]).add(ex.outBiases[0]));
        const m = y.mean(1, true);
        const n = y.sub(m).div(y.sub(m).square().mean(1, true).add(1e-6).sqrt());
        const f = ex.ffns[0];
        const out = n.add(tf.matMul(tf.relu(tf.matMul(n, f.k1).add(f.b1)), f.k2).add(f.b2));
        rows.push(tf.concat([out, tf.zeros([T - len, D])], 0));
      });
      return tf.stack(rows);
    });
    assert.ok(maxDiff(got, expected) < 1e-5);
  });

  it('causal heads: head sequences at steps <= t ignore the steps after t', () => {
    const ex = new MultiInterestExtractor(new ParameterStore(18), 'mi', {
      size: D,
      targetSize: 3,
      heads: 2,
      positionEncoding: false,
      attentionUnits: [4],
      causal: true,
    });
    const full = tf.ones([B, T]) as tf.Tensor2D;
    const base = ex.apply(z, target, full).headSequences;
    const changed = tf.concat(
      [z.slice([0, 0, 0], [B, 2, D]), uniformTensor(new Rng(19), [B, T - 2, D])],
      1,
    ) as tf.Tensor3D;
    const out = ex.apply(changed, target, full).headSequences;
    assert.ok(maxDiff(out.slice([0, 0, 0, 0], [2, B, 2, D]), base.slice([0, 0, 0, 0], [2, B, 2, D])) < 1e-6);
  });

  it('padding invariance with position encoding, and gradients match finite differences', () => {
    const store = new ParameterStore(14);
    const ex = new MultiInterestExtractor(store, 'mi', { size: D, targetSize: 3, heads: 2, attentionUnits: [4] });
    const pos = tf.tensor2d(reversePositions(Int32Array.from(lengths), T, 100), [B, T], 'int32');
    const base = ex.apply(z, target, mask, pos).interests;
    const posMore = tf.tensor2d(reversePositions(Int32Array.from(lengths), T + 2, 100), [B, T + 2], 'int32');
    const more = ex.apply(padWithNoise(z, 2, 15), target, maskFromLengths(lengths, T + 2), posMore).interests;
    assert.ok(maxDiff(base, more) < 1e-5);
    const zv = tf.variable(z.clone());
    const tv = tf.variable(target.clone());
    const r = uniformTensor(new Rng(16), [B, 2 * D]);
    const targets = [zv, tv, ...store.trainable().map((p) => p.variable)];
    assertGradientsMatch(
      () =>
        tf.tidy(
          () =>
            ex
              .apply(zv as unknown as tf.Tensor3D, tv as unknown as tf.Tensor2D, mask, pos)
              .interests.mul(r)
              .sum() as tf.Scalar,
        ),
      targets,
      { entries: 6 },
    );
  });

  it('official head options: padding invariance and gradients match finite differences', () => {
    const store = new ParameterStore(20);
    const ex = new MultiInterestExtractor(store, 'mi', {
      size: D,
      targetSize: 3,
      heads: 2,
      attentionUnits: [4],
      causal: true,
      scale: 'official',
      ffn: true,
    });
    const pos = tf.tensor2d(forwardPositions(Int32Array.from(lengths), T, 100), [B, T], 'int32');
    const base = ex.apply(z, target, mask, pos).interests;
    const posMore = tf.tensor2d(forwardPositions(Int32Array.from(lengths), T + 2, 100), [B, T + 2], 'int32');
    const more = ex.apply(padWithNoise(z, 2, 21), target, maskFromLengths(lengths, T + 2), posMore).interests;
    assert.ok(maxDiff(base, more) < 1e-5);
    const zv = tf.variable(z.clone());
    const r = uniformTensor(new Rng(22), [B, 2 * D]);
    assertGradientsMatch(
      () =>
        tf.tidy(
          () =>
            ex
              .apply(zv as unknown as tf.Tensor3D, target, mask, pos)
              .interests.mul(r)
              .sum() as tf.Scalar,
        ),
      [zv, ...store.trainable().map((p) => p.variable)],
      { entries: 6, eps: 2e-3 },
    ); // small eps: the FFN ReLU has kinks
  });
});

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { ParameterStore } from '../../src/layers/params';
import { MultiHeadSelfAttention } from '../../src/layers/multiHeadAttention';
import { attendHeads } from '../../src/layers/headAttention';
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

describe('MultiHeadSelfAttention (src/layers/multiHeadAttention.ts)', () => {
  const x = uniformTensor(new Rng(1), [B, T, D]) as tf.Tensor3D;
  const mask = maskFromLengths(lengths, T);

  it('one head without FFN equals a direct computation of LayerNorm(x + softmax(QK^T/sqrt(d)) V Wo)', () => {
    const store = new ParameterStore(2);
    const mh = new MultiHeadSelfAttention(store, 'mh', { size: D, heads: 1, ffnSize: 0 });
    const got = mh.apply(x, mask);
    const W = store.get('mh/qkvKernel');
    const expected = tf.tidy(() => {
      const [wq, wk, wv] = tf.split(W, 3, 1);
      const rows: tf.Tensor[] = [];
      lengths.forEach((len, b) => {
        const xb = x.slice([b, 0, 0], [1, len, D]).reshape([len, D]) as tf.Tensor2D;
        const a = tf.softmax(tf.matMul(tf.matMul(xb, wq), tf.matMul(xb, wk), false, true).div(Math.sqrt(D)));
        const ctx = tf.matMul(tf.matMul(a, tf.matMul(xb, wv)), store.get('mh/outKernel'));
        const y = xb.add(ctx);
        const m = y.mean(1, true);
        const v = y.sub(m).square().mean(1, true);
        const n = y.sub(m).div(v.add(1e-6).sqrt());
        rows.push(tf.concat([n, tf.zeros([T - len, D])], 0));
      });
      return tf.stack(rows);
    });
    assert.ok(maxDiff(got, expected) < 1e-5);
  });

  for (const options of [
    { causal: false, paddingMask: true },
    { causal: true, paddingMask: true },
    { causal: true, paddingMask: false },
  ]) {
    it(`padding invariance and gradients (causal ${options.causal}, paddingMask ${options.paddingMask})`, () => {
      const store = new ParameterStore(3);
      const mh = new MultiHeadSelfAttention(store, 'mh', { size: D, heads: 2, ...options });
      const base = mh.apply(x, mask);
      const more = mh.apply(padWithNoise(x, 3, 9), maskFromLengths(lengths, T + 3));
      assert.ok(maxDiff(more.slice([0, 0, 0], [B, T, D]), base) < 1e-5);
      const xv = tf.variable(x.clone());
      const r = uniformTensor(new Rng(4), [B, T, D]);
      assertGradientsMatch(
        () =>
          tf.tidy(
            () =>
              mh
                .apply(xv as unknown as tf.Tensor3D, mask)
                .mul(r)
                .sum() as tf.Scalar,
          ),
        [xv, ...store.trainable().map((p) => p.variable)],
        { entries: 8, eps: 2e-3 },
      ); // small eps: the FFN ReLU has kinks
    });
  }

  it('causal-only (official) = causal + padding mask on valid positions; ignores later steps', () => {
    const a = new MultiHeadSelfAttention(new ParameterStore(5), 'mh', {
      size: D,
      heads: 2,
      causal: true,
      paddingMask: false,
    });
    const b = new MultiHeadSelfAttention(new ParameterStore(5), 'mh', {
      size: D,
      heads: 2,
      causal: true,
      paddingMask: true,
    });
    assert.ok(maxDiff(a.apply(x, mask), b.apply(x, mask)) < 1e-6);
    const full = tf.ones([B, T]) as tf.Tensor2D;
    const changed = tf.concat([x.slice([0, 0, 0], [B, 2, D]), uniformTensor(new Rng(6), [B, 2, D])], 1) as tf.Tensor3D;
    const y1 = a.apply(x, full).slice([0, 0, 0], [B, 2, D]);
    const y2 = a.apply(changed, full).slice([0, 0, 0], [B, 2, D]);
    assert.ok(maxDiff(y1, y2) < 1e-6);
  });

  for (const masks of [
    { causal: true, paddingMask: true },
    { causal: true, paddingMask: false },
    { causal: false, paddingMask: true },
  ]) {
    const name = `causal ${masks.causal}, paddingMask ${masks.paddingMask}`;
    it(`maskMode 'addOne' weights = softmax(q k^T * scale + (1 - allowed)) (${name})`, () => {
      // v = identity per group (dk = T), so the context is the weight matrix itself
      const h = 2;
      const G = h * B;
      const scale = 0.7;
      const q = uniformTensor(new Rng(11), [G, T, T]) as tf.Tensor3D;
      const k = uniformTensor(new Rng(12), [G, T, T]) as tf.Tensor3D;
      const v = tf.eye(T).reshape([1, T, T]).tile([G, 1, 1]) as tf.Tensor3D;
      const got = attendHeads(q, k, v, mask, { scale, ...masks, zeroPaddedQueries: true, maskMode: 'addOne' });
      const qa = q.arraySync();
      const ka = k.arraySync();
      const expected: number[][][] = [];
      for (let g = 0; g < G; g++) {
        const len = lengths[g % B];
        expected.push(
          Array.from({ length: T }, (_, t) => {
            if (t >= len) return new Array<number>(T).fill(0); // padded query rows are zeroed
            const z = Array.from({ length: T }, (_, s) => {
              const allowed = (!masks.causal || s <= t) && (!masks.paddingMask || s < len);
              let dot = 0;
              for (let d = 0; d < T; d++) dot += qa[g][t][d] * ka[g][s][d];
              return dot * scale + (allowed ? 0 : 1);
            });
            const e = z.map(Math.exp);
            const sum = e.reduce((a, b) => a + b, 0);
            return e.map((x) => x / sum);
          }),
        );
      }
      assert.ok(maxDiff(got, tf.tensor3d(expected)) < 1e-5);
    });
  }

  it("maskMode 'addOne' lets earlier steps see a future step; 'block' (default) does not", () => {
    const full = tf.ones([B, T]) as tf.Tensor2D;
    const changed = tf.concat([x.slice([0, 0, 0], [B, 3, D]), uniformTensor(new Rng(7), [B, 1, D])], 1) as tf.Tensor3D;
    const earlier = (mh: MultiHeadSelfAttention, input: tf.Tensor3D) =>
      mh.apply(input, full).slice([0, 0, 0], [B, 3, D]);
    const make = (maskMode?: 'block' | 'addOne') =>
      new MultiHeadSelfAttention(new ParameterStore(8), 'mh', {
        size: D,
        heads: 2,
        causal: true,
        paddingMask: true,
        ...(maskMode ? { maskMode } : {}),
      });
    const block = make();
    assert.equal(block.maskMode, 'block');
    assert.ok(maxDiff(earlier(block, x), earlier(block, changed)) < 1e-6);
    const addOne = make('addOne');
    assert.ok(maxDiff(earlier(addOne, x), earlier(addOne, changed)) > 1e-3);
  });

  it('rejects heads that do not divide the width', () => {
    assert.throws(
      () => new MultiHeadSelfAttention(new ParameterStore(1), 'mh', { size: 36, heads: 8 }),
      /MultiHeadSelfAttention\(mh\): heads must be a positive integer dividing size 36, got 8/,
    );
  });
});

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { ParameterStore } from '../../src/layers/params';
import { AuxiliaryLoss, AuxLossReduction } from '../../src/layers/auxLoss';
import { assertGradientsMatch } from '../helpers/gradients';
import { maskFromLengths, uniformTensor } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('AuxiliaryLoss (src/layers/auxLoss.ts)', () => {
  const B = 3;
  const T = 4;
  const H = 2;
  const lengths = [4, 2, 1];
  const rng = new Rng(8);
  const hT = uniformTensor(rng, [B, T, H]) as tf.Tensor3D;
  const eT = uniformTensor(rng, [B, T, H]) as tf.Tensor3D;
  const nT = uniformTensor(rng, [B, T, H]) as tf.Tensor3D;

  function reference(reduction: AuxLossReduction): number {
    const h = hT.arraySync();
    const e = eT.arraySync();
    const n = nT.arraySync();
    const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
    const sig = (z: number): number => 1 / (1 + Math.exp(-z));
    let total = 0;
    let pairs = 0;
    lengths.forEach((len, b) => {
      for (let t = 0; t + 1 < len; t++) {
        total += -Math.log(sig(dot(h[b][t], e[b][t + 1]))) - Math.log(1 - sig(dot(h[b][t], n[b][t + 1])));
        pairs++;
      }
    });
    if (reduction === 'perSample') return total / B;
    if (reduction === 'official') return (2 * total) / (B * (Math.max(...lengths) - 1));
    return total / pairs;
  }

  for (const reduction of ['perSample', 'perStep', 'official'] as AuxLossReduction[]) {
    it(`inner-product loss (${reduction}) equals a plain-JS computation over valid pairs only`, () => {
      const aux = new AuxiliaryLoss(new ParameterStore(1), 'aux', { stateSize: H, embeddingSize: H, reduction });
      const got = aux.apply(hT, eT, nT, maskFromLengths(lengths, T)).dataSync()[0];
      assert.ok(Math.abs(got - reference(reduction)) < 1e-5, `${got} vs ${reference(reduction)}`);
    });
  }

  it("ragged batch: 'official' = 2 * sum / (B * (T_b - 1)), T_b longest history (DIEN) or padded (DMIN)", () => {
    // H = 1, lengths [4, 2, 1] padded to T = 6; 7 marks entries no pair may read.
    const g = 7;
    const h = tf
      .tensor2d(
        [
          [0.5, -1, 2, g, g, g],
          [2, g, g, g, g, g],
          [g, g, g, g, g, g],
        ],
        [3, 6],
      )
      .reshape([3, 6, 1]) as tf.Tensor3D;
    const e = tf
      .tensor2d(
        [
          [g, 1, 0.5, -0.25, g, g],
          [g, 1, g, g, g, g],
          [g, g, g, g, g, g],
        ],
        [3, 6],
      )
      .reshape([3, 6, 1]) as tf.Tensor3D;
    const n = tf
      .tensor2d(
        [
          [g, -1, 2, 1, g, g],
          [g, 0, g, g, g, g],
          [g, g, g, g, g, g],
        ],
        [3, 6],
      )
      .reshape([3, 6, 1]) as tf.Tensor3D;
    const mask = maskFromLengths([4, 2, 1], 6);
    // pair (t, t+1): softplus(-h_t e_{t+1}) + softplus(h_t n_{t+1})
    const sp = (x: number): number => Math.log1p(Math.exp(x));
    const pairs = [
      sp(-0.5) + sp(-0.5), // row 0, t = 0: h 0.5, e 1, n -1
      sp(0.5) + sp(-2), //    row 0, t = 1: h -1, e 0.5, n 2
      sp(0.5) + sp(2), //     row 0, t = 2: h 2, e -0.25, n 1
      sp(-2) + Math.LN2, //   row 1, t = 0: h 2, e 1, n 0
    ];
    const total = pairs.reduce((a, v) => a + v, 0);
    const expected = {
      perSample: total / 3,
      perStep: total / 4,
      official: (2 * total) / (3 * (4 - 1)),
      officialPadded: (2 * total) / (3 * (6 - 1)),
    };
    const value = (reduction: AuxLossReduction, officialLength?: 'batchLongest' | 'padded'): number =>
      new AuxiliaryLoss(new ParameterStore(1), 'aux', {
        stateSize: 1,
        embeddingSize: 1,
        reduction,
        ...(officialLength ? { officialLength } : {}),
      })
        .apply(h, e, n, mask)
        .dataSync()[0];
    assert.ok(Math.abs(value('perSample') - expected.perSample) < 1e-5);
    assert.ok(Math.abs(value('perStep') - expected.perStep) < 1e-5);
    assert.ok(
      Math.abs(value('official') - expected.official) < 1e-5,
      `official ${value('official')} vs ${expected.official}`,
    );
    assert.ok(
      Math.abs(value('official', 'padded') - expected.officialPadded) < 1e-5,
      `official padded ${value('official', 'padded')} vs ${expected.officialPadded}`,
    );
  });

  it('mlp scorer (official aux net) equals a direct computation: affine on [h, e] -> sigmoid layers -> logit', () => {
    const store = new ParameterStore(4);
    const aux = new AuxiliaryLoss(store, 'aux', {
      stateSize: H,
      embeddingSize: H,
      scorer: 'mlp',
      hiddenUnits: [5, 3],
      reduction: 'perStep',
    });
    tf.tidy(() => {
      store.get('aux/inputScale').assign(uniformTensor(new Rng(5), [2 * H], 0.5, 1.5) as tf.Tensor1D);
      store.get('aux/inputShift').assign(uniformTensor(new Rng(6), [2 * H]) as tf.Tensor1D);
      store.get('aux/dense0/bias').assign(uniformTensor(new Rng(7), [5]) as tf.Tensor1D);
    });
    const got = aux.apply(hT, eT, nT, maskFromLengths(lengths, T)).dataSync()[0];
    const logit = (h: number[], e: number[]): number =>
      tf.tidy(() => {
        let x: tf.Tensor = tf
          .tensor2d([[...h, ...e]])
          .mul(store.get('aux/inputScale'))
          .add(store.get('aux/inputShift'));
        for (let i = 0; i < 3; i++) {
          x = tf
            .matMul(x as tf.Tensor2D, store.get(`aux/dense${i}/kernel`) as tf.Tensor2D)
            .add(store.get(`aux/dense${i}/bias`));
          if (i < 2) x = tf.sigmoid(x);
        }
        return x.dataSync()[0];
      });
    const h = hT.arraySync();
    const e = eT.arraySync();
    const n = nT.arraySync();
    let total = 0;
    let pairs = 0;
    lengths.forEach((len, b) => {
      for (let t = 0; t + 1 < len; t++) {
        total += Math.log1p(Math.exp(-logit(h[b][t], e[b][t + 1]))) + Math.log1p(Math.exp(logit(h[b][t], n[b][t + 1])));
        pairs++;
      }
    });
    assert.ok(Math.abs(got - total / pairs) < 1e-5, `${got} vs ${total / pairs}`);
  });

  it('padded pairs do not count: garbage at padded positions leaves the loss unchanged', () => {
    const aux = new AuxiliaryLoss(new ParameterStore(1), 'aux', {
      stateSize: H,
      embeddingSize: H,
      scorer: 'mlp',
      hiddenUnits: [4],
    });
    const mask = maskFromLengths(lengths, T);
    const a = aux.apply(hT, eT, nT, mask).dataSync()[0];
    const noise = uniformTensor(new Rng(9), [B, T, H], -5, 5).mul(
      tf.scalar(1).sub(mask).reshape([B, T, 1]),
    ) as tf.Tensor3D;
    const b = aux
      .apply(hT.add(noise) as tf.Tensor3D, eT.add(noise) as tf.Tensor3D, nT.add(noise) as tf.Tensor3D, mask)
      .dataSync()[0];
    assert.ok(Math.abs(a - b) < 1e-6);
  });

  for (const scorer of ['inner', 'mlp'] as const) {
    it(`${scorer} scorer gradients match finite differences (eps 1e-2, |err| <= 2e-3 + 2e-2|g|)`, () => {
      const store = new ParameterStore(3);
      const aux = new AuxiliaryLoss(store, 'aux', { stateSize: H, embeddingSize: H, scorer, hiddenUnits: [5, 3] });
      const h = tf.variable(hT.clone());
      const e = tf.variable(eT.clone());
      const n = tf.variable(nT.clone());
      const mask = maskFromLengths(lengths, T);
      const loss = (): tf.Scalar =>
        aux.apply(h as unknown as tf.Tensor3D, e as unknown as tf.Tensor3D, n as unknown as tf.Tensor3D, mask);
      assertGradientsMatch(loss, [h, e, n, ...store.trainable().map((p) => p.variable)], {
        label: scorer,
        entries: 12,
      });
    });
  }

  it('rejects an inner-product scorer with different sizes', () => {
    assert.throws(
      () => new AuxiliaryLoss(new ParameterStore(1), 'aux', { stateSize: 3, embeddingSize: 4 }),
      /AuxiliaryLoss: scorer 'inner' needs stateSize = embeddingSize, got 3 and 4/,
    );
  });
});

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { ParameterStore } from '../../src/layers/params';
import { GruLayer, GruKind, AttentionGateConvention } from '../../src/layers/gru';
import { assertGradientsMatch } from '../helpers/gradients';
import { maxDiff } from '../helpers/maxDiff';
import { maskFromLengths, uniformTensor } from '../helpers/tensors';

const B = 2;
const T = 5;
const D = 3;
const H = 4;

function layer(kind: GruKind, convention: AttentionGateConvention = 'paper', seed = 3): GruLayer {
  // Same seed and name -> identical weights in every store.
  return new GruLayer(new ParameterStore(seed), 'gru', { inputSize: D, hiddenSize: H, kind, convention });
}

/** Independent plain-JS GRU (paper equations) with an explicit per-step update weight. */
function referenceRun(
  g: GruLayer,
  x: number[][][],
  mask: number[][],
  gate: (u: number, a: number) => number,
  att?: number[][],
  scaleInput = false,
): number[][][] {
  const W = g.inputKernel.arraySync() as number[][];
  const U = g.recurrentKernel.arraySync() as number[][];
  const bias = g.bias.arraySync() as number[];
  return x.map((row, b) => {
    let h = new Array(H).fill(0);
    return row.map((xtRaw, t) => {
      const a = att ? att[b][t] : 1;
      const xt = scaleInput ? xtRaw.map((v) => v * a) : xtRaw;
      const proj = (j: number): number => xt.reduce((s, v, d) => s + v * W[d][j], 0) + bias[j];
      const rec = (j: number): number => h.reduce((s, v, i) => s + v * U[i][j], 0);
      const sig = (z: number): number => 1 / (1 + Math.exp(-z));
      const next = h.map((hv, k) => {
        const u = sig(proj(k) + rec(k));
        const r = sig(proj(H + k) + rec(H + k));
        const c = Math.tanh(proj(2 * H + k) + r * rec(2 * H + k));
        const w = mask[b][t] * gate(u, a);
        return hv + w * (c - hv);
      });
      h = next;
      return next;
    });
  });
}

describe('GruLayer (src/layers/gru.ts)', () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });

  const rng = new Rng(11);
  const xT = uniformTensor(rng, [B, T, D]) as tf.Tensor3D;
  const attT = uniformTensor(rng, [B, T], 0.05, 0.95) as tf.Tensor2D;
  const lengths = [5, 3];
  const maskT = maskFromLengths(lengths, T);
  const x = xT.arraySync() as number[][][];
  const att = attT.arraySync() as number[][];
  const mask = maskT.arraySync() as number[][];

  const cases: {
    kind: GruKind;
    convention: AttentionGateConvention;
    gate: (u: number, a: number) => number;
    scaleInput?: boolean;
  }[] = [
    { kind: 'GRU', convention: 'paper', gate: (u) => u },
    { kind: 'AIGRU', convention: 'paper', gate: (u) => u, scaleInput: true },
    { kind: 'AGRU', convention: 'paper', gate: (_u, a) => a },
    { kind: 'AUGRU', convention: 'paper', gate: (u, a) => a * u },
    { kind: 'AUGRU', convention: 'official', gate: (u, a) => 1 - (1 - a) * (1 - u) },
  ];

  for (const c of cases) {
    it(`${c.kind} (${c.convention}) matches an independent plain-JS implementation of the paper equations`, () => {
      const g = layer(c.kind, c.convention);
      const out = g.apply(xT, maskT, attT);
      const expected = referenceRun(g, x, mask, c.gate, att, c.scaleInput === true);
      const got = out.states.arraySync();
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++)
          for (let k = 0; k < H; k++) {
            assert.ok(
              Math.abs(got[b][t][k] - expected[b][t][k]) < 1e-5,
              `b${b} t${t} k${k}: ${got[b][t][k]} vs ${expected[b][t][k]}`,
            );
          }
      // final = state after the last real behaviour
      const fin = out.final.arraySync();
      lengths.forEach((len, b) => assert.ok(Math.abs(fin[b][0] - expected[b][len - 1][0]) < 1e-5));
      tf.dispose([out.states, out.final]);
      g.inputKernel.dispose();
      g.recurrentKernel.dispose();
      g.bias.dispose();
    });

    it(
      `${c.kind} (${c.convention}) gradients match finite differences (float32: eps ` +
        `1e-2, |err| <= 2e-3 + 2e-2|g|)`,
      () => {
        const store = new ParameterStore(5);
        const g = new GruLayer(store, 'gru', { inputSize: D, hiddenSize: H, kind: c.kind, convention: c.convention });
        const xv = tf.variable(xT.clone());
        const av = tf.variable(attT.clone());
        const weights = uniformTensor(new Rng(2), [B, T, H]);
        const loss = (): tf.Scalar =>
          tf.tidy(() => {
            const { states, final } = g.apply(xv as unknown as tf.Tensor3D, maskT, av as unknown as tf.Tensor2D);
            return states.mul(weights).sum().add(final.square().sum()) as tf.Scalar;
          });
        const targets = [xv, ...store.trainable().map((p) => p.variable)];
        if (c.kind !== 'GRU') targets.push(av);
        assertGradientsMatch(loss, targets, { label: `${c.kind}/${c.convention}` });
        store.dispose();
        tf.dispose([xv, av, weights]);
      },
    );
  }

  for (const c of cases) {
    it(
      `${c.kind} (${c.convention}): the fused recurrence (hand-written BPTT) equals tf ` +
        `autodiff in values and gradients (1e-5)`,
      () => {
        const run = (implementation: 'fused' | 'autodiff') => {
          const store = new ParameterStore(21);
          const g = new GruLayer(store, 'gru', {
            inputSize: D,
            hiddenSize: H,
            kind: c.kind,
            convention: c.convention,
            implementation,
          });
          const xv = tf.variable(xT.clone());
          const av = tf.variable(attT.clone());
          const weights = uniformTensor(new Rng(22), [B, T, H]);
          const vars = [xv, av, ...store.trainable().map((p) => p.variable)];
          const { value, grads } = tf.variableGrads(() => {
            const out = g.apply(xv as unknown as tf.Tensor3D, maskT, av as unknown as tf.Tensor2D);
            return out.states.mul(weights).sum().add(out.final.sum()) as tf.Scalar;
          }, vars);
          return { value, grads: vars.map((v) => grads[v.name]) };
        };
        const fused = run('fused');
        const auto = run('autodiff');
        assert.ok(Math.abs(fused.value.dataSync()[0] - auto.value.dataSync()[0]) < 1e-5);
        fused.grads.forEach((gf, i) => {
          if (c.kind === 'GRU' && i === 1) return; // attention unused by a plain GRU
          assert.ok(gf && auto.grads[i], `gradient ${i} missing`);
          assert.ok(maxDiff(gf, auto.grads[i]) < 1e-5, `${c.kind}/${c.convention} gradient ${i}`);
        });
      },
    );
  }

  it('AUGRU with a_t = 1 (paper convention) equals a plain GRU; AIGRU with a_t = 1 equals a plain GRU', () => {
    const ones = tf.onesLike(attT) as tf.Tensor2D;
    const gru = layer('GRU').apply(xT, maskT);
    for (const kind of ['AUGRU', 'AIGRU'] as GruKind[]) {
      const out = layer(kind).apply(xT, maskT, ones);
      assert.ok(maxDiff(out.states, gru.states) < 1e-6, kind);
    }
    // official AUGRU: a_t = 0 is the plain GRU step
    const official = layer('AUGRU', 'official').apply(xT, maskT, tf.zerosLike(attT) as tf.Tensor2D);
    assert.ok(maxDiff(official.states, gru.states) < 1e-6);
  });

  it('AUGRU and AGRU with a_t = 0 keep the state (paper convention); AGRU with a_t = 1 returns the candidate', () => {
    // a = 1 at steps 0, 1, 3; a = 0 at steps 2 and 4 -> state at 2 equals state at 1, 4 equals 3.
    const pattern = tf.tensor2d([
      [1, 1, 0, 1, 0],
      [1, 1, 0, 1, 0],
    ]);
    const full = tf.ones([B, T]) as tf.Tensor2D;
    for (const kind of ['AUGRU', 'AGRU'] as GruKind[]) {
      const s = layer(kind).apply(xT, full, pattern).states.arraySync();
      for (let b = 0; b < B; b++) {
        assert.ok(
          s[b][1].some((v) => Math.abs(v) > 1e-3),
          'state after step 1 is not trivially zero',
        );
        assert.deepEqual(s[b][2], s[b][1], `${kind}: a=0 changed the state`);
        assert.deepEqual(s[b][4], s[b][3], `${kind}: a=0 changed the state`);
      }
    }
    // AGRU with a = 1: h_t = candidate(h_{t-1}); the reference with update weight 1.
    const g = layer('AGRU');
    const states = g.apply(xT, full, full as tf.Tensor2D).states.arraySync();
    const expected = referenceRun(
      g,
      x,
      [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1],
      ],
      () => 1,
    );
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let k = 0; k < H; k++) assert.ok(Math.abs(states[b][t][k] - expected[b][t][k]) < 1e-5);
    // official AUGRU with a = 1 overwrites with the candidate too
    const off = layer('AUGRU', 'official').apply(xT, full, full as tf.Tensor2D).states;
    const agru = layer('AGRU').apply(xT, full, full as tf.Tensor2D).states;
    assert.ok(maxDiff(off, agru) < 1e-6);
  });

  it('padded steps leave the state unchanged and extra padding changes nothing', () => {
    for (const kind of ['GRU', 'AUGRU', 'AGRU', 'AIGRU'] as GruKind[]) {
      const g = layer(kind);
      const out = g.apply(xT, maskT, attT);
      const s = out.states.arraySync();
      for (let t = 3; t < T; t++) assert.deepEqual(s[1][t], s[1][2], `${kind}: padded step ${t} moved the state`);
      // Append 3 more padded steps with garbage inputs and attention.
      const xPad = tf.concat([xT, uniformTensor(new Rng(4), [B, 3, D])], 1) as tf.Tensor3D;
      const aPad = tf.concat([attT, uniformTensor(new Rng(5), [B, 3], 0, 1)], 1) as tf.Tensor2D;
      const mPad = maskFromLengths(lengths, T + 3);
      const padded = g.apply(xPad, mPad, aPad);
      assert.ok(maxDiff(padded.final, out.final) < 1e-6, kind);
      assert.ok(maxDiff(padded.states.slice([0, 0, 0], [B, T, H]), out.states) < 1e-6, kind);
    }
  });

  it('a length-1 sequence is differentiable in both implementations (tfjs unstack of a size-1 axis)', () => {
    for (const implementation of ['fused', 'autodiff'] as const) {
      const store = new ParameterStore(3);
      const g = new GruLayer(store, 'gru', { inputSize: D, hiddenSize: H, kind: 'AUGRU', implementation });
      const x1 = tf.variable(xT.slice([0, 0, 0], [B, 1, D]));
      const { grads } = tf.variableGrads(
        () =>
          g
            .apply(
              x1 as unknown as tf.Tensor3D,
              tf.ones([B, 1]) as tf.Tensor2D,
              tf.ones([B, 1]).mul(0.5) as tf.Tensor2D,
            )
            .final.sum() as tf.Scalar,
        [x1],
      );
      assert.ok(grads[x1.name].abs().sum().dataSync()[0] > 0, implementation);
    }
  });

  it('rejects bad input naming the layer and the offending value', () => {
    const g = layer('AUGRU');
    assert.throws(() => g.apply(xT, maskT), /^Error: GruLayer\(gru\)\.apply: AUGRU needs attention scores \[B, T\]$/);
    assert.throws(
      () => g.apply(tf.zeros([B, T, D + 1]) as tf.Tensor3D, maskT, attT),
      /^Error: GruLayer\(gru\)\.apply: inputs \[B, T, D\] must have D = 3, got shape \[2,5,4\]$/,
    );
    assert.throws(
      () => new GruLayer(new ParameterStore(1), 'g', { inputSize: 2, hiddenSize: 2, kind: 'LSTM' as GruKind }),
      /^Error: GruLayer\(g\): kind must be one of GRU, AIGRU, AGRU, AUGRU, got LSTM$/,
    );
  });

  it('leaks no tensors', () => {
    const g = layer('AUGRU', 'paper', 9);
    const before = tf.memory().numTensors;
    const out = g.apply(xT, maskT, attT);
    tf.dispose([out.states, out.final]);
    assert.equal(tf.memory().numTensors, before);
  });
});

/**
 * DMIN against its official code: a causal refiner under the auxiliary loss, forward position
 * ids, one LayerNorm per interest head, and the code's auxiliary-loss scale (src/models/dmin.ts).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { DminModel, DMIN_DEFAULTS } from '../../src/models/dmin';
import { DienModel } from '../../src/models/dien';
import { ParameterStore } from '../../src/layers/params';
import { AuxiliaryLoss } from '../../src/layers/auxLoss';
import { forwardPositions } from '../../src/layers/multiInterest';
import { padBatch, TINY_SIZES, tinyBatch } from '../helpers/batches';
import { maxDiff } from '../helpers/maxDiff';
import { maskFromLengths, randomTensor, uniformTensor } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

const small = { mlp: { hidden: [16, 8] } };

describe('DMIN refiner under the auxiliary loss (src/models/dmin.ts)', () => {
  it('default config: refined z_t is unchanged when e_{t+1..T} change, for every t (whole refiner block)', () => {
    const model = new DminModel({ ...small }, TINY_SIZES, 1);
    const refiner = model.refiner;
    assert.ok(refiner, 'the default DMIN has a refiner');
    const B = 3;
    const T = 6;
    const D = refiner.size;
    const rng = new Rng(21);
    const e = randomTensor([B, T, D], rng) as tf.Tensor3D;
    const full = tf.ones([B, T]) as tf.Tensor2D;
    const base = refiner.apply(e, full);
    for (let t = 0; t + 1 < T; t++) {
      const changed = tf.concat(
        [e.slice([0, 0, 0], [B, t + 1, D]), randomTensor([B, T - t - 1, D], rng)],
        1,
      ) as tf.Tensor3D;
      const out = refiner.apply(changed, full);
      const past = maxDiff(out.slice([0, 0, 0], [B, t + 1, D]), base.slice([0, 0, 0], [B, t + 1, D]));
      assert.ok(past < 1e-5, `z_0..z_${t} moved by ${past} when e_${t + 1}.. changed`);
      // the changed steps themselves do move (the perturbation is real)
      assert.ok(
        maxDiff(out.slice([0, t + 1, 0], [B, T - t - 1, D]), base.slice([0, t + 1, 0], [B, T - t - 1, D])) > 1e-2,
      );
      tf.dispose([changed, out]);
    }
    tf.dispose([e, full, base]);
    model.dispose();
  });

  it('auxiliary task alone on unpredictable next items: the per-pair loss does not fall below chance 2 ln 2', () => {
    // Items are i.i.d. uniform and the negative is uniform among the other items, so for any
    // score that depends only on the past, E[-log s(pos) - log(1 - s(neg))] >= 2 ln 2. A refiner
    // whose z_t sees e_{t+1} beats it by copying.
    const model = new DminModel({ ...small }, TINY_SIZES, 3);
    const refiner = model.refiner;
    assert.ok(refiner);
    const D = refiner.size;
    const aux = new AuxiliaryLoss(new ParameterStore(4), 'aux', {
      stateSize: D,
      embeddingSize: D,
      reduction: 'perStep',
    });
    const V = 200;
    const B = 32;
    const T = 6;
    const rng = new Rng(5);
    const table = tf.tidy(() => randomTensor([V, D], rng).div(Math.sqrt(D))) as tf.Tensor2D;
    const makeBatch = (): { e: tf.Tensor3D; neg: tf.Tensor3D; mask: tf.Tensor2D } => {
      const pos = new Int32Array(B * T);
      const neg = new Int32Array(B * T);
      const lengths: number[] = [];
      for (let b = 0; b < B; b++) {
        lengths.push(rng.int(2, T + 1));
        for (let t = 0; t < T; t++) {
          pos[b * T + t] = rng.int(0, V);
          neg[b * T + t] = (pos[b * T + t] + rng.int(1, V)) % V;
        }
      }
      return tf.tidy(() => ({
        e: tf.gather(table, tf.tensor1d(pos, 'int32')).reshape([B, T, D]) as tf.Tensor3D,
        neg: tf.gather(table, tf.tensor1d(neg, 'int32')).reshape([B, T, D]) as tf.Tensor3D,
        mask: maskFromLengths(lengths, T),
      }));
    };
    const lossOf = (x: { e: tf.Tensor3D; neg: tf.Tensor3D; mask: tf.Tensor2D }): tf.Scalar =>
      aux.apply(refiner.apply(x.e, x.mask), x.e, x.neg, x.mask);
    const vars = model.params
      .trainable()
      .filter((p) => p.name.startsWith('dmin/refiner/'))
      .map((p) => p.variable);
    assert.ok(vars.length > 0);
    const optimizer = tf.train.adam(0.01);
    for (let step = 0; step < 60; step++) {
      const x = makeBatch();
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => lossOf(x), vars);
        optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      });
      tf.dispose([x.e, x.neg, x.mask]);
    }
    // Fresh batches: mean per-pair loss and its standard error across batches.
    const values: number[] = [];
    for (let i = 0; i < 16; i++) {
      const x = makeBatch();
      values.push(tf.tidy(() => lossOf(x).dataSync()[0]));
      tf.dispose([x.e, x.neg, x.mask]);
    }
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const se = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) / values.length);
    const chance = 2 * Math.LN2;
    assert.ok(
      mean > chance - 4 * se - 1e-3,
      `per-pair aux loss ${mean.toFixed(4)} (se ${se.toFixed(4)}) is below chance ` +
        `${chance.toFixed(4)}: the refiner sees the next item`,
    );
    optimizer.dispose();
    tf.dispose(table);
    model.dispose();
  });

  it('refuses the auxiliary loss with a non-causal refiner, naming both fields', () => {
    assert.throws(
      () => new DminModel({ refinerCausal: false }, TINY_SIZES, 1),
      /dmin config: auxWeight > 0 needs refinerCausal: true/,
    );
    assert.throws(
      () => new DminModel({ refinerCausal: false, auxWeight: 0.5 }, TINY_SIZES, 1),
      /refinerCausal: false, auxWeight: 0\.5/,
    );
    // without the auxiliary loss a non-causal refiner is a valid ablation
    new DminModel({ refinerCausal: false, refinerPaddingMask: true, auxWeight: 0 }, TINY_SIZES, 1).dispose();
    assert.equal(DMIN_DEFAULTS.refinerCausal, true);
    assert.ok(DMIN_DEFAULTS.auxWeight > 0, 'the default config has the auxiliary loss on, and is valid');
  });

  it("refuses refinerMaskMode 'addOne' with the auxiliary loss; accepts it without, with either padding mask", () => {
    assert.equal(DMIN_DEFAULTS.refinerMaskMode, 'block');
    assert.throws(
      () => new DminModel({ refinerMaskMode: 'addOne', auxWeight: 0.5 }, TINY_SIZES, 1),
      /dmin config: auxWeight > 0 needs refinerMaskMode: 'block' \(got refinerMaskMode: 'addOne', auxWeight: 0\.5\)/,
    );
    for (const refinerPaddingMask of [true, false]) {
      const model = new DminModel({ refinerMaskMode: 'addOne', refinerPaddingMask, auxWeight: 0 }, TINY_SIZES, 1);
      assert.equal(model.refiner?.maskMode, 'addOne');
      model.dispose();
    }
  });
});

describe('DMIN wiring as in the official code (src/models/dmin.ts, src/layers/multiInterest.ts)', () => {
  it('default position ids count forward (step t -> t), as tf.range(maxlen) over post-padded histories', () => {
    assert.deepEqual([...forwardPositions(Int32Array.from([3, 1]), 4, 100)], [0, 1, 2, 3, 0, 1, 2, 3]);
    assert.deepEqual([...forwardPositions(Int32Array.from([4]), 4, 2)], [0, 1, 1, 1]);
    const model = new DminModel({ ...small, auxWeight: 0 }, TINY_SIZES, 2);
    const batch = tinyBatch(8, { negatives: true });
    const inputs = model.prepare(batch);
    const { interests } = model.interests(inputs);
    const expected = tf.tidy(() => {
      const history = inputs.history();
      const refined = (model.refiner as NonNullable<typeof model.refiner>).apply(history, inputs.mask);
      const ids = tf.tensor2d(forwardPositions(batch.histLen, batch.maxLen, 100), [batch.size, batch.maxLen], 'int32');
      return model.extractor.apply(refined, inputs.target(), inputs.mask, ids).interests;
    });
    assert.ok(maxDiff(interests, expected) < 1e-6);
    tf.dispose([interests, expected]);
    inputs.dispose();
    model.dispose();
  });

  it('one LayerNorm per interest head: head 1 gamma moves only head 1; checkpoints carry each', () => {
    const model = new DminModel({ ...small, auxWeight: 0, interestHeads: 2 }, TINY_SIZES, 2);
    const names = model.getWeights().weights.map((w) => w.name);
    for (const h of [0, 1]) {
      assert.ok(
        names.includes(`dmin/interests/head${h}/norm/gamma`) && names.includes(`dmin/interests/head${h}/norm/beta`),
        `head ${h} LayerNorm in the checkpoint`,
      );
    }
    assert.equal(model.extractor.norms.length, 2);
    const z = uniformTensor(new Rng(3), [2, 4, model.extractor.size]) as tf.Tensor3D;
    const target = uniformTensor(new Rng(4), [2, model.extractor.targetSize]) as tf.Tensor2D;
    const mask = maskFromLengths([4, 2], 4);
    const ids = tf.tensor2d(forwardPositions(Int32Array.from([4, 2]), 4, 100), [2, 4], 'int32');
    const before = model.extractor.apply(z, target, mask, ids).headSequences;
    tf.tidy(() => model.extractor.norms[1].gamma.assign(tf.fill([model.extractor.size], 2)));
    const after = model.extractor.apply(z, target, mask, ids).headSequences;
    assert.ok(maxDiff(after.slice([0], [1]), before.slice([0], [1])) < 1e-7, 'head 0 unchanged');
    assert.ok(maxDiff(after.slice([1], [1]), before.slice([1], [1])) > 1e-2, 'head 1 changed');
    model.dispose();
  });
});

describe("auxReduction 'official': the padded length each official code uses", () => {
  function auxOf(model: DminModel | DienModel, batch: ReturnType<typeof tinyBatch>): number {
    const inputs = model.prepare(batch);
    const out = model.forward(inputs, true); // the auxiliary loss exists in training only
    const v = (out.auxLoss as tf.Scalar).dataSync()[0];
    tf.dispose([out.logit, out.auxLoss as tf.Scalar]);
    inputs.dispose();
    return v;
  }

  it('DMIN (padded to maxlen) scales with 1/(T - 1) of the padded batch; DIEN ignores extra padding', () => {
    const batch = tinyBatch(9, { size: 16, maxLen: 6, negatives: true });
    const wider = padBatch(batch, 4);
    const dmin = new DminModel({ ...small, auxReduction: 'official' }, TINY_SIZES, 1);
    const a = auxOf(dmin, batch);
    const b = auxOf(dmin, wider);
    assert.ok(Math.abs(b * (10 - 1) - a * (6 - 1)) < 1e-4 * Math.abs(a), `dmin ${a} at T=6 vs ${b} at T=10`);
    dmin.dispose();
    const dien = new DienModel({ ...small, auxReduction: 'official' }, TINY_SIZES, 1);
    const c = auxOf(dien, batch);
    const d = auxOf(dien, wider);
    assert.ok(Math.abs(c - d) < 1e-5 * Math.abs(c), `dien ${c} vs ${d}`);
    dien.dispose();
  });
});

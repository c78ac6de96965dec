import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import type { CtrModel } from '../../src/models/model';
import { DienModel } from '../../src/models/dien';
import { DminModel } from '../../src/models/dmin';
import { DhanModel } from '../../src/models/dhan';
import { trainStep } from '../../src/train/step';
import { createOptimizer } from '../../src/train/optimizers';
import { SIZES, tinyBatch, withExtraPadding } from './seq-fixtures';

before(async () => {
  await useBestBackend({ quiet: true });
});

type Variant = { label: string; make: () => CtrModel };

const small = { mlp: { hidden: [16, 8] } };
const VARIANTS: Variant[] = [
  { label: 'dien default (AUGRU + aux)', make: () => new DienModel({ ...small }, SIZES, 1) },
  ...(['attention', 'AIGRU', 'AGRU', 'AUGRU'] as const).map((evolution) => ({ label: `dien ${evolution} auxWeight 0`, make: () => new DienModel({ ...small, evolution, auxWeight: 0 }, SIZES, 1) })),
  { label: 'dien official gate + activation-unit attention + mlp aux', make: () => new DienModel({ ...small, gateConvention: 'official', evolutionAttention: 'activationUnit', auxScorer: 'mlp', auxReduction: 'official' }, SIZES, 1) },
  { label: 'dmin default', make: () => new DminModel({ ...small }, SIZES, 1) },
  { label: 'dmin no refiner, no aux', make: () => new DminModel({ ...small, refiner: false, auxWeight: 0 }, SIZES, 1) },
  { label: 'dmin non-causal refiner (padding mask), no aux', make: () => new DminModel({ ...small, auxWeight: 0, refinerCausal: false, refinerPaddingMask: true }, SIZES, 1) },
  {
    label: 'dmin official options (refiner scale and no FFN LayerNorm, causal heads with FFN, mlp aux official)',
    make: () => new DminModel({ ...small, refinerScale: 'official', refinerFfnLayerNorm: false, interestCausal: true, interestScale: 'official', interestFfn: true, auxScorer: 'mlp', auxReduction: 'official' }, SIZES, 1),
  },
  { label: 'dmin reverse positions', make: () => new DminModel({ ...small, positionOrder: 'reverse' }, SIZES, 1) },
  ...[1, 2, 8].map((h) => ({ label: `dmin H_E ${h}`, make: () => new DminModel({ ...small, interestHeads: h }, SIZES, 1) })),
  { label: 'dmin no position encoding', make: () => new DminModel({ ...small, positionEncoding: false }, SIZES, 1) },
  { label: 'dhan simplified', make: () => new DhanModel({ ...small }, SIZES, 1) },
  { label: 'dhan flat', make: () => new DhanModel({ ...small, pooling: 'flat' }, SIZES, 1) },
  { label: 'dhan no remedy', make: () => new DhanModel({ ...small, remedy: false }, SIZES, 1) },
  { label: 'dhan general [[0, 1]]', make: () => new DhanModel({ ...small, dimensions: [[0, 1]] }, SIZES, 1) },
  { label: 'dhan two dimensions [[0], [1]]', make: () => new DhanModel({ ...small, dimensions: [[0], [1]] }, SIZES, 1) },
  { label: 'dhan on DIEN', make: () => new DhanModel({ ...small, onDien: true }, SIZES, 1) },
];

function logits(model: CtrModel, batch: ReturnType<typeof tinyBatch>): Float32Array {
  const inputs = model.prepare(batch);
  try {
    const out = model.forward(inputs, false);
    const v = out.logit.dataSync() as Float32Array;
    tf.dispose([out.logit, out.auxLoss as tf.Tensor]);
    return Float32Array.from(v);
  } finally {
    inputs.dispose();
  }
}

describe('sequence models (src/models/{dien,dmin,dhan}.ts)', () => {
  for (const v of VARIANTS) {
    it(`${v.label}: extra padding leaves logits unchanged (1e-5); training lowers the loss without leaking tensors`, () => {
      const model = v.make();
      const batch = tinyBatch(3);
      const a = logits(model, batch);
      const b = logits(model, withExtraPadding(batch, 4));
      assert.equal(a.length, batch.size);
      for (let i = 0; i < a.length; i++) assert.ok(Number.isFinite(a[i]) && Math.abs(a[i] - b[i]) < 1e-5, `${v.label} row ${i}: ${a[i]} vs ${b[i]}`);
      // One "epoch" over 4 batches, 3 passes; the mean loss of the last pass must be below the first.
      const batches = [0, 1, 2, 3].map((s) => tinyBatch(100 + s));
      const optimizer = createOptimizer({ kind: 'adam', learningRate: 0.01 });
      const passes: number[] = [];
      let tensorsAfterWarmup = -1;
      for (let pass = 0; pass < 3; pass++) {
        let sum = 0;
        for (const bt of batches) {
          const r = trainStep(model, bt, optimizer);
          assert.ok(Number.isFinite(r.loss), `${v.label}: loss ${r.loss}`);
          sum += r.loss;
          if (tensorsAfterWarmup < 0) tensorsAfterWarmup = tf.memory().numTensors;
        }
        passes.push(sum / batches.length);
      }
      assert.equal(tf.memory().numTensors, tensorsAfterWarmup, `${v.label}: tensors leaked`);
      assert.ok(passes[2] < passes[0], `${v.label}: mean loss ${passes.map((p) => p.toFixed(4)).join(' -> ')} did not decrease`);
      model.dispose();
    });
  }
});

describe('sequence models: checkpoints and config errors', () => {
  it('getWeights / setWeights round-trips every parameter (a second model with another seed gives identical logits)', () => {
    const makers: ((seed: number) => CtrModel)[] = [
      (seed) => new DienModel({ ...small }, SIZES, seed),
      (seed) => new DminModel({ ...small, interestHeads: 2 }, SIZES, seed),
      (seed) => new DminModel({ ...small, interestHeads: 2, interestFfn: true }, SIZES, seed),
      (seed) => new DhanModel({ ...small, dimensions: [[0, 1]], onDien: true }, SIZES, seed),
    ];
    const batch = tinyBatch(7);
    for (const make of makers) {
      const a = make(1);
      const b = make(2);
      const la = logits(a, batch);
      const before = logits(b, batch);
      assert.ok(la.some((v, i) => Math.abs(v - before[i]) > 1e-6), `${a.name}: different seeds should give different logits`);
      b.setWeights(a.getWeights());
      const lb = logits(b, batch);
      la.forEach((v, i) => assert.ok(Math.abs(v - lb[i]) < 1e-6, `${a.name} row ${i}`));
      a.dispose();
      b.dispose();
    }
  });

  it('rejects unknown fields and impossible combinations with the file name', () => {
    assert.throws(() => new DienModel({ evolution: 'LSTM' } as never, SIZES, 1), /InterestEvolution\(.*\): evolution must be one of .*, got LSTM/);
    assert.throws(() => new DienModel({ gru: 'AUGRU' } as never, SIZES, 1), /dien config: unknown config field "gru"/);
    assert.throws(() => new DminModel({ refiner: false }, SIZES, 1), /dmin config: auxWeight > 0 needs the behaviour refiner/);
    assert.throws(() => new DminModel({ positionOrder: 'backward' } as never, SIZES, 1), /dmin config: positionOrder must be .*, got backward/);
    assert.throws(() => new DminModel({ refinerHeads: 5 }, SIZES, 1), /MultiHeadSelfAttention\(.*\): heads must be/);
    assert.throws(() => new DhanModel({ dimensions: [[0, 7]] }, SIZES, 1), /dhan config: dimensions must be/);
  });
});

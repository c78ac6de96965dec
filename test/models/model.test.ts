/**
 * What every model of the kit honours: padding invariance, a short training smoke test of every
 * model and ablation value (loss finite and falling, no tensor leak), the save/load round trip,
 * the registry and config errors; the auxiliary loss of DIEN, DMIN and DHAN only in training.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import type { Batch } from '../../src/data/batch';
import { createModel, CtrModel, DhanModel, DienModel, DinModel, DminModel, MODEL_NAMES } from '../../src/models';
import { createOptimizer, OptimizerSpec } from '../../src/train/optimizers';
import { predict, trainStep, TrainStepOptions } from '../../src/train/step';
import { padBatch, TINY_SIZES, tinyBatch, tinyBatches } from '../helpers/batches';
import { maxDiff } from '../helpers/maxDiff';

before(async () => {
  await useBestBackend({ quiet: true });
});

const CORE = ['lr', 'base', 'wdl', 'pnn', 'deepfm', 'din'] as const;

/** Every baseline and DIN with each ablation value, as [label, model, config overrides]. */
const VARIANTS: [string, string, object][] = [
  ['lr', 'lr', {}],
  ['lr mean', 'lr', { pooling: 'mean' }],
  ['base sum', 'base', { pooling: 'sum' }],
  ['base mean', 'base', { pooling: 'mean' }],
  ['base product', 'base', { productFeature: true }],
  ['base user feature', 'base', { embedding: { userDim: 4 } }],
  ['wdl', 'wdl', {}],
  ['pnn', 'pnn', {}],
  ['deepfm', 'deepfm', {}],
  ['deepfm user', 'deepfm', { embedding: { userDim: 18 } }],
  ['din (dice, none)', 'din', {}],
  ['din prelu', 'din', { mlp: { activation: 'prelu' } }],
  ['din relu', 'din', { mlp: { activation: 'relu' } }],
  ['din sigmoid', 'din', { mlp: { activation: 'sigmoid' } }],
  ['din dice batchAlways', 'din', { mlp: { dice: { statistics: 'batchAlways' } } }],
  ['din softmax', 'din', { attention: { normalize: 'softmax', scale: 1 / 6 } }],
  ['din attention dice', 'din', { attention: { activation: 'dice' } }],
  ['din attention concat', 'din', { attention: { firstLayer: 'concat' } }],
  ['din bn none', 'din', { mlp: { batchNorm: 'none' } }],
  ['din bn hidden', 'din', { mlp: { batchNorm: 'hidden' } }],
  ['din bn official', 'din', { mlp: { batchNormMode: 'officialInference' } }],
  ['din dropout', 'din', { mlp: { dropout: 0.2 } }],
  ['din two levels', 'din', { embedding: { catLevels: 2 } }],
  ['din history sum (DIEN code)', 'din', { historySum: true }],
];

describe('padding invariance', () => {
  for (const [label, name, config] of VARIANTS) {
    it(`${label}: extra padded positions leave the logits unchanged (1e-5)`, () => {
      const batch = tinyBatch(21, { size: 8, maxLen: 6 });
      const longer = padBatch(batch, 4);
      const m = createModel(name, config, TINY_SIZES, 1);
      for (const training of [false, true]) {
        if (training && label.includes('dropout')) continue;
        const run = (b: typeof batch) => {
          const inputs = m.prepare(b);
          const logit = tf.tidy(() => m.forward(inputs, training).logit.dataSync());
          inputs.dispose();
          return logit;
        };
        assert.ok(maxDiff(run(batch), run(longer)) < 1e-5, `training ${training}`);
      }
      m.dispose();
    });
  }
});

describe('training smoke test', () => {
  const batches = tinyBatches(8, 5, { size: 16, maxLen: 8 });
  const run = (name: string, config: object, spec: OptimizerSpec, options: TrainStepOptions = {}) => {
    const m = createModel(name, config, TINY_SIZES, 2);
    const opt = createOptimizer(spec);
    const epochMeans: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      let sum = 0;
      for (const b of batches) {
        const r = trainStep(m, b, opt, options);
        assert.ok(Number.isFinite(r.loss) && Number.isFinite(r.gradNorm));
        assert.equal(r.auxLoss, 0);
        sum += r.loss;
      }
      epochMeans.push(sum / batches.length);
    }
    const before = tf.memory().numTensors;
    trainStep(m, batches[0], opt, options);
    predict(m, batches[1]);
    const after = tf.memory().numTensors;
    m.dispose();
    return { epochMeans, before, after };
  };
  for (const [label, name, config] of VARIANTS) {
    it(`${label}: loss finite and falling, no tensor leak`, () => {
      const { epochMeans, before, after } = run(name, config, { kind: 'adam', learningRate: 0.01 });
      assert.ok(epochMeans[1] < epochMeans[0], `epoch means ${epochMeans}`);
      assert.equal(after, before, 'tensors alive after a step and a prediction');
    });
  }
  for (const spec of [
    { kind: 'sgd', learningRate: 0.5 },
    { kind: 'adagrad', learningRate: 0.1 },
  ] as OptimizerSpec[]) {
    it(`din with ${spec.kind}, MBA regularization and clipping: loss falling`, () => {
      const counts = { items: Array.from({ length: 41 }, (_, i) => 1 + (i % 7)), cats: [[1, 5, 5, 5, 5, 5]] };
      const { epochMeans, before, after } = run('din', {}, spec, {
        embeddingRegularization: { kind: 'mba', lambda: 0.01, counts },
        clipNorm: 5,
        l2: 1e-5,
      });
      assert.ok(epochMeans[1] < epochMeans[0], `epoch means ${epochMeans}`);
      assert.equal(after, before);
    });
  }
});

describe('checkpoints', () => {
  for (const name of CORE) {
    it(`${name}: getWeights -> setWeights on a fresh model gives identical predictions`, () => {
      const batches = tinyBatches(3, 9, { size: 8, maxLen: 5 });
      const a = createModel(name, {}, TINY_SIZES, 1);
      const opt = createOptimizer({ kind: 'adam', learningRate: 0.01 });
      for (const b of batches) trainStep(a, b, opt);
      const b = createModel(name, {}, TINY_SIZES, 77);
      assert.ok(
        maxDiff(predict(a, batches[0]), predict(b, batches[0])) > 1e-6,
        'different seeds differ before loading',
      );
      const saved = a.getWeights();
      // moving averages and tables are in the checkpoint
      assert.ok(saved.weights.some((w) => w.name === 'embedding.items'));
      if (name !== 'lr') assert.ok(saved.weights.some((w) => !w.trainable && w.name.endsWith('movingMean')));
      b.setWeights(saved);
      assert.deepEqual(Array.from(predict(b, batches[1])), Array.from(predict(a, batches[1])));
      assert.throws(
        () => b.setWeights({ ...saved, model: name === 'din' ? 'base' : 'din' }),
        /checkpoint is for model/,
      );
      a.dispose();
      b.dispose();
    });
  }
});

describe('registry', () => {
  it('creates every model of the kit by name, rejects unknown names and fields', () => {
    for (const name of MODEL_NAMES) {
      const m = createModel(name, undefined, TINY_SIZES, 1);
      assert.equal(m.name, name);
      m.dispose();
    }
    for (const name of CORE) {
      const m = createModel(name, undefined, TINY_SIZES, 1);
      assert.equal(m.name, name);
      assert.equal(m.config.embedding.itemDim, 18);
      m.dispose();
    }
    assert.throws(() => createModel('xdeepfm', {}, TINY_SIZES, 1), /unknown model "xdeepfm"/);
    assert.throws(() => createModel('din', { atention: {} }, TINY_SIZES, 1), /unknown config field "atention"/);
    assert.throws(() => createModel('din', { mlp: { hiden: [1] } }, TINY_SIZES, 1), /unknown config field "hiden"/);
    // inherited names are not config fields (an `in` check accepted them)
    assert.throws(() => createModel('din', { constructor: 1 }, TINY_SIZES, 1), /unknown config field "constructor"/);
    assert.throws(
      () => createModel('din', { mlp: { toString: 'x' } }, TINY_SIZES, 1),
      /unknown config field "toString"/,
    );
    assert.throws(
      () => createModel('din', JSON.parse('{"__proto__": {"hidden": [1]}}'), TINY_SIZES, 1),
      /unknown config field "__proto__"/,
    );
    assert.throws(
      () => createModel('din', JSON.parse('{"mlp": {"hasOwnProperty": 1}}'), TINY_SIZES, 1),
      /unknown config field "hasOwnProperty"/,
    );
    assert.throws(() => createModel('base', { pooling: 'max' }, TINY_SIZES, 1), /pooling/);
    assert.throws(() => createModel('deepfm', { embedding: { catDim: 4 } }, TINY_SIZES, 1), /itemDim = catDim/);
  });

  it('resolved config keeps defaults and overrides, and is deterministic per seed', () => {
    const a = createModel('din', { mlp: { hidden: [7] } }, TINY_SIZES, 3) as DinModel;
    const b = createModel('din', { mlp: { hidden: [7] } }, TINY_SIZES, 3);
    assert.deepEqual(a.config.mlp.hidden, [7]);
    assert.equal(a.config.mlp.activation, 'dice');
    assert.deepEqual(a.config.attention.hidden, [80, 40]);
    const batch = tinyBatch(1, { size: 4, maxLen: 3 });
    assert.deepEqual(Array.from(predict(a, batch)), Array.from(predict(b, batch)));
    a.dispose();
    b.dispose();
  });
});

/** DIEN, DMIN and DHAN with each ablation value. */
type SequenceVariant = { label: string; make: () => CtrModel };

const smallSequence = { mlp: { hidden: [16, 8] } };
const SEQUENCE_VARIANTS: SequenceVariant[] = [
  { label: 'dien default (AUGRU + aux)', make: () => new DienModel({ ...smallSequence }, TINY_SIZES, 1) },
  ...(['attention', 'AIGRU', 'AGRU', 'AUGRU'] as const).map((evolution) => ({
    label: `dien ${evolution} auxWeight 0`,
    make: () => new DienModel({ ...smallSequence, evolution, auxWeight: 0 }, TINY_SIZES, 1),
  })),
  {
    label: 'dien official gate + activation-unit attention + mlp aux',
    make: () =>
      new DienModel(
        {
          ...smallSequence,
          gateConvention: 'official',
          evolutionAttention: 'activationUnit',
          auxScorer: 'mlp',
          auxReduction: 'official',
        },
        TINY_SIZES,
        1,
      ),
  },
  { label: 'dmin default', make: () => new DminModel({ ...smallSequence }, TINY_SIZES, 1) },
  {
    label: 'dmin no refiner, no aux',
    make: () => new DminModel({ ...smallSequence, refiner: false, auxWeight: 0 }, TINY_SIZES, 1),
  },
  {
    label: 'dmin non-causal refiner (padding mask), no aux',
    make: () =>
      new DminModel({ ...smallSequence, auxWeight: 0, refinerCausal: false, refinerPaddingMask: true }, TINY_SIZES, 1),
  },
  {
    label: 'dmin official options (refiner scale and no FFN LayerNorm, causal heads with FFN, mlp aux official)',
    make: () =>
      new DminModel(
        {
          ...smallSequence,
          refinerScale: 'official',
          refinerFfnLayerNorm: false,
          interestCausal: true,
          interestScale: 'official',
          interestFfn: true,
          auxScorer: 'mlp',
          auxReduction: 'official',
        },
        TINY_SIZES,
        1,
      ),
  },
  {
    label: 'dmin reverse positions',
    make: () => new DminModel({ ...smallSequence, positionOrder: 'reverse' }, TINY_SIZES, 1),
  },
  ...[1, 2, 8].map((h) => ({
    label: `dmin H_E ${h}`,
    make: () => new DminModel({ ...smallSequence, interestHeads: h }, TINY_SIZES, 1),
  })),
  {
    label: 'dmin no position encoding',
    make: () => new DminModel({ ...smallSequence, positionEncoding: false }, TINY_SIZES, 1),
  },
  { label: 'dhan simplified', make: () => new DhanModel({ ...smallSequence }, TINY_SIZES, 1) },
  { label: 'dhan flat', make: () => new DhanModel({ ...smallSequence, pooling: 'flat' }, TINY_SIZES, 1) },
  { label: 'dhan no remedy', make: () => new DhanModel({ ...smallSequence, remedy: false }, TINY_SIZES, 1) },
  {
    label: 'dhan general [[0, 1]]',
    make: () => new DhanModel({ ...smallSequence, dimensions: [[0, 1]] }, TINY_SIZES, 1),
  },
  {
    label: 'dhan two dimensions [[0], [1]]',
    make: () => new DhanModel({ ...smallSequence, dimensions: [[0], [1]] }, TINY_SIZES, 1),
  },
  { label: 'dhan on DIEN', make: () => new DhanModel({ ...smallSequence, onDien: true }, TINY_SIZES, 1) },
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
  for (const v of SEQUENCE_VARIANTS) {
    it(
      `${v.label}: extra padding leaves logits unchanged (1e-5); training lowers the ` + `loss without leaking tensors`,
      () => {
        const model = v.make();
        const batch = tinyBatch(3, { negatives: true });
        const a = logits(model, batch);
        const b = logits(model, padBatch(batch, 4));
        assert.equal(a.length, batch.size);
        for (let i = 0; i < a.length; i++)
          assert.ok(Number.isFinite(a[i]) && Math.abs(a[i] - b[i]) < 1e-5, `${v.label} row ${i}: ${a[i]} vs ${b[i]}`);
        // One "epoch" over 4 batches, 3 passes; the mean loss of the last pass must be below the first.
        const batches = [0, 1, 2, 3].map((s) => tinyBatch(100 + s, { negatives: true }));
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
        assert.ok(
          passes[2] < passes[0],
          `${v.label}: mean loss ${passes.map((p) => p.toFixed(4)).join(' -> ')} did not decrease`,
        );
        model.dispose();
      },
    );
  }
});

describe('sequence models: checkpoints and config errors', () => {
  it("getWeights / setWeights round-trips every parameter (another seed's model gives same logits)", () => {
    const makers: ((seed: number) => CtrModel)[] = [
      (seed) => new DienModel({ ...smallSequence }, TINY_SIZES, seed),
      (seed) => new DminModel({ ...smallSequence, interestHeads: 2 }, TINY_SIZES, seed),
      (seed) => new DminModel({ ...smallSequence, interestHeads: 2, interestFfn: true }, TINY_SIZES, seed),
      (seed) => new DhanModel({ ...smallSequence, dimensions: [[0, 1]], onDien: true }, TINY_SIZES, seed),
    ];
    const batch = tinyBatch(7, { negatives: true });
    for (const make of makers) {
      const a = make(1);
      const b = make(2);
      const la = logits(a, batch);
      const before = logits(b, batch);
      assert.ok(
        la.some((v, i) => Math.abs(v - before[i]) > 1e-6),
        `${a.name}: different seeds should give different logits`,
      );
      b.setWeights(a.getWeights());
      const lb = logits(b, batch);
      la.forEach((v, i) => assert.ok(Math.abs(v - lb[i]) < 1e-6, `${a.name} row ${i}`));
      a.dispose();
      b.dispose();
    }
  });

  it('rejects unknown fields and impossible combinations with the file name', () => {
    assert.throws(
      () => new DienModel({ evolution: 'LSTM' } as never, TINY_SIZES, 1),
      /InterestEvolution\(.*\): evolution must be one of .*, got LSTM/,
    );
    assert.throws(
      () => new DienModel({ gru: 'AUGRU' } as never, TINY_SIZES, 1),
      /dien config: unknown config field "gru"/,
    );
    assert.throws(
      () => new DminModel({ refiner: false }, TINY_SIZES, 1),
      /dmin config: auxWeight > 0 needs the behaviour refiner/,
    );
    assert.throws(
      () => new DminModel({ positionOrder: 'backward' } as never, TINY_SIZES, 1),
      /dmin config: positionOrder must be .*, got backward/,
    );
    assert.throws(
      () => new DminModel({ refinerHeads: 5 }, TINY_SIZES, 1),
      /MultiHeadSelfAttention\(.*\): heads must be/,
    );
    assert.throws(() => new DhanModel({ dimensions: [[0, 7]] }, TINY_SIZES, 1), /dhan config: dimensions must be/);
  });
});

/**
 * The auxiliary loss is a training objective only: scoring (forward with training = false)
 * computes none, needs no auxiliary negatives, and gives the same logits with or without them
 * in the batch. Training still returns it.
 */
const smallAux = { mlp: { hidden: [8, 4] } };
const AUX_VARIANTS: [string, () => CtrModel][] = [
  ['dien AUGRU + aux', () => new DienModel({ ...smallAux, auxWeight: 1 }, TINY_SIZES, 3)],
  [
    'dien official attention + mlp aux',
    () =>
      new DienModel(
        { ...smallAux, hiddenSize: 8, auxWeight: 1, evolutionAttention: 'activationUnit', auxScorer: 'mlp' },
        TINY_SIZES,
        3,
      ),
  ],
  ['dmin + aux', () => new DminModel({ ...smallAux, auxWeight: 1 }, TINY_SIZES, 3)],
  ['dhan on DIEN + aux', () => new DhanModel({ ...smallAux, onDien: true }, TINY_SIZES, 3)],
];

function withoutNegatives(b: Batch): Batch {
  const { negHistItems: _items, negHistCats: _cats, ...rest } = b;
  return rest;
}

/** Runs forward(prepare(batch), training) and returns the logits and the aux loss value (undefined if none). */
function forwardOnce(model: CtrModel, batch: Batch, training: boolean): { logits: Float32Array; aux?: number } {
  const inputs = model.prepare(batch);
  try {
    return tf.tidy(() => {
      const out = model.forward(inputs, training);
      return { logits: out.logit.dataSync() as Float32Array, aux: out.auxLoss?.dataSync()[0] };
    });
  } finally {
    inputs.dispose();
  }
}

describe('auxiliary loss only when training', () => {
  for (const [label, make] of AUX_VARIANTS) {
    it(`${label}: scoring returns no auxLoss and the same logits without negatives`, () => {
      const model = make();
      try {
        const batch = tinyBatch(11, { size: 8, maxLen: 6, negatives: true });
        assert.ok(batch.negHistItems, 'the fixture batch carries negatives');
        const withNeg = forwardOnce(model, batch, false);
        assert.equal(withNeg.aux, undefined, 'forward(inputs, false) must not return an auxLoss');
        const noNeg = forwardOnce(model, withoutNegatives(batch), false);
        assert.equal(noNeg.aux, undefined);
        assert.deepEqual(Array.from(noNeg.logits), Array.from(withNeg.logits));
        const trained = forwardOnce(model, batch, true);
        assert.ok(
          trained.aux !== undefined && Number.isFinite(trained.aux) && trained.aux > 0,
          `training returns the aux loss, got ${trained.aux}`,
        );
      } finally {
        model.dispose();
      }
    });
  }
});

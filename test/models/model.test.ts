/**
 * LR, BaseModel, Wide&Deep, PNN, DeepFM and DIN: padding invariance, a short training smoke
 * test of every model and ablation value (loss finite and falling, no tensor leak), save/load
 * round trip, the registry.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { createModel, DinModel, MODEL_NAMES } from '../../src/models';
import { createOptimizer, OptimizerSpec } from '../../src/train/optimizers';
import { predict, trainStep, TrainStepOptions } from '../../src/train/step';
import { maxDiff, padBatch, tinyBatches, TINY_SIZES } from '../layers/helpers';

before(async () => {
  await useBestBackend({ quiet: true });
});

const CORE = ['lr', 'base', 'wdl', 'pnn', 'deepfm', 'din'] as const;

/** Every model and ablation value of this area, as [label, model, config overrides]. */
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
      const [batch] = tinyBatches(1, 8, 6, 21);
      const longer = padBatch(batch, 10);
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
  const batches = tinyBatches(8, 16, 8, 5);
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
  for (const spec of [{ kind: 'sgd', learningRate: 0.5 }, { kind: 'adagrad', learningRate: 0.1 }] as OptimizerSpec[]) {
    it(`din with ${spec.kind}, MBA regularization and clipping: loss falling`, () => {
      const counts = { items: Array.from({ length: 41 }, (_, i) => 1 + (i % 7)), cats: [[1, 5, 5, 5, 5, 5]] };
      const { epochMeans, before, after } = run('din', {}, spec, { embeddingRegularization: { kind: 'mba', lambda: 0.01, counts }, clipNorm: 5, l2: 1e-5 });
      assert.ok(epochMeans[1] < epochMeans[0], `epoch means ${epochMeans}`);
      assert.equal(after, before);
    });
  }
});

describe('checkpoints', () => {
  for (const name of CORE) {
    it(`${name}: getWeights -> setWeights on a fresh model gives identical predictions`, () => {
      const batches = tinyBatches(3, 8, 5, 9);
      const a = createModel(name, {}, TINY_SIZES, 1);
      const opt = createOptimizer({ kind: 'adam', learningRate: 0.01 });
      for (const b of batches) trainStep(a, b, opt);
      const b = createModel(name, {}, TINY_SIZES, 77);
      assert.ok(maxDiff(predict(a, batches[0]), predict(b, batches[0])) > 1e-6, 'different seeds differ before loading');
      const saved = a.getWeights();
      // moving averages and tables are in the checkpoint
      assert.ok(saved.weights.some((w) => w.name === 'embedding.items'));
      if (name !== 'lr') assert.ok(saved.weights.some((w) => !w.trainable && w.name.endsWith('movingMean')));
      b.setWeights(saved);
      assert.deepEqual(Array.from(predict(b, batches[1])), Array.from(predict(a, batches[1])));
      assert.throws(() => b.setWeights({ ...saved, model: name === 'din' ? 'base' : 'din' }), /checkpoint is for model/);
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
    assert.throws(() => createModel('din', { mlp: { toString: 'x' } }, TINY_SIZES, 1), /unknown config field "toString"/);
    assert.throws(() => createModel('din', JSON.parse('{"__proto__": {"hidden": [1]}}'), TINY_SIZES, 1), /unknown config field "__proto__"/);
    assert.throws(() => createModel('din', JSON.parse('{"mlp": {"hasOwnProperty": 1}}'), TINY_SIZES, 1), /unknown config field "hasOwnProperty"/);
    assert.throws(() => createModel('base', { pooling: 'max' }, TINY_SIZES, 1), /pooling/);
    assert.throws(() => createModel('deepfm', { embedding: { catDim: 4 } }, TINY_SIZES, 1), /itemDim = catDim/);
  });

  it('resolved config keeps defaults and overrides, and is deterministic per seed', () => {
    const a = createModel('din', { mlp: { hidden: [7] } }, TINY_SIZES, 3) as DinModel;
    const b = createModel('din', { mlp: { hidden: [7] } }, TINY_SIZES, 3);
    assert.deepEqual(a.config.mlp.hidden, [7]);
    assert.equal(a.config.mlp.activation, 'dice');
    assert.deepEqual(a.config.attention.hidden, [80, 40]);
    const [batch] = tinyBatches(1, 4, 3, 1);
    assert.deepEqual(Array.from(predict(a, batch)), Array.from(predict(b, batch)));
    a.dispose();
    b.dispose();
  });
});

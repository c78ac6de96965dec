import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useBestBackend } from '../../src/backend';
import { loadDataset } from '../../src/data';
import type { Dataset } from '../../src/data/types';
import { createModel } from '../../src/models';
import type { EpochMetrics } from '../../src/train/outcome';
import { loadCheckpoint, readCheckpoint, saveCheckpoint } from '../../src/train/checkpoint';
import { evaluateSplit } from '../../src/train/evaluate';
import { stepOptionsFor, trainModel } from '../../src/train/trainer';
import { learningRateAt, resolveTrainConfig, TrainConfig } from '../../src/train/trainConfig';

let tiny: Dataset | undefined;
async function tinyDataset(): Promise<Dataset> {
  await useBestBackend({ quiet: true });
  tiny ??= await loadDataset('synthetic:default:tiny', { seed: 7 });
  return tiny;
}

const SMALL_TRAIN: Partial<TrainConfig> = { epochs: 2, batchSize: 64, maxStepsPerEpoch: 6, maxEvalRows: 300 };

/**
 * A new model `name` for `dataset`, trained with `train`; initialisation seed `initSeed`, shuffle seed `shuffleSeed`
 * (default: the same).
 */
async function train(name: string, dataset: Dataset, config: TrainConfig, initSeed: number, shuffleSeed = initSeed) {
  const model = createModel(name, {}, dataset.sizes, initSeed);
  try {
    return { outcome: await trainModel(model, dataset, config, { shuffleSeed }), model };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** History without wall-clock fields (which legitimately differ between runs). */
function metricsOnly(history: EpochMetrics[]) {
  return history.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
}

test('learning-rate presets: DIN drop at step, DIEN halving per epoch, DMIN constant', () => {
  const din = resolveTrainConfig({}, 'din');
  assert.equal(din.optimizer, 'sgd');
  assert.equal(learningRateAt(din, 0, 335999), 1);
  assert.equal(learningRateAt(din, 4, 336000), 0.1);
  const dien = resolveTrainConfig({}, 'dien');
  assert.equal(dien.optimizer, 'adam');
  assert.deepEqual(
    [0, 1, 2].map((e) => learningRateAt(dien, e, 0)),
    [1e-3, 5e-4, 2.5e-4],
  );
  const dmin = resolveTrainConfig({}, 'dmin');
  assert.equal(learningRateAt(dmin, 2, 10000), 1e-3);
  assert.throws(
    () => resolveTrainConfig({ selectOn: 'train' as never }),
    /train\.selectOn = "train"; expected 'valid', 'test' or 'last'/,
  );
  assert.throws(
    () => resolveTrainConfig({}, 'xyz' as never),
    /unknown preset "xyz"; expected one of: din, dien, dmin, dhan/,
  );
});

test('train options reach the step: MBA/L2, clipping', async () => {
  const dataset = await tinyDataset();
  const train = resolveTrainConfig({ dropout: 0.5, auxWeight: 0.3, mba: 0.01, clipNorm: 5 });
  const step = stepOptionsFor(train, dataset);
  assert.equal(step.clipNorm, 5);
  assert.equal(step.embeddingRegularization?.kind, 'mba');
  assert.equal(stepOptionsFor(resolveTrainConfig({ l2: 0.1 }), dataset).embeddingRegularization?.kind, 'l2');
  assert.throws(
    () => stepOptionsFor(resolveTrainConfig({ l2: 0.1, mba: 0.1 }), dataset),
    /trainModel: train\.mba = 0\.1 and train\.l2 = 0\.1 are both > 0; expected at most one embedding regularizer/,
  );
});

test('determinism: same seed -> identical metrics to the last digit; another seed differs', async () => {
  const dataset = await tinyDataset();
  const config = resolveTrainConfig(SMALL_TRAIN, 'dien');
  const run = async (seed: number, shuffleSeed = seed) => {
    const { outcome, model } = await train('din', dataset, config, seed, shuffleSeed);
    model.dispose();
    return outcome;
  };
  const a = await run(3);
  const b = await run(3);
  assert.deepEqual(metricsOnly(a.history), metricsOnly(b.history));
  assert.equal(a.best.test.auc, b.best.test.auc);
  assert.equal(a.history.length, 2);
  assert.equal(a.history[0].steps, 6);
  assert.ok(a.history[0].valid && a.history[0].test);
  assert.equal(a.history[1].learningRate, 5e-4);
  assert.ok(
    a.testAucCi && a.testAucCi.lower <= a.best.test.auc && a.best.test.auc <= a.testAucCi.upper,
    JSON.stringify(a.testAucCi),
  );
  assert.deepEqual(a.testAucCi, b.testAucCi);
  const c = await run(4);
  assert.notDeepEqual(metricsOnly(c.history), metricsOnly(a.history));
  // the initialisation seed and the shuffle seed each change the run on their own
  const otherOrder = await run(3, 4);
  assert.notDeepEqual(metricsOnly(otherOrder.history), metricsOnly(a.history));
  assert.notDeepEqual(metricsOnly(otherOrder.history), metricsOnly(c.history));
});

test('model selection: best epoch on valid by default, on test when asked, error without a valid split', async () => {
  const dataset = await tinyDataset();
  const config = resolveTrainConfig({ ...SMALL_TRAIN, epochs: 3 }, 'dien');
  const { outcome, model } = await train('base', dataset, config, 1);
  const valid = outcome.history.map((h) => h.valid!.auc);
  assert.equal(outcome.bestEpoch, valid.indexOf(Math.max(...valid)));
  assert.equal(outcome.selectedOn, 'valid');
  // the returned model holds the best epoch's weights
  const rescored = evaluateSplit(model, dataset, 'test', config.evalBatchSize, config.maxEvalRows);
  assert.equal(rescored.auc, outcome.best.test.auc);
  model.dispose();
  const onTest = await train('base', dataset, { ...config, selectOn: 'test' }, 1);
  const test = onTest.outcome.history.map((h) => h.test!.auc);
  assert.equal(onTest.outcome.bestEpoch, test.indexOf(Math.max(...test)));
  onTest.model.dispose();
  const noValid = await loadDataset('synthetic:default:tiny', { seed: 7, validFraction: 0 });
  await assert.rejects(
    train('base', noValid, config, 1),
    /trainModel: selectOn is 'valid' but dataset synthetic:default:tiny has an empty valid split/,
  );
  // 'last': no selection, no valid split needed; the model holds the last epoch's weights
  const last = await train('base', noValid, { ...config, selectOn: 'last' }, 1);
  assert.equal(last.outcome.bestEpoch, 2);
  assert.equal(last.outcome.selectedOn, 'last');
  assert.deepEqual(last.outcome.best.test, last.outcome.history[2].test);
  assert.equal(
    evaluateSplit(last.model, noValid, 'test', config.evalBatchSize, config.maxEvalRows).auc,
    last.outcome.best.test.auc,
  );
  last.model.dispose();
});

test('the caller owns the model: trainModel refuses other vocabularies or a bad seed, never disposes it', async () => {
  const dataset = await tinyDataset();
  const config = resolveTrainConfig({ ...SMALL_TRAIN, epochs: 1 }, 'dien');
  const model = createModel('base', {}, { ...dataset.sizes, items: dataset.sizes.items + 1 }, 1);
  try {
    await assert.rejects(
      trainModel(model, dataset, config, { shuffleSeed: 1 }),
      /trainModel: model base was built for vocabularies .*"items":\d+.*; expected a model created with the dataset's sizes/,
    );
    await assert.rejects(
      trainModel(model, dataset, config, { shuffleSeed: 1.5 }),
      /trainModel: shuffleSeed = 1\.5; expected an integer/,
    );
    const noValid = await loadDataset('synthetic:default:tiny', { seed: 7, validFraction: 0 });
    const fits = createModel('base', {}, noValid.sizes, 1);
    await assert.rejects(trainModel(fits, noValid, config, { shuffleSeed: 1 }), /empty valid split/);
    assert.ok(fits.getWeights().weights.length > 0, 'the model is still usable after a failed training');
    fits.dispose();
  } finally {
    model.dispose();
  }
});

test('checkpoints: round trip, corrupted weights, mismatched dataset', async () => {
  const dataset = await tinyDataset();
  const config = resolveTrainConfig({ ...SMALL_TRAIN, epochs: 1 }, 'dien');
  const { model } = await train('din', dataset, config, 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-ckpt-'));
  try {
    const before = evaluateSplit(model, dataset, 'test', 128);
    saveCheckpoint(dir, {
      model,
      modelOptions: {},
      sizes: dataset.sizes,
      seed: 2,
      dataset: { name: dataset.name, checksum: dataset.checksum, maxLen: dataset.maxLen, levels: dataset.levels },
    });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['checkpoint.json', 'weights.bin']);
    const loaded = loadCheckpoint(dir, dataset.sizes);
    assert.deepEqual(evaluateSplit(loaded.model, dataset, 'test', 128), before);
    loaded.model.dispose();
    // mismatched vocabularies
    assert.throws(
      () => loadCheckpoint(dir, { ...dataset.sizes, items: dataset.sizes.items + 1 }),
      /does not match the dataset/,
    );
    // flip one byte of the weights
    const file = path.join(dir, 'weights.bin');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    assert.throws(() => readCheckpoint(dir), /corrupted or incomplete: weights\.bin does not match the SHA-256/);
    fs.writeFileSync(file, bytes.subarray(0, 100));
    assert.throws(() => readCheckpoint(dir), /weights\.bin has 100 bytes/);
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), '{"format": "dil-checkpoint/1", ');
    assert.throws(() => readCheckpoint(dir), /checkpoint\.json is not valid JSON/);
    assert.throws(() => readCheckpoint(path.join(dir, 'nope')), /no checkpoint\.json/);
  } finally {
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoints saved with the old name auxLoss of the auxiliary-loss weight still load, as auxWeight', async () => {
  const dataset = await tinyDataset();
  const small = { hiddenSize: 4, auxScorer: 'mlp' as const };
  const cases = [
    { name: 'dmin', options: { auxWeight: 0.25, mlp: { hidden: [4] } }, old: { auxLoss: 0.25, mlp: { hidden: [4] } } },
    {
      name: 'dhan',
      options: { onDien: true, dien: { ...small, auxWeight: 0.25 } },
      old: { onDien: true, dien: { ...small, auxLoss: 0.25 } },
    },
  ];
  for (const { name, options, old } of cases) {
    const model = createModel(name, options, dataset.sizes, 2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-ckpt-old-'));
    try {
      saveCheckpoint(dir, {
        model,
        modelOptions: options,
        sizes: dataset.sizes,
        seed: 2,
        dataset: { name: dataset.name, checksum: dataset.checksum, maxLen: dataset.maxLen, levels: dataset.levels },
      });
      // rewrite checkpoint.json as an older version of the kit wrote it
      const metaFile = path.join(dir, 'checkpoint.json');
      fs.writeFileSync(
        metaFile,
        JSON.stringify({ ...JSON.parse(fs.readFileSync(metaFile, 'utf8')), modelOptions: old }),
      );
      const loaded = loadCheckpoint(dir, dataset.sizes);
      assert.deepEqual(loaded.meta.modelOptions, options, name);
      assert.equal(loaded.model.auxWeight, 0.25, name);
      assert.deepEqual(
        evaluateSplit(loaded.model, dataset, 'test', 128, 64),
        evaluateSplit(model, dataset, 'test', 128, 64),
        name,
      );
      loaded.model.dispose();
    } finally {
      model.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

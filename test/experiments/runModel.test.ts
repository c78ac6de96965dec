import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBestBackend } from '../../src/backend';
import { loadDataset } from '../../src/data';
import { resolveRunConfig } from '../../src/experiments/runConfig';
import { modelOptionsForRun, trainRun } from '../../src/experiments/runModel';
import { createModel } from '../../src/models';
import { trainModel } from '../../src/train/trainer';
import { resolveTrainConfig } from '../../src/train/trainConfig';

test('modelOptionsForRun forwards train.dropout and train.auxWeight where they apply; explicit options win', () => {
  const train = resolveTrainConfig({ dropout: 0.5, auxWeight: 0.3 });
  const options = (model: string, modelOptions: Record<string, unknown> = {}) =>
    modelOptionsForRun({ model, modelOptions, train });
  assert.deepEqual(options('din'), { mlp: { dropout: 0.5 } });
  assert.deepEqual(options('dien'), { mlp: { dropout: 0.5 }, auxWeight: 0.3 });
  assert.deepEqual(options('dmin', { auxWeight: 0, mlp: { dropout: 0.1 } }), { mlp: { dropout: 0.1 }, auxWeight: 0 });
  assert.deepEqual(options('dhan'), { mlp: { dropout: 0.5 } });
  assert.deepEqual(options('dhan', { onDien: true, dien: { hiddenSize: 8 } }), {
    onDien: true,
    dien: { hiddenSize: 8, auxWeight: 0.3 },
    mlp: { dropout: 0.5 },
  });
  assert.deepEqual(options('lr'), {});
  const noDropout = resolveTrainConfig({ auxWeight: 1 });
  assert.deepEqual(modelOptionsForRun({ model: 'dien', modelOptions: { evolution: 'AGRU' }, train: noDropout }), {
    evolution: 'AGRU',
    auxWeight: 1,
  });
});

test('trainRun = createModel with the run seed, then trainModel with the run seed as shuffle seed', async () => {
  await useBestBackend({ quiet: true });
  const config = resolveRunConfig({
    model: 'dien',
    modelOptions: { hiddenSize: 36, mlp: { hidden: [8] } },
    dataset: 'synthetic:default:tiny',
    train: { epochs: 1, batchSize: 64, maxStepsPerEpoch: 4, maxEvalRows: 200, bootstrapResamples: 20, auxWeight: 0.5 },
    trainPreset: 'dien',
    seed: 5,
  });
  const dataset = await loadDataset(config.dataset, { seed: 5 });
  const viaRun = await trainRun(config, dataset);
  assert.equal(viaRun.model.auxWeight, 0.5);
  assert.ok(viaRun.outcome.history[0].auxLoss! > 0, 'the auxiliary loss is trained');
  const model = createModel('dien', { hiddenSize: 36, mlp: { hidden: [8] }, auxWeight: 0.5 }, dataset.sizes, 5);
  const direct = await trainModel(model, dataset, config.train, { shuffleSeed: 5 });
  const strip = (o: typeof direct) => ({
    ...o,
    wallSeconds: 0,
    samplesPerSecond: 0,
    history: o.history.map((h) => ({ ...h, seconds: 0, samplesPerSecond: 0 })),
  });
  assert.deepEqual(strip(viaRun.outcome), strip(direct));
  viaRun.model.dispose();
  model.dispose();
});

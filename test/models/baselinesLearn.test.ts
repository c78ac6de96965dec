/**
 * Every baseline learns at its defaults: default model config and the training preset
 * `dil train` picks for it, 300 steps on the built-in synthetic data. The held-out log loss must
 * beat the constant predictor (the positive rate), and the AUC must be clearly above chance
 * (LR excepted: its clicks depend on how target and history match, which a linear unit cannot
 * see, so it only must not diverge). Under the DIN repo's SGD at lr 1.0 the sum-pooled linear
 * parts of LR, Wide&Deep and DeepFM diverge: test log loss 6.7, 5.4 and 6.9 (docs/findings/baselines.md).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { defaultPresetFor } from '../../src/cli/commands/train';
import type { Dataset } from '../../src/data/types';
import { loadDataset } from '../../src/data/load';
import { createModel } from '../../src/models';
import { trainModel } from '../../src/train/trainer';
import { resolveTrainConfig } from '../../src/train/trainConfig';

let dataset: Dataset;

before(async () => {
  await useBestBackend({ quiet: true });
  dataset = await loadDataset('synthetic');
});

/** Log loss of always predicting the rate p of positives. */
const constantLogloss = (p: number): number => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));

describe('baselines learn at their defaults (synthetic, 300 steps)', () => {
  for (const name of ['lr', 'base', 'wdl', 'pnn', 'deepfm']) {
    it(`${name}: held-out log loss below the constant predictor's${name === 'lr' ? '' : ', AUC > 0.56'}`, async () => {
      const train = resolveTrainConfig(
        { epochs: 1, maxStepsPerEpoch: 300, maxEvalRows: 2000, bootstrapResamples: 0 },
        defaultPresetFor(name),
      );
      const model = createModel(name, {}, dataset.sizes, 1);
      const outcome = await trainModel(model, dataset, train, { shuffleSeed: 1 });
      model.dispose();
      const test = outcome.best.test;
      const where =
        `${name} (${train.optimizer} lr ${train.learningRate}): test AUC ` +
        `${test.auc.toFixed(3)}, log loss ${test.logloss.toFixed(3)}`;
      const rate = dataset.stats().positiveShare;
      assert.ok(
        test.logloss < constantLogloss(rate),
        `${where}; constant predictor ${constantLogloss(rate).toFixed(3)}`,
      );
      if (name !== 'lr') assert.ok(test.auc > 0.56, where);
    });
  }
});

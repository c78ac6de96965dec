/**
 * The one trainer for every model: epochs of `trainStep` over the shuffled training split
 * with the configured optimizer and learning-rate schedule, regularization and clipping;
 * after each epoch the validation and test splits are scored; the best epoch is chosen on
 * `selectOn` (validation by default) and its weights are restored into the model at the end.
 *
 * The caller builds the model (its initialisation seed is createModel's) and owns it: the
 * trainer only updates its weights. Model options are the model's: `train.dropout` and
 * `train.auxWeight` reach a model only through the options it is built with, as runs do it
 * (src/experiments/runModel.ts).
 *
 *   const model = createModel('din', {}, dataset.sizes, 1);
 *   const outcome = await trainModel(model, dataset, resolveTrainConfig({}, 'din'), { shuffleSeed: 1 });
 *   outcome.best.test.auc; outcome.history[0].trainLoss; model.dispose();
 */
import { sameFeatureSizes } from '../data/batch';
import type { Dataset } from '../data/types';
import type { CtrModel, ModelWeights } from '../models/model';
import { autoProgressSink, ProgressBar, ProgressSink, silentSink } from '../progress';
import { bootstrapAucCi } from '../metrics';
import { evaluateSplit, scoreSplit } from './evaluate';
import type { EpochMetrics, SplitMetrics, TrainOutcome } from './outcome';
import { createOptimizer } from './optimizers';
import { EmbeddingRegularization, trainStep, TrainStepOptions } from './step';
import { learningRateAt, TrainConfig, validateTrainConfig } from './trainConfig';

export interface TrainModelOptions {
  /**
   * Seed of the training order (the shuffle of each epoch) and of the bootstrap resamples.
   * The model's initialisation seed is the one it was created with; a run uses its seed for both.
   */
  shuffleSeed: number;
  /** Called after each epoch with its metrics (training curves). */
  onEpoch?: (metrics: EpochMetrics) => void;
  /** Progress sink for the per-epoch bars; default silent (`true` = automatic). */
  progress?: ProgressSink | boolean;
}

/** Step options (L2 / MBA / clipping) from the train config and the dataset's counts. */
export function stepOptionsFor(train: TrainConfig, dataset: Dataset): TrainStepOptions {
  const options: TrainStepOptions = {};
  if (train.clipNorm > 0) options.clipNorm = train.clipNorm;
  let regularization: EmbeddingRegularization | undefined;
  if (train.mba > 0 && train.l2 > 0) {
    throw new Error(
      `trainModel: train.mba = ${train.mba} and train.l2 = ${train.l2} are both > 0; ` +
        `expected at most one embedding regularizer`,
    );
  }
  if (train.mba > 0)
    regularization = { kind: 'mba', lambda: train.mba, counts: { items: dataset.itemCounts, cats: dataset.catCounts } };
  else if (train.l2 > 0) regularization = { kind: 'l2', lambda: train.l2 };
  if (regularization) options.embeddingRegularization = regularization;
  return options;
}

function better(candidate: SplitMetrics, best: SplitMetrics | undefined, metric: 'auc' | 'gauc'): boolean {
  if (!best) return true;
  const c = candidate[metric];
  const b = best[metric];
  if (Number.isNaN(b)) return !Number.isNaN(c);
  return c > b;
}

/**
 * Trains `model` on `dataset` with `train`; see the module comment. On return the model holds
 * the weights of the best epoch. The model stays the caller's, also when training throws.
 */
export async function trainModel(
  model: CtrModel,
  dataset: Dataset,
  train: TrainConfig,
  options: TrainModelOptions,
): Promise<TrainOutcome> {
  validateTrainConfig(train);
  if (!Number.isInteger(options.shuffleSeed))
    throw new Error(`trainModel: shuffleSeed = ${JSON.stringify(options.shuffleSeed)}; expected an integer`);
  const hasValid = dataset.splitSize('valid') > 0;
  if (train.selectOn === 'valid' && !hasValid) {
    throw new Error(
      `trainModel: selectOn is 'valid' but dataset ${dataset.name} has an empty valid split; ` +
        "load it with validFraction > 0 or choose selectOn 'test' (official-code behaviour)",
    );
  }
  if (!sameFeatureSizes(model.sizes, dataset.sizes)) {
    throw new Error(
      `trainModel: model ${model.name} was built for vocabularies ` +
        `${JSON.stringify(model.sizes)}, dataset ${dataset.name} has ` +
        `${JSON.stringify(dataset.sizes)}; expected a model created with the dataset's ` +
        `sizes (createModel(name, options, dataset.sizes, seed))`,
    );
  }
  if (dataset.splitSize('train') === 0)
    throw new Error(`trainModel: dataset ${dataset.name} has an empty train split; expected at least one training row`);
  const sink: ProgressSink =
    options.progress === true
      ? autoProgressSink()
      : options.progress === false || options.progress === undefined
        ? silentSink
        : options.progress;
  const optimizer = createOptimizer({
    kind: train.optimizer,
    learningRate: train.learningRate,
    embeddingAdam: train.embeddingAdam,
  });
  const stepOptions = stepOptionsFor(train, dataset);
  const seed = options.shuffleSeed;
  // auxiliary-loss negatives are drawn only for models that score them
  const needsAux = model.auxWeight > 0;
  const history: EpochMetrics[] = [];
  let bestEpoch = -1;
  let bestSelected: SplitMetrics | undefined;
  let bestWeights: ModelWeights | undefined;
  let trainSeconds = 0;
  let trainSamples = 0;
  let testAucCi: TrainOutcome['testAucCi'];
  const started = performance.now();
  const stepsPerEpochFull = dataset.numBatches('train', train.batchSize);
  const stepsPerEpoch =
    train.maxStepsPerEpoch > 0 ? Math.min(train.maxStepsPerEpoch, stepsPerEpochFull) : stepsPerEpochFull;
  for (let epoch = 0; epoch < train.epochs; epoch++) {
    const bar = new ProgressBar({
      label: `epoch ${epoch + 1}/${train.epochs}`,
      total: stepsPerEpoch,
      unit: 'steps',
      sink,
    });
    const epochStart = performance.now();
    let steps = 0;
    let samples = 0;
    let lossSum = 0;
    let auxSum = 0;
    let sawAux = false;
    let learningRate = learningRateAt(train, epoch, optimizer.step);
    for (const batch of dataset.batches('train', train.batchSize, {
      shuffle: true,
      seed,
      epoch,
      auxNegatives: needsAux,
    })) {
      learningRate = learningRateAt(train, epoch, optimizer.step);
      optimizer.learningRate = learningRate;
      const result = trainStep(model, batch, optimizer, stepOptions);
      steps++;
      samples += batch.size;
      lossSum += result.loss;
      auxSum += result.auxLoss;
      if (result.auxLoss !== 0) sawAux = true;
      bar.tick(1, `loss ${(lossSum / steps).toFixed(4)}`);
      if (steps >= stepsPerEpoch) break;
      // let a notebook or a progress timer breathe between steps
      if (steps % 50 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const seconds = (performance.now() - epochStart) / 1000;
    bar.finish(`loss ${(lossSum / Math.max(1, steps)).toFixed(4)}`);
    trainSeconds += seconds;
    trainSamples += samples;
    const metrics: EpochMetrics = {
      epoch,
      trainLoss: lossSum / Math.max(1, steps),
      learningRate,
      steps,
      samples,
      seconds,
      samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    };
    if (sawAux) metrics.auxLoss = auxSum / Math.max(1, steps);
    if (hasValid) metrics.valid = evaluateSplit(model, dataset, 'valid', train.evalBatchSize, train.maxEvalRows);
    metrics.test = evaluateSplit(model, dataset, 'test', train.evalBatchSize, train.maxEvalRows);
    history.push(metrics);
    options.onEpoch?.(metrics);
    const selected = train.selectOn === 'valid' ? metrics.valid! : metrics.test;
    if (train.selectOn === 'last' || better(selected, bestSelected, train.selectMetric)) {
      bestSelected = selected;
      bestEpoch = epoch;
      if (epoch < train.epochs - 1) bestWeights = model.getWeights();
      else bestWeights = undefined; // the model already holds them
    }
  }
  if (bestWeights) model.setWeights(bestWeights);
  if (train.bootstrapResamples > 0) {
    const scores = scoreSplit(model, dataset, 'test', train.evalBatchSize, train.maxEvalRows);
    const ci = bootstrapAucCi(scores.labels, scores.probabilities, { resamples: train.bootstrapResamples, seed });
    testAucCi = { lower: ci.lower, upper: ci.upper, level: ci.level, resamples: ci.resamples };
  }
  const best = history[bestEpoch];
  const outcome: TrainOutcome = {
    history,
    bestEpoch,
    selectedOn: train.selectOn,
    best: { ...(best.valid ? { valid: best.valid } : {}), test: best.test! },
    samplesPerSecond: trainSeconds > 0 ? trainSamples / trainSeconds : 0,
    wallSeconds: (performance.now() - started) / 1000,
  };
  if (testAucCi) outcome.testAucCi = testAucCi;
  return outcome;
}

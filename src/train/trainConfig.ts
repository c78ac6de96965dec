/**
 * Training configuration of one run, its defaults and the optimizer/schedule presets of the
 * official code. One trainer serves every model; everything here is plain JSON so that the
 * resolved config is saved with each result.
 */

import type { EmbeddingAdam } from './optimizers';

export type OptimizerName = 'sgd' | 'adam';

/** Learning-rate schedule (applied before each step). */
export type LearningRateSchedule =
  /** Fixed learning rate. */
  | { kind: 'constant' }
  /**
   * `learningRate` until global step `step` (0-based steps done), `then` afterwards (DIN repo: 1.0 -> 0.1 at 336000).
   */
  | { kind: 'dropAtStep'; step: number; then: number }
  /** learningRate * factor^epoch (DIEN repo: factor 0.5, halved after each epoch). */
  | { kind: 'epochDecay'; factor: number };

/** Which split picks the best epoch; 'last' keeps the last epoch (no model selection). */
export type SelectionSplit = 'valid' | 'test' | 'last';

export interface TrainConfig {
  optimizer: OptimizerName;
  learningRate: number;
  /**
   * Adam on the embedding tables: 'dense' (default) decays every row's moments at every step,
   * as TF1's AdamOptimizer in the official DIEN/DMIN code and PyTorch's Adam; 'lazy' moves only
   * the rows of the batch (TF LazyAdam). No effect with SGD. Measured against the FuxiCTR peer:
   * docs/findings/agreement.md.
   */
  embeddingAdam: EmbeddingAdam;
  schedule: LearningRateSchedule;
  batchSize: number;
  /** Batch size for scoring (no gradient). */
  evalBatchSize: number;
  epochs: number;
  /** Clip gradients by global norm (DIN repo: 5); 0 disables. */
  clipNorm: number;
  /**
   * Dropout rate in the MLP, 0 disables. A model option: a run forwards it into the model's
   * `mlp.dropout` (src/experiments/runModel.ts); trainModel trains the model as it was built.
   */
  dropout: number;
  /** Plain L2 on embeddings actually used in the batch (lambda), 0 disables. */
  l2: number;
  /** Mini-batch aware regularization lambda (DIN paper eq. 4; 0.01 in the paper), 0 disables. */
  mba: number;
  /**
   * Weight alpha of the auxiliary loss (DIEN: 1), 0 disables. A model option: a run forwards
   * it into the model's `auxWeight` (DHAN on DIEN: `dien.auxWeight`); trainModel uses the
   * model's own `auxWeight`.
   */
  auxWeight: number;
  /**
   * Split used to pick the best epoch. Default 'valid' (carved from the training users).
   * Porting note: the official repos select on the test set ('test'); every report of a run with
   * selectOn 'test' carries a flag saying so. 'last' reports the last epoch (FuxiCTR protocol
   * without a validation split).
   */
  selectOn: SelectionSplit;
  /** Metric that selects the best epoch. */
  selectMetric: 'auc' | 'gauc';
  /** Stop an epoch after this many steps (0 = full epoch); for smoke runs. */
  maxStepsPerEpoch: number;
  /** Score at most this many rows per evaluation split (0 = all); for smoke runs. */
  maxEvalRows: number;
  /** Resamples of the bootstrap confidence interval of the best test AUC (0 = none). */
  bootstrapResamples: number;
}

export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze({
  optimizer: 'adam',
  learningRate: 1e-3,
  embeddingAdam: 'dense',
  schedule: { kind: 'constant' },
  batchSize: 128,
  evalBatchSize: 512,
  epochs: 3,
  clipNorm: 0,
  dropout: 0,
  l2: 0,
  mba: 0,
  auxWeight: 0,
  selectOn: 'valid',
  selectMetric: 'auc',
  maxStepsPerEpoch: 0,
  maxEvalRows: 0,
  bootstrapResamples: 200,
}) as Readonly<TrainConfig>;

export type TrainPresetName = 'din' | 'dien' | 'dmin' | 'dhan';
export const TRAIN_PRESET_NAMES: readonly TrainPresetName[] = ['din', 'dien', 'dmin', 'dhan'];

/**
 * Optimizer + schedule settings of each official repository.
 * - din: SGD lr 1.0, 0.1 from global step 336000, batch 32, clip 5, 50 epochs (DIN repo din/train.py).
 * - dien: Adam 1e-3 halved after each epoch, batch 128, 3 epochs, aux weight 1 (DIEN repo script/train.py).
 * - dmin: Adam 1e-3 constant, batch 128, 3 epochs, aux weight 1 (DMIN repo train.py).
 * - dhan: the DHAN_DIEN settings = dien.
 */
export const TRAIN_PRESETS: Readonly<Record<TrainPresetName, Partial<TrainConfig>>> = Object.freeze({
  din: {
    optimizer: 'sgd',
    learningRate: 1.0,
    schedule: { kind: 'dropAtStep', step: 336000, then: 0.1 },
    batchSize: 32,
    evalBatchSize: 512,
    epochs: 50,
    clipNorm: 5,
    selectMetric: 'gauc',
  },
  dien: {
    optimizer: 'adam',
    learningRate: 1e-3,
    schedule: { kind: 'epochDecay', factor: 0.5 },
    batchSize: 128,
    epochs: 3,
    auxWeight: 1,
  },
  dmin: {
    optimizer: 'adam',
    learningRate: 1e-3,
    schedule: { kind: 'constant' },
    batchSize: 128,
    epochs: 3,
    auxWeight: 1,
  },
  dhan: {
    optimizer: 'adam',
    learningRate: 1e-3,
    schedule: { kind: 'epochDecay', factor: 0.5 },
    batchSize: 128,
    epochs: 3,
    auxWeight: 1,
  },
});

/** Defaults, then the preset (if any), then overrides. Validates the result. */
export function resolveTrainConfig(overrides: Partial<TrainConfig> = {}, preset?: TrainPresetName): TrainConfig {
  if (preset !== undefined && !(TRAIN_PRESET_NAMES as readonly string[]).includes(preset)) {
    throw new Error(
      `resolveTrainConfig: unknown preset "${preset}"; expected one of: ${TRAIN_PRESET_NAMES.join(', ')}`,
    );
  }
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...(preset ? TRAIN_PRESETS[preset] : {}), ...overrides };
  validateTrainConfig(config);
  return config;
}

const TRAIN_KEYS = Object.keys(DEFAULT_TRAIN_CONFIG) as (keyof TrainConfig)[];

function invalid(key: string, value: unknown, expected: string): never {
  throw new Error(`TrainConfig: train.${key} = ${JSON.stringify(value)}; expected ${expected}`);
}

/** Throws on unknown keys and out-of-range values. */
export function validateTrainConfig(config: TrainConfig): void {
  for (const key of Object.keys(config)) {
    if (!(TRAIN_KEYS as string[]).includes(key)) {
      throw new Error(`TrainConfig: unknown train option "${key}"; expected one of: ${TRAIN_KEYS.join(', ')}`);
    }
  }
  if (config.optimizer !== 'sgd' && config.optimizer !== 'adam')
    invalid('optimizer', config.optimizer, "'sgd' or 'adam'");
  if (!(config.learningRate > 0)) invalid('learningRate', config.learningRate, 'a number > 0');
  if (config.embeddingAdam !== 'lazy' && config.embeddingAdam !== 'dense')
    invalid('embeddingAdam', config.embeddingAdam, "'lazy' or 'dense'");
  const s = config.schedule;
  if (!s || typeof s !== 'object') invalid('schedule', s, 'a schedule object');
  if (s.kind === 'dropAtStep') {
    if (!(Number.isInteger(s.step) && s.step >= 0)) invalid('schedule.step', s.step, 'an integer >= 0');
    if (!(s.then > 0)) invalid('schedule.then', s.then, 'a number > 0');
  } else if (s.kind === 'epochDecay') {
    if (!(s.factor > 0)) invalid('schedule.factor', s.factor, 'a number > 0');
  } else if (s.kind !== 'constant') {
    invalid('schedule.kind', (s as { kind: unknown }).kind, "'constant', 'dropAtStep' or 'epochDecay'");
  }
  for (const key of ['batchSize', 'evalBatchSize', 'epochs'] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 1)) invalid(key, config[key], 'an integer >= 1');
  }
  for (const key of ['clipNorm', 'l2', 'mba', 'auxWeight'] as const) {
    if (!(config[key] >= 0)) invalid(key, config[key], 'a number >= 0');
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) invalid('dropout', config.dropout, 'a number in [0, 1)');
  if (!['valid', 'test', 'last'].includes(config.selectOn))
    invalid('selectOn', config.selectOn, "'valid', 'test' or 'last'");
  if (config.selectMetric !== 'auc' && config.selectMetric !== 'gauc')
    invalid('selectMetric', config.selectMetric, "'auc' or 'gauc'");
  for (const key of ['maxStepsPerEpoch', 'maxEvalRows', 'bootstrapResamples'] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 0)) invalid(key, config[key], 'an integer >= 0');
  }
}

/** Learning rate for the step after `globalStep` steps, in epoch `epoch` (0-based). */
export function learningRateAt(config: TrainConfig, epoch: number, globalStep: number): number {
  const s = config.schedule;
  switch (s.kind) {
    case 'constant':
      return config.learningRate;
    case 'dropAtStep':
      return globalStep >= s.step ? s.then : config.learningRate;
    case 'epochDecay':
      return config.learningRate * s.factor ** epoch;
    default: {
      const never: never = s;
      throw new Error(`learningRateAt: unknown schedule ${JSON.stringify(never)}`);
    }
  }
}

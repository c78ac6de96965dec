/** Training: the one trainer, its config and presets, evaluation, checkpoints; plus the step and optimizers. */
export { trainModel, stepOptionsFor } from './trainer';
export type { TrainModelOptions } from './trainer';
export type { EpochMetrics, SplitMetrics, TrainOutcome } from './outcome';
export {
  DEFAULT_TRAIN_CONFIG,
  TRAIN_PRESETS,
  TRAIN_PRESET_NAMES,
  resolveTrainConfig,
  validateTrainConfig,
  learningRateAt,
} from './trainConfig';
export type { TrainConfig, TrainPresetName, OptimizerName, LearningRateSchedule, SelectionSplit } from './trainConfig';
export { scoreSplit, splitMetrics, evaluateSplit } from './evaluate';
export type { SplitScores } from './evaluate';
export { saveCheckpoint, readCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT } from './checkpoint';
export type { CheckpointMeta, CheckpointManifestEntry, SaveCheckpointInput } from './checkpoint';
export { trainStep, predict, evaluateLoss, sigmoidCrossEntropy } from './step';
export type { TrainStepOptions, StepResult, FeatureCounts, EmbeddingRegularization } from './step';
export { createOptimizer, globalNormClipFactor } from './optimizers';
export type { OptimizerKind, OptimizerSpec, ParameterOptimizer } from './optimizers';

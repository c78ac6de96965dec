/**
 * deep-interest-lab: the public API, what notebooks (`import * as dil from 'deep-interest-lab'`)
 * and library users call. The CLI, the benchmark and the kernels are internal: import them by
 * module path (src/cli, src/bench, src/ops).
 *
 * Data flows one way: raw files -> samples -> batches (data) -> model (layers, models) ->
 * training and metrics (train, metrics) -> run records (experiments) -> tables and figures (report).
 */
export * from './backend';
export * from './random';
export * from './data';
export * from './layers';
export * from './models';
export * from './metrics';

// training
export { trainModel } from './train/trainer';
export type { TrainModelOptions } from './train/trainer';
export type { EpochMetrics, SplitMetrics, TrainOutcome } from './train/outcome';
export { DEFAULT_TRAIN_CONFIG, TRAIN_PRESETS, TRAIN_PRESET_NAMES, resolveTrainConfig } from './train/trainConfig';
export type {
  LearningRateSchedule,
  OptimizerName,
  SelectionSplit,
  TrainConfig,
  TrainPresetName,
} from './train/trainConfig';
export { createOptimizer } from './train/optimizers';
export type { OptimizerKind, OptimizerSpec, ParameterOptimizer } from './train/optimizers';
export { predict, trainStep } from './train/step';
export type { StepResult, TrainStepOptions } from './train/step';
export { evaluateSplit, scoreSplit, splitMetrics } from './train/evaluate';
export type { SplitScores } from './train/evaluate';
export { loadCheckpoint, readCheckpoint, saveCheckpoint } from './train/checkpoint';
export type { CheckpointMeta, SaveCheckpointInput } from './train/checkpoint';
export { ProgressBar, autoProgressSink, logSink, notebookSink, silentSink, terminalSink } from './progress';
export type { ProgressBarOptions, ProgressSink } from './progress';

// experiments: paper specs, sweeps, run records, summaries
export { ablationOptionsFromEnv, ablationSpecs, runAblation } from './experiments/ablation';
export type { AblationExperimentResult, AblationOptions, AblationResult } from './experiments/ablation';
export {
  DHAN_TEMPLATES,
  DIEN_TEMPLATES,
  DIN_TEMPLATES,
  DMIN_TEMPLATES,
  paperExperiments,
  profileSettings,
} from './experiments/papers';
export type { PaperExperimentTemplate, PaperVariant, ProfileSettings } from './experiments/papers';
export { PAPER_NAMES, PROFILE_NAMES, applyExperimentOverrides, planExperiment } from './experiments/spec';
export type {
  ExperimentOverrides,
  ExperimentSpec,
  PaperName,
  PlannedRun,
  ProfileName,
  Variant,
  VariantOverrides,
} from './experiments/spec';
export { resolveRunConfig, runConfigHash } from './experiments/runConfig';
export type { RunConfig, RunConfigInput, RunDataOptions } from './experiments/runConfig';
export { loadRunRecords, readRunRecord } from './experiments/runRecord';
export type { RunKey, RunRecord } from './experiments/runRecord';
export { modelOptionsForRun, trainRun } from './experiments/runModel';
export { runSweep } from './experiments/runner';
export type { SweepFailure, SweepOptions, SweepResult } from './experiments/runner';
export { formatSummaryText, groupRecordsByExperiment, summarizeRuns } from './experiments/summary';
export type { ExperimentSummary, SummaryOptions, VariantSummary } from './experiments/summary';

// report: notebooks, tables, figures
export {
  describeSettings,
  notebookAblationOptions,
  notebookExperimentSpec,
  notebookSettings,
} from './report/notebookSession';
export type { NotebookSettings } from './report/notebookSession';
export { compareCurvesFigure, runPaperExperiment, showExperiment, writeExperiment } from './report/paperExperiment';
export type { ExperimentReport, ShownExperiment } from './report/paperExperiment';
export { datasetStatsTable, loadNotebookDataset, notebookDatasetSpec } from './report/notebookData';
export { categoryDistributionFigure, groundTruthFigure, historyLengthFigure } from './report/dataFigures';
export { datasetFrames } from './report/datasetFrames';
export type { DatasetFrames } from './report/datasetFrames';
export { trainVariantModel, userAttention } from './report/userAttention';
export type { UserAttention } from './report/userAttention';
export { reportResultsDir } from './report/resultsDir';
export { resultTableToCsv, resultTableToLatex, resultTableToMarkdown, writeResultTable } from './report/resultTable';
export type { MeanStd, ResultTable, TableCell, TableColumn, TableColumnKind, WrittenTable } from './report/resultTable';
export {
  attentionBarsFigure,
  attentionHeatmapFigure,
  attentionTreeFigure,
  trainingCurvesFigure,
  variantBarFigure,
} from './report/figures';
export type { AttentionCluster, CurveSeries, VariantBarInput } from './report/figures';
export { closeSharedFigureRenderer, exportFigures, writeStaticImages } from './report/figureRenderer';
export type {
  NamedFigure,
  PlotlyFigure,
  StaticImageOptions,
  StaticImages,
  WrittenFigure,
} from './report/figureRenderer';
export {
  inNotebook,
  renderAndShowFigure,
  showFigure,
  showMarkdown,
  showNamedFigure,
  showTable,
} from './report/display';
export type { ShowFigureOptions } from './report/display';
export { PUBLISHED_TABLES, publishedResultTable, publishedTable, publishedValue } from './report/publishedTables';
export type { PublishedTable, PublishedValue } from './report/publishedTables';
export {
  curveSeriesFromRecords,
  recordsCurvesFigure,
  summaryBarFigure,
  summaryResultTable,
} from './report/summaryReport';
export type { CurveMetric, PublishedColumn } from './report/summaryReport';
export { executeNotebook, executeNotebooks, listNotebooks } from './report/executeNotebooks';
export type { ExecuteNotebooksOptions, NotebookParameters, NotebookRun } from './report/executeNotebooks';

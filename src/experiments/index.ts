/** Experiments: run configs, paper specs, resumable (parallel) sweeps, run records, summaries. */
export { resolveRunConfig, runConfigHash, canonicalJson, mergeDeep } from './runConfig';
export type { RunConfig, RunConfigInput, RunDataOptions } from './runConfig';
export { runRecordPath, writeRunRecord, readRunRecord, isRunRecorded, loadRunRecords } from './runRecord';
export type { RunRecord, RunKey, EpochMetrics, SplitMetrics, TrainOutcome } from './runRecord';
export { PAPER_NAMES, PROFILE_NAMES, applyExperimentOverrides, planExperiment, variantRunConfig } from './spec';
export type { ExperimentSpec, ExperimentOverrides, PaperName, PlannedRun, ProfileName, Variant, VariantOverrides } from './spec';
export { paperExperiments, buildExperiment, profileSettings, DIN_TEMPLATES, DIEN_TEMPLATES, DMIN_TEMPLATES, DHAN_TEMPLATES } from './papers';
export type { PaperExperimentTemplate, PaperVariant, ProfileSettings } from './papers';
export { runSweep, partitionPlan, defaultJobs } from './runner';
export type { SweepOptions, SweepResult, SweepFailure } from './runner';
export { executePlannedRun, datasetForRun } from './executeRun';
export { summarizeRuns, groupRecordsByExperiment, formatSummaryText } from './summary';
export type { ExperimentSummary, VariantSummary, SummaryOptions } from './summary';
export { gitCommit, hostDescription } from './provenance';
export { runAblation, ablationSpecs, ablationOptionsFromEnv } from './ablation';
export type { AblationOptions, AblationResult, AblationExperimentResult } from './ablation';

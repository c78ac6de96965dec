/**
 * The settings of a notebook run (its first cell: DIL_* environment variables with defaults)
 * and what they mean for the runs: the options and experiment specs `dil ablate` would use.
 *
 *   const settings = notebookSettings();
 *   const table4 = await runPaperExperiment('dien', 'table4', settings);
 *   await showExperiment(table4);
 */
import { ablationSpecs } from '../experiments/ablation';
import type { AblationOptions } from '../experiments/ablation';
import { readNotebookParameters, seedList } from '../experiments/notebookParameters';
import { paperExperiments } from '../experiments/papers';
import { defaultJobs } from '../experiments/runner';
import type { ExperimentSpec, PaperName, ProfileName } from '../experiments/spec';
import { reportResultsDir } from './resultsDir';

/** The parameters of a notebook run (first cell). */
export interface NotebookSettings {
  profile: ProfileName;
  /** Dataset spec, or undefined for each experiment's own synthetic preset (`synthetic`). */
  dataset?: string;
  dataDir?: string;
  /** Seeds (explicit list), or undefined for the profile's. */
  seeds?: number[];
  jobs: number;
  resultsDir: string;
}

/**
 * The settings from DIL_PROFILE (smoke | default | full; default `default`), DIL_DATASET
 * (`synthetic` = each experiment's synthetic preset; `amazon:<Category>`, `movielens`),
 * DIL_DATA_DIR, DIL_SEEDS (count or list), DIL_JOBS (default: cores), DIL_RESULTS (default
 * <project>/results), as `readNotebookParameters` reads them.
 */
export function notebookSettings(env: NodeJS.ProcessEnv = process.env): NotebookSettings {
  const values = readNotebookParameters(env);
  return {
    profile: values.profile ?? 'default',
    dataset: values.dataset,
    dataDir: values.dataDir,
    seeds: values.seeds ? seedList(values.seeds) : undefined,
    jobs: values.jobs ?? defaultJobs(),
    resultsDir: values.resultsDir ?? reportResultsDir(env),
  };
}

/** One line for the notebook: the settings in force. */
export function describeSettings(settings: NotebookSettings): string {
  return [
    `profile=${settings.profile}`,
    `dataset=${settings.dataset ?? "synthetic (each experiment's preset)"}`,
    settings.dataDir ? `dataDir=${settings.dataDir}` : '',
    `seeds=${settings.seeds ? settings.seeds.join(',') : 'profile default'}`,
    `jobs=${settings.jobs}`,
    `results=${settings.resultsDir}`,
  ]
    .filter(Boolean)
    .join('  ');
}

/**
 * The options `dil ablate <paper> --experiment <experiment>` would use for the notebook's
 * settings (profile, dataset, data dir, seeds, jobs, results folder), so a notebook and the
 * CLI plan the same runs (same config hashes: records are shared) with the same choices
 * (e.g. the profile's history cap on real data, the dataset cache under <results>/cache).
 * `experiment` undefined: every experiment of the paper (what `dil reproduce` runs first).
 */
export function notebookAblationOptions(experiment: string | undefined, settings: NotebookSettings): AblationOptions {
  return {
    profile: settings.profile,
    experiments: experiment === undefined ? undefined : [experiment],
    dataset: settings.dataset,
    dataDir: settings.dataDir,
    seedList: settings.seeds,
    jobs: settings.jobs,
    resultsDir: settings.resultsDir,
  };
}

/**
 * The experiment spec of `paper`/`experiment` under the notebook's settings (as `dil ablate` plans it; no run
 * executed).
 */
export function notebookExperimentSpec(
  paper: PaperName,
  experiment: string,
  settings: NotebookSettings,
): ExperimentSpec {
  const known = paperExperiments(paper, settings.profile).map((s) => s.name);
  if (!known.includes(experiment))
    throw new Error(`no experiment "${experiment}" for ${paper}; expected one of: ${known.join(', ')}`);
  return ablationSpecs(paper, notebookAblationOptions(experiment, settings)).specs[0];
}

/**
 * One call for a paper's ablations, for notebooks and the CLI:
 *
 *   const result = await runAblation('dien', ablationOptionsFromEnv());
 *   result.experiments[0].summary.variants   // mean ± std, diff, p-value, RelaImpr per variant
 *
 * Plans every experiment of the paper under the profile (with overrides), runs the missing
 * runs (resumable, `jobs` parallel workers), and summarises each experiment.
 */
import * as path from 'path';
import type { ProgressSink } from '../progress';
import { paperExperiments, profileSettings } from './papers';
import { RunRecord } from './runRecord';
import { defaultJobs, runSweep, SweepFailure } from './runner';
import { readNotebookParameters } from './notebookParameters';
import {
  applyExperimentOverrides,
  ExperimentOverrides,
  ExperimentSpec,
  PaperName,
  planExperiment,
  ProfileName,
} from './spec';
import { ExperimentSummary, summarizeRuns } from './summary';

export interface AblationOptions extends ExperimentOverrides {
  profile?: ProfileName;
  /** Only these experiments of the paper (e.g. ['table4']). */
  experiments?: string[];
  /** Explicit seed list (wins over `seeds`). */
  seedList?: number[];
  /** Parallel worker processes (default: cores). */
  jobs?: number;
  /** Results folder (default 'results'). */
  resultsDir?: string;
  /** Metric of the summaries (default: each experiment's own, see ExperimentSpec.metric). */
  metric?: 'auc' | 'gauc';
  log?: (line: string) => void;
  progressSink?: ProgressSink;
}

export interface AblationExperimentResult {
  spec: ExperimentSpec;
  summary: ExperimentSummary;
  records: RunRecord[];
}

export interface AblationResult {
  paper: PaperName;
  profile: ProfileName;
  experiments: AblationExperimentResult[];
  skipped: number;
  executed: number;
  reused: number;
  failures: SweepFailure[];
  /** Notes on choices made for this run (e.g. the history cap on real data). */
  notes: string[];
}

/** The experiments of `paper` with the options applied (no run executed). */
export function ablationSpecs(
  paper: PaperName,
  options: AblationOptions = {},
): { specs: ExperimentSpec[]; notes: string[] } {
  const profile = options.profile ?? 'default';
  let specs = paperExperiments(paper, profile);
  if (options.experiments && options.experiments.length > 0) {
    const known = specs.map((s) => s.name);
    for (const name of options.experiments) {
      if (!known.includes(name))
        throw new Error(`${paper}: unknown experiment "${name}"; expected one of: ${known.join(', ')}`);
    }
    specs = specs.filter((s) => options.experiments!.includes(s.name));
  }
  const notes: string[] = [];
  const data = { ...(options.data ?? {}), ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}) };
  const realDataMaxLen = profileSettings(profile).realDataMaxLen;
  if (
    options.dataset &&
    !options.dataset.startsWith('synthetic') &&
    data.maxLen === undefined &&
    realDataMaxLen !== undefined
  ) {
    data.maxLen = realDataMaxLen;
    notes.push(
      `profile ${profile} on real data: histories capped at ${realDataMaxLen} (set ` +
        `maxLen to change, profile 'full' for the paper settings)`,
    );
  }
  const out = specs
    .map((spec) => {
      const variants = options.variants?.filter((v) => spec.variants.some((sv) => sv.name === v));
      if (options.variants && variants!.length === 0) return undefined;
      const resolved = applyExperimentOverrides(spec, { ...options, data, variants });
      if (options.seedList) resolved.seeds = [...options.seedList];
      return resolved;
    })
    .filter((s): s is ExperimentSpec => s !== undefined);
  if (out.length === 0) throw new Error(`${paper}: no variant matches ${options.variants?.join(', ')}`);
  return { specs: out, notes };
}

/** Runs (or resumes) the paper's ablations and summarises them. */
export async function runAblation(paper: PaperName, options: AblationOptions = {}): Promise<AblationResult> {
  const profile = options.profile ?? 'default';
  const resultsDir = options.resultsDir ?? 'results';
  const { specs, notes } = ablationSpecs(paper, options);
  // real data: build once per seed, cached for the workers and reruns (the cache path is not part of the run identity)
  for (const spec of specs) {
    if (!spec.dataset.startsWith('synthetic') && spec.data.cacheDir === undefined)
      spec.data = { ...spec.data, cacheDir: path.join(resultsDir, 'cache') };
  }
  for (const note of notes) options.log?.(`note: ${note}`);
  const plans = specs.map((spec) => ({ spec, runs: planExperiment(spec) }));
  const result = await runSweep(
    plans.flatMap((p) => p.runs),
    { resultsDir, jobs: options.jobs ?? defaultJobs(), log: options.log, progressSink: options.progressSink },
  );
  const experiments = plans.map(({ spec, runs }) => {
    const keys = new Set(runs.map((r) => `${r.key.variant}/${r.key.seed}/${r.key.configHash}`));
    const records = result.records.filter(
      (r) => r.paper === spec.paper && r.experiment === spec.name && keys.has(`${r.variant}/${r.seed}/${r.configHash}`),
    );
    const summary = summarizeRuns(records, {
      variants: spec.variants.map((v) => ({ name: v.name, label: v.label })),
      baseVariant: spec.baseVariant,
      metric: options.metric ?? spec.metric ?? 'auc',
    });
    if (!summary.paper) {
      summary.paper = spec.paper;
      summary.experiment = spec.name;
    }
    return { spec, summary, records };
  });
  return {
    paper,
    profile,
    experiments,
    skipped: result.skipped,
    executed: result.executed,
    reused: result.reused,
    failures: result.failures,
    notes,
  };
}

/**
 * Ablation options from the notebook parameters (environment set by `dil reproduce`, read by
 * `readNotebookParameters`). Unset variables leave the profile's defaults.
 */
export function ablationOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AblationOptions {
  const { seeds, ...values } = readNotebookParameters(env);
  const options: AblationOptions = { ...values };
  if (seeds) {
    if ('count' in seeds) options.seeds = seeds.count;
    else options.seedList = seeds.list;
  }
  return options;
}

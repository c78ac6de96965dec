/**
 * The notebook parameters as `dil reproduce` passes them: DIL_* environment variables, read in
 * one place so that `notebookSettings` (report) and `ablationOptionsFromEnv` mean the same.
 */
import * as path from 'path';
import { PROFILE_NAMES, ProfileName } from './spec';

/** DIL_SEEDS: a count ("3": seeds 1..3, as `--seeds 3`) or a list ("1,2,3"). */
export type SeedsParameter = { count: number } | { list: number[] };

/** The DIL_* variables that are set (blank counts as unset). */
export interface NotebookParameterValues {
  /** DIL_PROFILE */
  profile?: ProfileName;
  /** DIL_DATASET; `synthetic` (each experiment's own synthetic preset) reads as unset. */
  dataset?: string;
  /** DIL_DATA_DIR */
  dataDir?: string;
  /** DIL_SEEDS */
  seeds?: SeedsParameter;
  /** DIL_JOBS */
  jobs?: number;
  /** DIL_RESULTS, resolved against the working directory. */
  resultsDir?: string;
}

/** Parses DIL_SEEDS; throws on anything but a positive count or a list of non-negative integers. */
export function parseSeedsParameter(raw: string): SeedsParameter {
  const text = raw.trim();
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count < 1) throw new Error(`DIL_SEEDS=${raw}: expected a positive count ("3") or a list of integers ("1,2,3")`);
    return { count };
  }
  const list = text.split(',').map((s) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN));
  if (list.some((s) => !Number.isInteger(s))) {
    throw new Error(`DIL_SEEDS=${raw}: expected a positive count ("3") or a list of integers ("1,2,3")`);
  }
  return { list };
}

/** The seeds a DIL_SEEDS value stands for (a count K: seeds 1..K). */
export function seedList(seeds: SeedsParameter): number[] {
  return 'list' in seeds ? [...seeds.list] : Array.from({ length: seeds.count }, (_, i) => i + 1);
}

/** Reads DIL_PROFILE, DIL_DATASET, DIL_DATA_DIR, DIL_SEEDS, DIL_JOBS and DIL_RESULTS. */
export function readNotebookParameters(env: NodeJS.ProcessEnv = process.env): NotebookParameterValues {
  const values: NotebookParameterValues = {};
  const profile = env.DIL_PROFILE?.trim();
  if (profile) {
    if (!(PROFILE_NAMES as readonly string[]).includes(profile)) {
      throw new Error(`DIL_PROFILE=${profile}: expected one of ${PROFILE_NAMES.join(', ')}`);
    }
    values.profile = profile as ProfileName;
  }
  const dataset = env.DIL_DATASET?.trim();
  if (dataset && dataset !== 'synthetic') values.dataset = dataset;
  if (env.DIL_DATA_DIR?.trim()) values.dataDir = env.DIL_DATA_DIR.trim();
  if (env.DIL_SEEDS?.trim()) values.seeds = parseSeedsParameter(env.DIL_SEEDS);
  const jobs = env.DIL_JOBS?.trim();
  if (jobs) {
    const n = Number(jobs);
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`DIL_JOBS=${jobs}: expected a positive integer`);
    values.jobs = n;
  }
  if (env.DIL_RESULTS?.trim()) values.resultsDir = path.resolve(env.DIL_RESULTS.trim());
  return values;
}

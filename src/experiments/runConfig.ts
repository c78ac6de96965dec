/**
 * The resolved configuration of one run: model (registry name + options), dataset (spec +
 * loader options), training settings and seed. Plain JSON; hashed to name run records.
 */
import { createHash } from 'crypto';
import { resolveTrainConfig, TrainConfig, TrainPresetName } from '../train/trainConfig';

/** Loader options that may appear in a run config (JSON-serialisable subset of `LoadDatasetOptions`). */
export interface RunDataOptions {
  dataDir?: string;
  maxLen?: number;
  protocol?: 'din' | 'dien';
  validFraction?: number;
  testFraction?: number;
  negatives?: 'uniform' | 'popularity';
  auxNegatives?: 'uniform' | 'popularity';
  cacheDir?: string | false;
  synthetic?: Record<string, number | string>;
  /** Behaviour logs ('log:<path>'): the item table and the column names (see LoadDatasetOptions). */
  itemTable?: string;
  logColumns?: { user?: string; item?: string; timestamp?: string; itemTableItem?: string; categoryColumns?: string[] };
  /** Seed of the dataset (splits, negatives, synthetic data). Default: the run seed. */
  seed?: number;
}

export interface RunConfig {
  /** Model registry name (`createModel(name, ...)`), e.g. 'din', 'dien'. */
  model: string;
  /** Options of the model (ablation fields: gru, activation, heads, pooling...). */
  modelOptions: Record<string, unknown>;
  /** Dataset spec, e.g. 'amazon:Beauty', 'synthetic:drift'. */
  dataset: string;
  data: RunDataOptions;
  train: TrainConfig;
  /** Seed of initialisation, shuffling, negatives and splits. */
  seed: number;
}

/** What an experiment spec or the CLI gives before defaults are applied. */
export interface RunConfigInput {
  model: string;
  modelOptions?: Record<string, unknown>;
  dataset: string;
  data?: RunDataOptions;
  train?: Partial<TrainConfig>;
  trainPreset?: TrainPresetName;
  seed: number;
}

export function resolveRunConfig(input: RunConfigInput): RunConfig {
  if (typeof input.model !== 'string' || input.model === '') {
    throw new Error(`resolveRunConfig: model = ${JSON.stringify(input.model)}; expected a model name`);
  }
  if (typeof input.dataset !== 'string' || input.dataset === '') {
    throw new Error(`resolveRunConfig: dataset = ${JSON.stringify(input.dataset)}; expected a dataset spec`);
  }
  if (!Number.isInteger(input.seed)) {
    throw new Error(`resolveRunConfig: seed = ${JSON.stringify(input.seed)}; expected an integer`);
  }
  return {
    model: input.model,
    modelOptions: Object.fromEntries(Object.entries(input.modelOptions ?? {}).filter(([, v]) => v !== undefined)),
    dataset: input.dataset,
    data: { ...(input.data ?? {}) },
    train: resolveTrainConfig(input.train ?? {}, input.trainPreset),
    seed: input.seed,
  };
}

/** JSON with object keys sorted at every depth (stable across key order). */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * 12 hex characters identifying a resolved config. Data locations (dataDir, cacheDir) are
 * excluded so that machines with the data at different paths share run records.
 */
export function runConfigHash(config: RunConfig): string {
  const { dataDir: _dataDir, cacheDir: _cacheDir, ...data } = config.data;
  return createHash('sha256')
    .update(canonicalJson({ ...config, data }))
    .digest('hex')
    .slice(0, 12);
}

/** Deep merge of plain objects (arrays and other values replace). Used for variant overrides. */
export function mergeDeep<T>(base: T, overrides: unknown): T {
  if (overrides === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    out[key] = isPlainObject(out[key]) && isPlainObject(value) ? mergeDeep(out[key], value) : value;
  }
  return out as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

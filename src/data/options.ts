/**
 * Options of `loadDataset`, their defaults and validation (unknown keys are errors, so a
 * typo never silently builds another dataset).
 */
import type { NegativeSampler, ProgressCallback, ProtocolName, UserSplitMode } from './types';
import type { SyntheticOptions } from './syntheticOptions';

export interface LoadDatasetOptions {
  /** Seed of every random choice (negatives, splits, synthetic data). Default 1234 (the DIN repo's seed). */
  seed?: number;
  /**
   * History length fed to models (latest behaviours kept). Default 100 (DIN/DIEN code); synthetic: its history length.
   */
  maxLen?: number;
  /** Protocol for Amazon and behaviour logs. Default 'din'. */
  protocol?: ProtocolName;
  /**
   * Directory holding the raw files (Amazon: reviews_<Cat>_5.json(.gz) + meta_<Cat>.json(.gz); MovieLens: ratings.csv +
   * movies.csv).
   */
  dataDir?: string;
  /**
   * Share of the protocol's training users carved out as the 'valid' split (model selection). Default 0.1; 0 disables.
   */
  validFraction?: number;
  /**
   * Share of users in the test split for user-split protocols (DIEN, MovieLens, synthetic). Default 0.1 (DIEN);
   * MovieLens 38493/138493 as in DIN.
   */
  testFraction?: number;
  /**
   * User split: 'exact' puts round(fraction * users) users in the held-out split (seeded shuffle);
   * 'bernoulli' flips a seeded coin per user like the DIEN script.
   * Porting note: DIEN's split_by_user.py uses an unseeded coin per user (docs/papers.md P-DIEN-9); 'exact' is
   * the default so that row counts are known in advance.
   */
  userSplit?: UserSplitMode;
  /** Sampler of the target negatives. Default: DIN 'uniform' (DIN repo), DIEN 'popularity' (DIEN repo). */
  negatives?: NegativeSampler;
  /**
   * Sampler of the auxiliary-loss negatives in batches, one per history position, re-drawn per epoch.
   * Default: 'popularity' (DIEN data_iterator: a random reviews-info row).
   * Porting note: the DIEN paper only says "randomly sampled from item set except the item shown in
   * corresponding review", which reads as uniform ('uniform' here); the official data_iterator draws 5
   * popularity-proportional negatives per position and uses only the first, so one is drawn here.
   */
  auxNegatives?: NegativeSampler;
  /**
   * Porting note: the DIEN scripts only exclude the positive at the same position, so negatives
   * may be items of the user's own history (docs/papers.md P-DIEN-2). Default false: negatives are never among
   * the user's clicked items; true reproduces the official behaviour.
   */
  allowOwnHistoryNegatives?: boolean;
  /** Skip malformed lines instead of failing; the count is reported through `onWarning`. Default false. */
  skipBadLines?: boolean;
  /** Directory of the processed-dataset cache; false disables it. Default: no cache. */
  cacheDir?: string | false;
  /** Progress of long stages. */
  onProgress?: ProgressCallback;
  /** Non-fatal notices (skipped lines, cache hits). */
  onWarning?: (message: string) => void;
  /** Synthetic generator knobs (spec 'synthetic[:preset][:size]'). */
  synthetic?: Partial<SyntheticOptions>;
  /** MovieLens: ratings >= this are positive. Default 4. */
  positiveRating?: number;
  /**
   * Behaviour log ('log:<path>'): the item table (CSV/TSV with a header: item column then category columns, finest
   * first).
   */
  itemTable?: string;
  /** Behaviour log column names. Defaults: user, item, timestamp (item table: item). */
  logColumns?: { user?: string; item?: string; timestamp?: string; itemTableItem?: string; categoryColumns?: string[] };
}

export const LOAD_OPTION_KEYS: readonly (keyof LoadDatasetOptions)[] = [
  'seed',
  'maxLen',
  'protocol',
  'dataDir',
  'validFraction',
  'testFraction',
  'userSplit',
  'negatives',
  'auxNegatives',
  'allowOwnHistoryNegatives',
  'skipBadLines',
  'cacheDir',
  'onProgress',
  'onWarning',
  'synthetic',
  'positiveRating',
  'itemTable',
  'logColumns',
];

function fail(name: string, value: unknown, expected: string): never {
  throw new Error(`loadDataset: option ${name}=${JSON.stringify(value)} is invalid; expected ${expected}`);
}

/** Throws on unknown keys and out-of-range values; returns the same object typed. */
export function validateLoadOptions(options: LoadDatasetOptions): LoadDatasetOptions {
  if (options === null || typeof options !== 'object') fail('options', options, 'an object');
  for (const key of Object.keys(options)) {
    if (!(LOAD_OPTION_KEYS as readonly string[]).includes(key)) {
      throw new Error(`loadDataset: unknown option '${key}'; expected one of: ${LOAD_OPTION_KEYS.join(', ')}`);
    }
  }
  const o = options;
  if (o.seed !== undefined && !Number.isFinite(o.seed)) fail('seed', o.seed, 'a finite number');
  if (o.maxLen !== undefined && !(Number.isInteger(o.maxLen) && o.maxLen >= 1))
    fail('maxLen', o.maxLen, 'an integer >= 1');
  if (o.protocol !== undefined && o.protocol !== 'din' && o.protocol !== 'dien')
    fail('protocol', o.protocol, "'din' or 'dien'");
  for (const k of ['validFraction', 'testFraction'] as const) {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v < 1)) fail(k, v, 'a number in [0, 1)');
  }
  if (o.userSplit !== undefined && o.userSplit !== 'exact' && o.userSplit !== 'bernoulli')
    fail('userSplit', o.userSplit, "'exact' or 'bernoulli'");
  for (const k of ['negatives', 'auxNegatives'] as const) {
    const v = o[k];
    if (v !== undefined && v !== 'uniform' && v !== 'popularity') fail(k, v, "'uniform' or 'popularity'");
  }
  if (o.positiveRating !== undefined && !Number.isFinite(o.positiveRating))
    fail('positiveRating', o.positiveRating, 'a number');
  return o;
}

/**
 * Public types of the data layer: the `Dataset` every trainer and notebook consumes, the
 * options of `loadDataset`, statistics, progress callbacks.
 *
 * Storage model (shared by every source and protocol): each user has one time-ordered
 * sequence of clicked items (`UserSequences`); a sample is (user, target, label, histLen)
 * whose history is the first `histLen` items of its user's sequence, of which the latest
 * `maxLen` are fed to the model. This holds for both Amazon protocols (histories are
 * prefixes of the positives), MovieLens (prefixes of the positively rated movies) and the
 * synthetic generator, and keeps Books-sized data in a few hundred MB.
 */
import type { Batch, FeatureSizes } from './batch';

export type SplitName = 'train' | 'valid' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'valid', 'test'];

/** Which paper's protocol builds samples from a behaviour log. */
export type ProtocolName = 'din' | 'dien';

/** How negatives are drawn: uniformly over item ids, or proportionally to popularity (review rows). */
export type NegativeSampler = 'uniform' | 'popularity';

/** How held-out users are drawn (see userSplit.ts): an exact seeded share, or one seeded coin per user. */
export type UserSplitMode = 'exact' | 'bernoulli';

/** Progress of long work: `done` of `total` units (bytes, rows, users...), `label` says which stage. */
export type ProgressCallback = (done: number, total: number, label: string) => void;

/** Per-user click sequences, concatenated: user u's items are items[offsets[u] .. offsets[u+1]). */
export interface UserSequences {
  /** [users + 1], offsets[0] = 0 (user id 0 is padding and has an empty sequence). */
  offsets: Int32Array;
  /** [total behaviours] item ids in time order per user. */
  items: Int32Array;
}

/** Samples of one split, structure of arrays. */
export interface SampleTable {
  /** [N] user id. */
  user: Int32Array;
  /** [N] target item id. */
  target: Int32Array;
  /** [N] 0/1 click label. */
  label: Uint8Array;
  /** [N] number of the user's sequence items before the target (history = prefix of that length). */
  histLen: Int32Array;
}

/**
 * Category hierarchy carried for DHAN: parentOf[l][c] = the level-(l+1) id of level-l category c, or null when level
 * l+1 is not a parent of level l (e.g. brand).
 */
export interface CategoryHierarchy {
  /** One entry per level; entry l maps level l -> level l+1 (length = sizes.cats[l]); the last entry is null. */
  parentOf: (Int32Array | null)[];
}

/** Vocabularies (index = id; index 0 is the padding entry '<pad>'). */
export interface Vocabularies {
  users: string[];
  items: string[];
  /** One list per category level. */
  cats: string[][];
}

/** Distribution of history lengths (before capping at maxLen) over all samples. */
export interface HistoryLengthStats {
  min: number;
  max: number;
  mean: number;
  median: number;
  p90: number;
  /** Share of samples whose history is longer than maxLen (truncated to the latest maxLen). */
  truncatedShare: number;
  /** Histogram: counts[i] samples with history length in [edges[i], edges[i+1]); the last bin is open-ended. */
  edges: number[];
  counts: number[];
}

/** DIN Table 2 style statistics, plus split sizes. */
export interface DatasetStats {
  name: string;
  protocol: string;
  users: number;
  items: number;
  /** Level-0 categories (the protocol's category). */
  categories: number;
  /** Categories per level (level 0 first). */
  categoriesPerLevel: number[];
  /** Behaviours in the source (reviews, positive ratings, synthetic clicks). */
  samples: number;
  /** Protocol training rows = rows of the 'train' split + rows carved out as 'valid'. */
  trainRows: number;
  /** Rows of the 'train' split (what the trainer fits on). */
  fitRows: number;
  validRows: number;
  testRows: number;
  positiveShare: number;
  maxLen: number;
  historyLength: HistoryLengthStats;
  checksum: string;
}

/** Options of `Dataset.batches`. */
export interface BatchOptions {
  /** Shuffle rows (deterministic by seed + epoch). Default: true for 'train', false otherwise. */
  shuffle?: boolean;
  /** Seed of the shuffle and of the auxiliary negatives. Default: the dataset seed. */
  seed?: number;
  /** Epoch number: shuffles and auxiliary negatives are re-drawn per epoch. Default 0. */
  epoch?: number;
  /** Attach `negHistItems`/`negHistCats` (DIEN/DMIN auxiliary loss). Default true. */
  auxNegatives?: boolean;
  /** Drop the last incomplete batch. Default false. */
  dropLast?: boolean;
}

/** Ground truth of the synthetic generator (what a model should recover). */
export interface SyntheticGroundTruth {
  /** Concurrent interests per user (K). */
  interests: number;
  /** Steps per user (history length + 1: the last step is the time of the targets). */
  steps: number;
  /** [users(+pad), steps, K] row-major: the level-0 (sub-category) id of each interest at each step. */
  trajectory: Int32Array;
  /** [users(+pad), K]: weight of each interest (how often the user acts on it). */
  interestWeights: Float32Array;
  /** Click probability of every sample per split, same order as the split's rows. */
  clickProbability: Record<SplitName, Float32Array>;
  /** [items(+pad)] popularity rank of each item (1 = most popular; 0 at the padding id). */
  popularityRank: Int32Array;
  /** [users(+pad)] each user's click propensity (logit scale; 0 when activity = 0). */
  userActivity: Float64Array;
  /** The resolved generator options. */
  options: Record<string, number | string>;
}

/** The fields a dataset is built with (`Dataset` exposes them, `DatasetParts` stores them). */
export interface DatasetFields {
  /** Canonical spec, e.g. 'amazon:Beauty', 'synthetic:drift'. */
  name: string;
  protocol: string;
  seed: number;
  /** T: every batch pads/truncates histories to this length (latest behaviours kept). */
  maxLen: number;
  /** Name of each level, e.g. ['category', 'parent'] or ['sub', 'top', 'brand']. */
  levelNames: string[];
  vocab: Vocabularies;
  /** L arrays of [items]: category id of every item at each level (0 for padding). */
  itemCats: Int32Array[];
  sequences: UserSequences;
  splits: Record<SplitName, SampleTable>;
  /** Stable hex string over source checksums and every option that changes the data. */
  checksum: string;
  /** Present for synthetic data. */
  groundTruth?: SyntheticGroundTruth;
  /** Multi-label item attribute when the source has one (MovieLens: every genre of a movie). */
  multiLabel?: MultiLabelAttribute;
  /** The resolved options this dataset was built with (saved with run records). */
  options: Record<string, unknown>;
}

/** A processed dataset, ready to batch. */
export interface Dataset extends Readonly<DatasetFields> {
  readonly sizes: FeatureSizes;
  /** L, category levels carried in batches. */
  readonly levels: number;
  readonly hierarchy: CategoryHierarchy;
  /** [items] occurrences of each item in the training split (targets + capped histories), for MBA. */
  readonly itemCounts: Int32Array;
  /** L arrays of [cats]: occurrences of each category in the training split. */
  readonly catCounts: Int32Array[];

  splitSize(split: SplitName): number;
  numBatches(split: SplitName, batchSize: number, options?: { dropLast?: boolean }): number;
  /** Yields batches of the split as flat typed arrays (see `Batch`). */
  batches(split: SplitName, batchSize: number, options?: BatchOptions): Generator<Batch>;
  stats(): DatasetStats;
  /** A few lines of text for notebooks and logs. */
  describe(): string;
  /** The dataset as bytes (the cache format); identical inputs give identical bytes. */
  toBytes(): Buffer;
}

/** A multi-label item attribute (e.g. MovieLens genres): item i's labels are ids[offsets[i] .. offsets[i+1]). */
export interface MultiLabelAttribute {
  name: string;
  /** Index = id; index 0 = '<pad>'. */
  vocab: string[];
  /** [items + 1] */
  offsets: Int32Array;
  ids: Int32Array;
}

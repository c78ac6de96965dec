/** The samples of a dataset as danfojs DataFrames (00-data). */
import { loadDanfo } from '../backend';
import type { Dataset, SplitName } from '../data/types';

type DanfoFrame = InstanceType<ReturnType<typeof loadDanfo>['DataFrame']>;

/** The DataFrames 00-data shows (danfojs-node, loaded with `loadDanfo`). */
export interface DatasetFrames {
  /**
   * One row per labelled sample: split, user, label (0/1), histLen (before capping), category (the target's level-0
   * category name).
   */
  samples: DanfoFrame;
  /** Per split: histLen_count (samples), histLen_mean, histLen_max, label_mean (positive share). */
  perSplit: DanfoFrame;
  /** `describe()` of histLen and label over all samples. */
  described: DanfoFrame;
  /** Samples per history length (histLen, user_count), shortest first. */
  historyLengths: DanfoFrame;
  /** Samples and positive share per target category (label_count, label_mean), most frequent first. */
  categories: DanfoFrame;
}

/**
 * The samples of every split of `dataset` as danfojs DataFrames, with per-split statistics (groupby), describe(), the
 * history-length and category distributions.
 */
export function datasetFrames(dataset: Dataset): DatasetFrames {
  const dfd = loadDanfo();
  const splits: SplitName[] = ['train', 'valid', 'test'];
  const column = (pick: (split: SplitName) => ArrayLike<number>): number[] =>
    splits.flatMap((s) => Array.from(pick(s)));
  const cats = dataset.itemCats[0];
  const names = dataset.vocab.cats[0];
  const samples = new dfd.DataFrame({
    split: splits.flatMap((s) => new Array<string>(dataset.splitSize(s)).fill(s)),
    user: column((s) => dataset.splits[s].user),
    label: column((s) => dataset.splits[s].label),
    histLen: column((s) => dataset.splits[s].histLen),
    category: column((s) => dataset.splits[s].target).map((item) => names?.[cats[item]] ?? `cat ${cats[item]}`),
  });
  return {
    samples,
    perSplit: samples.groupby(['split']).agg({ histLen: ['count', 'mean', 'max'], label: 'mean' }),
    described: samples.loc({ columns: ['histLen', 'label'] }).describe(),
    historyLengths: samples.groupby(['histLen']).col(['user']).count().sortValues('histLen'),
    categories: samples
      .groupby(['category'])
      .col(['label'])
      .agg({ label: ['count', 'mean'] })
      .sortValues('label_count', { ascending: false }),
  };
}

/**
 * Scores a split with a model and computes its metrics (AUC, gAUC, logloss).
 */
import type { Dataset, SplitName } from '../data/types';
import type { CtrModel } from '../models/model';
import { auc, gauc, logloss } from '../metrics';
import type { SplitMetrics } from './outcome';
import { predict } from './step';

/** Scores, labels and users of the scored rows (in split order). */
export interface SplitScores {
  labels: Float32Array;
  probabilities: Float32Array;
  users: Int32Array;
}

/**
 * Predicts the first `maxRows` rows (0 = all) of `split`, in batches of `batchSize`, in
 * inference mode. No auxiliary-loss negatives are drawn: models compute their auxiliary loss
 * only when training.
 */
export function scoreSplit(
  model: CtrModel,
  dataset: Dataset,
  split: SplitName,
  batchSize: number,
  maxRows = 0,
): SplitScores {
  const total = dataset.splitSize(split);
  const rows = maxRows > 0 ? Math.min(maxRows, total) : total;
  const labels = new Float32Array(rows);
  const probabilities = new Float32Array(rows);
  const users = new Int32Array(rows);
  let filled = 0;
  if (rows > 0) {
    for (const batch of dataset.batches(split, batchSize, { shuffle: false, auxNegatives: false, epoch: 0 })) {
      const p = predict(model, batch);
      const take = Math.min(batch.size, rows - filled);
      labels.set(batch.labels.subarray(0, take), filled);
      probabilities.set(p.subarray(0, take), filled);
      users.set(batch.users.subarray(0, take), filled);
      filled += take;
      if (filled >= rows) break;
    }
  }
  return { labels, probabilities, users };
}

/** AUC, gAUC and logloss of scored rows. */
export function splitMetrics(scores: SplitScores): SplitMetrics {
  return {
    auc: auc(scores.labels, scores.probabilities),
    gauc: gauc(scores.labels, scores.probabilities, scores.users),
    logloss: logloss(scores.labels, scores.probabilities),
    rows: scores.labels.length,
  };
}

/** Scores `split` and returns its metrics. */
export function evaluateSplit(
  model: CtrModel,
  dataset: Dataset,
  split: SplitName,
  batchSize: number,
  maxRows = 0,
): SplitMetrics {
  return splitMetrics(scoreSplit(model, dataset, split, batchSize, maxRows));
}

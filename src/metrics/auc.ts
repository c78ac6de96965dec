/**
 * Area under the ROC curve, computed exactly from ranks (Mann-Whitney U):
 * AUC = P(score of a random positive > score of a random negative), a tie counting 1/2.
 */
import { checkLabelsAndScores, NumericArray } from './validate';

/**
 * Sums of average ranks for positives (ranks 1..N over all rows, ties share their mean rank).
 * Returns [sumOfPositiveRanks, positives, negatives].
 */
function positiveRankSum(
  labels: NumericArray,
  scores: NumericArray,
  rows?: ArrayLike<number>,
): [number, number, number] {
  const n = rows ? rows.length : labels.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = rows ? rows[i] : i;
  order.sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && scores[order[j]] === scores[order[i]]) j++;
    // rows i..j-1 tie: each gets rank mean(i+1..j) = (i + 1 + j) / 2
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (labels[order[k]] === 1) {
        rankSum += averageRank;
        positives++;
      }
    }
    i = j;
  }
  return [rankSum, positives, n - positives];
}

/**
 * AUC of `scores` against 0/1 `labels` ([N] each). Ties between a positive and a negative
 * count 0.5. Returns NaN when only one class is present (AUC is undefined then).
 * `rows` optionally restricts the computation to those row indices (used by gAUC and bootstrap).
 */
export function auc(labels: NumericArray, scores: NumericArray, rows?: ArrayLike<number>): number {
  if (!rows) checkLabelsAndScores('auc', labels, scores);
  const [rankSum, positives, negatives] = positiveRankSum(labels, scores, rows);
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Input checks shared by the metric functions. Errors name the metric function, the
 * argument and what was expected.
 */

/** Anything indexable by number with a length: typed arrays and plain arrays. */
export type NumericArray = ArrayLike<number>;

/** Throws unless `labels` and `scores` (and optional others) have the same length and labels are 0/1. */
export function checkLabelsAndScores(fn: string, labels: NumericArray, scores: NumericArray): void {
  if (labels.length !== scores.length) {
    throw new Error(
      `${fn}: labels has length ${labels.length} but scores has length ${scores.length}; expected equal lengths`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) {
      throw new Error(`${fn}: labels[${i}] = ${y}; expected 0 or 1`);
    }
    if (!Number.isFinite(scores[i])) {
      throw new Error(`${fn}: scores[${i}] = ${scores[i]}; expected a finite number`);
    }
  }
}

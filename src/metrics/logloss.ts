/**
 * Mean binary cross-entropy of predicted probabilities:
 *   logloss = -1/N sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)],
 * with p clipped to [eps, 1 - eps] (eps = 1e-7 by default, as in Keras) so that a confident
 * wrong prediction costs a large but finite amount.
 */
import { NumericArray } from './validate';

export function logloss(labels: NumericArray, probabilities: NumericArray, eps = 1e-7): number {
  if (labels.length !== probabilities.length) {
    throw new Error(
      `logloss: labels has length ${labels.length} but probabilities has ` +
        `${probabilities.length}; expected equal lengths`,
    );
  }
  if (labels.length === 0) return NaN;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const raw = probabilities[i];
    if (y !== 0 && y !== 1) throw new Error(`logloss: labels[${i}] = ${y}; expected 0 or 1`);
    if (!(raw >= 0 && raw <= 1)) {
      throw new Error(`logloss: probabilities[${i}] = ${raw}; expected a probability in [0, 1]`);
    }
    const p = Math.min(1 - eps, Math.max(eps, raw));
    total += y === 1 ? -Math.log(p) : -Math.log(1 - p);
  }
  return total / labels.length;
}

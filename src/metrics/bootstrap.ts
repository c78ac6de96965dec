/**
 * Percentile bootstrap confidence interval for AUC: resample rows with replacement
 * `resamples` times (seeded), compute AUC on each resample, take the (1-level)/2 and
 * (1+level)/2 quantiles. Resamples with a single class are redrawn.
 */
import { Rng } from '../random';
import { auc } from './auc';
import { checkLabelsAndScores, NumericArray } from './validate';

export interface BootstrapOptions {
  /** Number of resamples (default 200). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
}

export interface ConfidenceInterval {
  /** AUC on the full data. */
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  resamples: number;
}

/** Linear-interpolated quantile q in [0, 1] of ascending-sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}

export function bootstrapAucCi(
  labels: NumericArray,
  scores: NumericArray,
  options: BootstrapOptions = {},
): ConfidenceInterval {
  checkLabelsAndScores('bootstrapAucCi', labels, scores);
  const resamples = options.resamples ?? 200;
  const level = options.level ?? 0.95;
  if (!(resamples >= 1 && Number.isInteger(resamples))) {
    throw new Error(`bootstrapAucCi: resamples = ${resamples}; expected a positive integer`);
  }
  if (!(level > 0 && level < 1)) throw new Error(`bootstrapAucCi: level = ${level}; expected 0 < level < 1`);
  const estimate = auc(labels, scores);
  if (Number.isNaN(estimate)) {
    return { estimate, lower: NaN, upper: NaN, level, resamples };
  }
  const rng = new Rng(options.seed ?? 0);
  const n = labels.length;
  const rows = new Uint32Array(n);
  const values = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let value = NaN;
    while (Number.isNaN(value)) {
      for (let i = 0; i < n; i++) rows[i] = rng.int(0, n);
      value = auc(labels, scores, rows);
    }
    values[r] = value;
  }
  values.sort();
  return {
    estimate,
    lower: quantileSorted(values, (1 - level) / 2),
    upper: quantileSorted(values, (1 + level) / 2),
    level,
    resamples,
  };
}

/**
 * Paired t-test across seeds: d_i = a_i - b_i, t = mean(d) / (sd(d) / sqrt(n)), df = n - 1,
 * two-sided p-value from the Student t distribution.
 */
import { mean, sampleStd } from './describe';
import { studentTTwoSidedP } from './studentT';
import { NumericArray } from './validate';

export interface PairedTTestResult {
  /** Number of pairs. */
  n: number;
  /** mean(a - b). */
  meanDifference: number;
  /** The t statistic (+-Infinity when all differences are equal and non-zero). */
  t: number;
  df: number;
  /** Two-sided p-value; NaN with fewer than 2 pairs; 1 when all differences are 0. */
  pValue: number;
}

/** Paired two-sided t-test of `a` against `b` (same length, paired by index). */
export function pairedTTest(a: NumericArray, b: NumericArray): PairedTTestResult {
  if (a.length !== b.length) {
    throw new Error(`pairedTTest: a has ${a.length} values but b has ${b.length}; expected pairs of equal length`);
  }
  const n = a.length;
  const differences = new Float64Array(n);
  for (let i = 0; i < n; i++) differences[i] = a[i] - b[i];
  const meanDifference = mean(differences);
  if (n < 2) return { n, meanDifference, t: NaN, df: Math.max(0, n - 1), pValue: NaN };
  const sd = sampleStd(differences);
  const df = n - 1;
  if (sd === 0) {
    if (meanDifference === 0) return { n, meanDifference, t: 0, df, pValue: 1 };
    return { n, meanDifference, t: meanDifference > 0 ? Infinity : -Infinity, df, pValue: 0 };
  }
  const t = meanDifference / (sd / Math.sqrt(n));
  return { n, meanDifference, t, df, pValue: studentTTwoSidedP(t, df) };
}

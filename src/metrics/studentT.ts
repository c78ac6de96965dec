/**
 * Student t distribution with `df` degrees of freedom:
 *   P(T <= t) = 1 - I_x(df/2, 1/2) / 2 for t >= 0, with x = df / (df + t^2),
 * and by symmetry for t < 0.
 */
import { regularizedIncompleteBeta } from './specialFunctions';

/** Cumulative distribution function of Student's t. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTCdf: df = ${df}; expected degrees of freedom > 0`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Two-sided p-value P(|T| >= |t|). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTTwoSidedP: df = ${df}; expected degrees of freedom > 0`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

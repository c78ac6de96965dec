/** Mean and sample standard deviation (n - 1 in the denominator; 0 for one value). */
import { NumericArray } from './validate';

export function mean(values: NumericArray): number {
  if (values.length === 0) return NaN;
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total / values.length;
}

export function sampleStd(values: NumericArray): number {
  const n = values.length;
  if (n === 0) return NaN;
  if (n === 1) return 0;
  const m = mean(values);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - m) ** 2;
  return Math.sqrt(squares / (n - 1));
}

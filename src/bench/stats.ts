/**
 * Summary statistics of repeated timings: median and spread (no timing happens here).
 */

export interface TimingSummary {
  /** Number of samples. */
  n: number;
  median: number;
  /** 10th and 90th percentiles (linear interpolation between order statistics). */
  p10: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
  /** Median absolute deviation from the median. */
  mad: number;
}

/** The q-quantile (0 <= q <= 1) of already sorted values, interpolating linearly (type 7, as numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new Error('quantileSorted: quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantileSorted: q must be in [0, 1], got ${q}`);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Summarises a non-empty sample of finite numbers. */
export function summarize(values: ArrayLike<number>): TimingSummary {
  const xs = Array.from(values);
  if (xs.length === 0) throw new Error('summarize needs at least one value');
  for (const x of xs) if (!Number.isFinite(x)) throw new Error(`summarize got a non-finite value ${x}`);
  const sorted = xs.slice().sort((a, b) => a - b);
  const median = quantileSorted(sorted, 0.5);
  const deviations = sorted.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
  return {
    n: sorted.length,
    median,
    p10: quantileSorted(sorted, 0.1),
    p90: quantileSorted(sorted, 0.9),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    mad: quantileSorted(deviations, 0.5),
  };
}

/**
 * Converts per-step durations (ms) of `batchSize` samples into samples/s per step and
 * summarises them. The median of rates is batchSize * 1000 / median duration.
 */
export function throughputFromStepMs(stepMs: ArrayLike<number>, batchSize: number): TimingSummary {
  if (!(batchSize > 0)) throw new Error(`throughputFromStepMs: batchSize must be positive, got ${batchSize}`);
  const rates = Array.from(stepMs, (ms) => {
    if (!(ms > 0)) throw new Error(`throughputFromStepMs: a step duration must be positive, got ${ms} ms`);
    return (batchSize * 1000) / ms;
  });
  return summarize(rates);
}

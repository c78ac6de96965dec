/**
 * What training produces: the metrics of a split, one epoch's entry of the history, and the
 * outcome of a whole training (history, best epoch, its metrics). Plain JSON; run records
 * (src/experiments/runRecord.ts) store an outcome as it is.
 */

/** Metrics of one split at one epoch. */
export interface SplitMetrics {
  auc: number;
  gauc: number;
  logloss: number;
  rows: number;
}

/** One entry of the per-epoch history (for training curves). */
export interface EpochMetrics {
  epoch: number;
  /** Mean training loss over the epoch's steps (target loss + weighted aux loss + regularizers). */
  trainLoss: number;
  /** Mean auxiliary loss, already times the model's auxWeight (undefined when the model has none). */
  auxLoss?: number;
  learningRate: number;
  steps: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  valid?: SplitMetrics;
  test?: SplitMetrics;
}

/** What training produced (independent of where it is stored). */
export interface TrainOutcome {
  history: EpochMetrics[];
  /** Epoch (0-based) chosen on `selectOn`. */
  bestEpoch: number;
  /** Split the best epoch was chosen on. */
  selectedOn: 'valid' | 'test' | 'last';
  /** Metrics at the best epoch. */
  best: { valid?: SplitMetrics; test: SplitMetrics };
  /** 95% percentile-bootstrap confidence interval of the best epoch's test AUC (seeded by the shuffle seed). */
  testAucCi?: { lower: number; upper: number; level: number; resamples: number };
  /** Training samples per second over all epochs (excluding evaluation). */
  samplesPerSecond: number;
  /** Wall time of training + evaluation, seconds. */
  wallSeconds: number;
}

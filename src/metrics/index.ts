/** Metrics: pure functions over typed arrays. */
export { auc } from './auc';
export { gauc, gaucDetailed } from './gauc';
export type { GaucResult } from './gauc';
export { logloss } from './logloss';
export { relaImpr } from './relaImpr';
export { bootstrapAucCi } from './bootstrap';
export type { BootstrapOptions, ConfidenceInterval } from './bootstrap';
export { studentTCdf, studentTTwoSidedP } from './studentT';
export { logGamma, regularizedIncompleteBeta } from './specialFunctions';
export { pairedTTest } from './pairedTTest';
export type { PairedTTestResult } from './pairedTTest';
export { mean as meanOf, sampleStd as sampleStdOf } from './describe';
export type { NumericArray } from './validate';

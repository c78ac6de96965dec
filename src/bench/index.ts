/**
 * The throughput benchmark: harness, statistics, PyTorch reference runner, record.
 */
export { summarize as summarizeTimings, throughputFromStepMs } from './stats';
export type { TimingSummary } from './stats';
export { BENCH_SHAPE, BENCH_MODELS, BENCH_OPTIMIZER, PYTORCH_REFERENCE_MODEL, benchModelOverrides } from './shape';
export type { BenchShape, BenchModelName } from './shape';
export { makeBenchBatches, parentOf } from './batches';
export type { BenchData } from './batches';
export { measureSubject, phaseFromStepMs, wasmHeapBytes } from './measure';
export type {
  BenchSubject,
  MeasureOptions,
  SubjectMeasurement,
  PhaseMeasurement,
  TensorTrace,
  MemoryTrace,
} from './measure';
export {
  checkPytorch,
  defaultReferenceDir,
  parsePytorchOutput,
  pytorchArgs,
  pytorchEnv,
  runPytorchReference,
  CPU_CLOCK_WRAPPER,
} from './pytorch';
export type { PytorchRun, PytorchAvailability } from './pytorch';
export {
  BENCH_RECORD_SCHEMA,
  ratio as throughputRatio,
  pytorchPairs,
  modelEntry,
  missingEntry,
  validateBenchRecord,
  recordFileName,
  writeBenchRecord,
} from './record';
export type { BenchRecord, BenchModelEntry, PytorchPair } from './record';
export { formatBenchTable } from './table';
export {
  runBench,
  runBenchCommand,
  parseBenchArgs,
  defaultBenchOptions,
  modelSubject,
  BENCH_COMMAND,
} from './runBench';
export type { BenchOptions } from './runBench';
export { modelFlops, limitFraction as flopLimitFraction } from './flops';
export type { FlopCount, FlopShape } from './flops';
export { measureMatMulGflops } from './matMulSpeed';
export { blasRefusal, ensureOptimisedBlas, MIN_REFERENCE_BLAS_GFLOPS } from './referenceBlas';

/**
 * The throughput benchmark (issue 7): harness, statistics, PyTorch reference runner, record.
 */
export { summarize, quantileSorted, throughputFromStepMs } from './stats';
export type { TimingSummary } from './stats';
export { BENCH_SHAPE, BENCH_MODELS, BENCH_OPTIMIZER, PYTORCH_REFERENCE_MODEL, benchModelOverrides } from './shape';
export type { BenchShape, BenchModelName } from './shape';
export { makeBenchBatches, parentOf } from './batches';
export type { BenchData } from './batches';
export { measureSubject, phaseFromStepMs, wasmHeapBytes } from './measure';
export type { BenchSubject, MeasureOptions, SubjectMeasurement, PhaseMeasurement, TensorTrace, MemoryTrace } from './measure';
export { checkPytorch, defaultReferenceDir, parsePytorchOutput, pytorchEnv, runPytorchReference } from './pytorch';
export type { PytorchRun, PytorchAvailability } from './pytorch';
export { BENCH_RECORD_SCHEMA, ratio, pytorchPairs, modelEntry, missingEntry, validateBenchRecord, recordFileName, writeBenchRecord } from './record';
export type { BenchRecord, BenchModelEntry, PytorchPair } from './record';
export { formatBenchTable } from './table';
export { runBench, runBenchCommand, parseBenchArgs, defaultBenchOptions, modelSubject, BENCH_USAGE } from './runBench';
export type { BenchOptions } from './runBench';

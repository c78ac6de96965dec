/**
 * The bench's JSON record: per-model throughput, ratios against the PyTorch reference with
 * the same thread count, tensor and memory traces, and where it ran. Written atomically under
 * `results/bench/` (timestamped file + `latest.json`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomicWrite';
import type { MemoryTrace, SubjectMeasurement, TensorTrace } from './measure';
import type { PytorchRun } from './pytorch';
import { blasRefusal } from './referenceBlas';
import type { BenchModelName, BenchShape } from './shape';
import type { TimingSummary } from './stats';

export const BENCH_RECORD_SCHEMA = 'deep-interest-lab/bench/1';

export interface PytorchPair {
  trainSamplesPerSecond: number;
  scoreSamplesPerSecond: number;
  /** The reference's BLAS speed in that run (GFLOP/s), when reported. */
  blasGflops?: number;
}

export interface BenchModelEntry {
  status: 'ok' | 'skipped' | 'failed';
  /** Why skipped or failed. */
  message?: string;
  /** Median training throughput (samples/s), null unless ok. */
  trainSamplesPerSecond: number | null;
  scoreSamplesPerSecond: number | null;
  /** Samples/s at the slow (p10) and fast (p90) ends of the step-time spread. */
  trainSpread?: { p10: number; p90: number };
  scoreSpread?: { p10: number; p90: number };
  trainStepMs?: TimingSummary;
  scoreStepMs?: TimingSummary;
  /**
   * Samples/s by this process's CPU time per step (see PhaseMeasurement.cpuSamplesPerSecond):
   * the estimate for an idle machine when the wall-clock numbers were taken under load.
   */
  trainCpuSamplesPerSecond?: number;
  scoreCpuSamplesPerSecond?: number;
  /**
   * ours / PyTorch with the same thread count. Our wasm backend runs one thread, so these
   * compare against PyTorch with 1 thread; null when there is no reference for this model.
   */
  ratioTrain: number | null;
  ratioScore: number | null;
  /** ours (1 thread, one process) / PyTorch with 2 threads. */
  ratioTrain2Threads: number | null;
  ratioScore2Threads: number | null;
  /**
   * ours by CPU time / PyTorch (1 thread) by CPU time: both sides' cost with a core to
   * themselves, the comparison to read when the machine was loaded. Null without both.
   */
  ratioTrainCpu?: number | null;
  ratioScoreCpu?: number | null;
  /**
   * THE ratios: ours / PyTorch with as many threads as the machine has cores
   * (`allCoresThreads`, os.availableParallelism()), what a user of this machine gets from
   * PyTorch. Null when that reference did not run or was refused (see `refusals`).
   */
  ratioTrainAllCores?: number | null;
  ratioScoreAllCores?: number | null;
  allCoresThreads?: number;
  /** Why ratios were withheld (a reference on an unoptimised BLAS, or one that did not report it). */
  refusals?: string[];
  /** The reference's numbers by thread count ("1", "2"; "1-cpu" = 1 thread timed by CPU time), when it ran. */
  pytorch: Record<string, PytorchPair> | null;
  tensors?: TensorTrace;
  memory?: MemoryTrace;
  /** FLOPs of one training step and one scoring pass (src/bench/flops.ts). */
  flops?: { trainStep: number; scoring: number };
  /**
   * Fraction of the machine's limit reached: the time the step's FLOPs take at the backend's
   * measured matMul speed (BenchRecord.limit) / the median step time (wall clock; "Cpu": by
   * this process's CPU time per step).
   */
  limitFractionTrain?: number | null;
  limitFractionScore?: number | null;
  limitFractionTrainCpu?: number | null;
  limitFractionScoreCpu?: number | null;
  /** The model's resolved config. */
  config?: unknown;
}

export interface BenchRecord {
  schema: typeof BENCH_RECORD_SCHEMA;
  createdAt: string;
  /** The tfjs backend that ran ('wasm' here; 'tensorflow' where tfjs-node installs). */
  backend: string;
  backendReason: string;
  /** Threads our side used (wasm: 1; the multi-threaded wasm build does not start under Node). */
  oursThreads: number;
  /** The machine's cores (os.availableParallelism()): the PyTorch thread count whose ratio counts. */
  allCoresThreads?: number;
  /** The backend's matMul speed measured in this run: the limit of the FLOP fractions. */
  limit?: { backend: string; n: number; reps: number; matMulGflops: number; medianGflops: number };
  environment: {
    node: string;
    tfjs: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    loadAverageAtStart: number[];
  };
  shape: BenchShape;
  optimizer: unknown;
  warmup: number;
  steps: number;
  /** Kernel replacements active during the run. */
  kernels: string[];
  models: Partial<Record<BenchModelName, BenchModelEntry>>;
  pytorch: {
    available: boolean;
    reason?: string;
    python: string;
    referenceDir: string;
    torchVersion?: string;
    /** What the BLAS setup step found or did (src/bench/referenceBlas.ts). */
    blasSetup?: string;
    runs: Omit<PytorchRun, 'raw'>[];
  };
  notes: string[];
}

/** ours / theirs when both are finite and positive, else null. */
export function ratio(ours: number | null | undefined, theirs: number | null | undefined): number | null {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined) return null;
  if (!(Number.isFinite(ours) && Number.isFinite(theirs) && ours >= 0 && theirs > 0)) return null;
  return ours / theirs;
}

/** The reference's results for one model by thread count. */
export function pytorchPairs(
  runs: Omit<PytorchRun, 'raw'>[],
  model: PytorchRun['model'] | undefined,
): Record<string, PytorchPair> | null {
  if (!model) return null;
  const out: Record<string, PytorchPair> = {};
  for (const r of runs) {
    if (r.model !== model) continue;
    const key = r.clock === 'cpu' ? `${r.threads}-cpu` : String(r.threads);
    out[key] = {
      trainSamplesPerSecond: r.trainSamplesPerSecond,
      scoreSamplesPerSecond: r.scoreSamplesPerSecond,
      ...(r.blasGflops !== undefined ? { blasGflops: r.blasGflops } : {}),
    };
  }
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * ours / the reference run `key` ("1", "2", "1-cpu") for one phase, or null with the reason
 * when that run is missing or its BLAS was too slow to be a fair reference (blasRefusal).
 */
export function guardedRatio(
  ours: number | null | undefined,
  reference: Record<string, PytorchPair> | null,
  key: string,
  phase: 'train' | 'score',
): { ratio: number | null; refused?: string } {
  const pair = reference?.[key];
  if (!pair) return { ratio: null };
  const refused = blasRefusal(pair.blasGflops);
  if (refused) return { ratio: null, refused: `PyTorch ${key} thread(s): ${refused}` };
  return { ratio: ratio(ours, phase === 'train' ? pair.trainSamplesPerSecond : pair.scoreSamplesPerSecond) };
}

/**
 * A model entry from a measurement and the reference's numbers (ratios computed here, each
 * refused when its reference ran on an unoptimised BLAS). `allCoresThreads`: the thread count
 * of the ratio that counts (the machine's cores).
 */
export function modelEntry(
  m: SubjectMeasurement,
  reference: Record<string, PytorchPair> | null,
  oursThreads: number,
  config?: unknown,
  allCoresThreads = oursThreads,
): BenchModelEntry {
  const refusals = new Set<string>();
  const r = (ours: number | undefined, key: string, phase: 'train' | 'score') => {
    const g = guardedRatio(ours, reference, key, phase);
    if (g.refused) refusals.add(g.refused);
    return g.ratio;
  };
  return {
    status: 'ok',
    trainSamplesPerSecond: m.train.samplesPerSecond,
    scoreSamplesPerSecond: m.score.samplesPerSecond,
    trainSpread: { p10: m.train.samplesPerSecondP10, p90: m.train.samplesPerSecondP90 },
    scoreSpread: { p10: m.score.samplesPerSecondP10, p90: m.score.samplesPerSecondP90 },
    trainStepMs: m.train.stepMs,
    scoreStepMs: m.score.stepMs,
    trainCpuSamplesPerSecond: m.train.cpuSamplesPerSecond,
    scoreCpuSamplesPerSecond: m.score.cpuSamplesPerSecond,
    ratioTrainAllCores: r(m.train.samplesPerSecond, String(allCoresThreads), 'train'),
    ratioScoreAllCores: r(m.score.samplesPerSecond, String(allCoresThreads), 'score'),
    allCoresThreads,
    ratioTrain: r(m.train.samplesPerSecond, String(oursThreads), 'train'),
    ratioScore: r(m.score.samplesPerSecond, String(oursThreads), 'score'),
    ratioTrain2Threads: r(m.train.samplesPerSecond, '2', 'train'),
    ratioScore2Threads: r(m.score.samplesPerSecond, '2', 'score'),
    ratioTrainCpu: r(m.train.cpuSamplesPerSecond, '1-cpu', 'train'),
    ratioScoreCpu: r(m.score.cpuSamplesPerSecond, '1-cpu', 'score'),
    ...(refusals.size > 0 ? { refusals: [...refusals] } : {}),
    pytorch: reference,
    tensors: m.tensors,
    memory: m.memory,
    config,
  };
}

/** An entry for a model that did not run. */
export function missingEntry(
  status: 'skipped' | 'failed',
  message: string,
  reference: Record<string, PytorchPair> | null = null,
): BenchModelEntry {
  return {
    status,
    message,
    trainSamplesPerSecond: null,
    scoreSamplesPerSecond: null,
    ratioTrain: null,
    ratioScore: null,
    ratioTrain2Threads: null,
    ratioScore2Threads: null,
    pytorch: reference,
  };
}

/** Problems with a parsed record (empty when it has the documented shape). */
export function validateBenchRecord(x: unknown): string[] {
  const errors: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(x)) return ['record is not an object'];
  if (x.schema !== BENCH_RECORD_SCHEMA)
    errors.push(`schema must be "${BENCH_RECORD_SCHEMA}", got ${JSON.stringify(x.schema)}`);
  if (typeof x.backend !== 'string' || x.backend === '') errors.push('backend must be a non-empty string');
  if (typeof x.createdAt !== 'string' || Number.isNaN(Date.parse(x.createdAt)))
    errors.push('createdAt must be an ISO date');
  if (!isObj(x.models)) return [...errors, 'models must be an object'];
  const nullableNumber = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
  for (const [name, entry] of Object.entries(x.models)) {
    if (!isObj(entry)) {
      errors.push(`models.${name} must be an object`);
      continue;
    }
    if (!['ok', 'skipped', 'failed'].includes(entry.status as string))
      errors.push(`models.${name}.status must be ok, skipped or failed`);
    for (const f of ['trainSamplesPerSecond', 'scoreSamplesPerSecond', 'ratioTrain', 'ratioScore']) {
      if (!(f in entry) || !nullableNumber(entry[f])) errors.push(`models.${name}.${f} must be a number or null`);
    }
    if (entry.status === 'ok') {
      for (const f of ['trainSamplesPerSecond', 'scoreSamplesPerSecond']) {
        if (!(typeof entry[f] === 'number' && (entry[f] as number) > 0))
          errors.push(`models.${name}.${f} must be positive when status is ok`);
      }
    }
  }
  return errors;
}

/** `bench-2026-11-24T07-30-00-000Z.json` for a date. */
export function recordFileName(date: Date): string {
  return `bench-${date.toISOString().replace(/[:.]/g, '-')}.json`;
}

/** Writes the record to `<dir>/<recordFileName>` and `<dir>/latest.json` (each atomically). */
export function writeBenchRecord(record: BenchRecord, dir: string): { file: string; latest: string } {
  const errors = validateBenchRecord(record);
  if (errors.length > 0)
    throw new Error(`writeBenchRecord: refusing to write an invalid bench record: ${errors.join('; ')}`);
  fs.mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(record, null, 2)}\n`;
  const file = path.join(dir, recordFileName(new Date(record.createdAt)));
  const latest = path.join(dir, 'latest.json');
  writeFileAtomic(file, text);
  writeFileAtomic(latest, text);
  return { file, latest };
}

/**
 * Times one model's training steps and scoring steps on a fixed set of batches, and watches
 * tensors and memory while doing it. Backend-agnostic: the subject does the work.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batch';
import { summarize, TimingSummary } from './stats';

/** What the harness drives: one training step / one scoring pass on a batch. */
export interface BenchSubject {
  train(batch: Batch): void;
  score(batch: Batch): void;
  dispose(): void;
}

export interface MeasureOptions {
  /** Untimed steps before each timed phase (heap growth, kernel caches). */
  warmup: number;
  /** Timed steps per phase (>= 1; >= 50 for a result). */
  steps: number;
  /** Milliseconds clock; injectable for tests. Default performance.now. */
  clock?: () => number;
  /** This process's CPU time in ms (user + system); injectable for tests. Default process.cpuUsage. */
  cpuClock?: () => number;
  /** Live tensor count; injectable for tests. Default tf.memory().numTensors. */
  tensorCount?: () => number;
  /** Called after every step (phase, index within the phase, total steps of the phase). */
  onStep?: (phase: 'warmup-train' | 'train' | 'warmup-score' | 'score', index: number, total: number) => void;
}

export interface TensorTrace {
  /** Live tensors before the first step. */
  beforeRun: number;
  /** After the training warm-up. */
  afterWarmup: number;
  /** Smallest and largest count seen after any timed step. */
  minDuringRun: number;
  maxDuringRun: number;
  /** After the last scoring step. */
  afterRun: number;
  /** afterRun - afterWarmup; must be 0 (nothing accumulates with steps). */
  growth: number;
}

export interface MemoryTrace {
  /** Largest resident set size seen after a step (bytes). */
  rssPeakBytes: number;
  /** Largest V8 heap used (bytes). */
  jsHeapPeakBytes: number;
  /** Largest tf.memory().numBytes (bytes held by live tensors). */
  tensorBytesPeak: number;
  /** Size of the wasm heap after the run (bytes), when the backend is wasm. */
  wasmHeapBytes?: number;
}

export interface PhaseMeasurement {
  /** Per-step wall time (ms). */
  stepMs: TimingSummary;
  /** batchSize * 1000 / median step ms. */
  samplesPerSecond: number;
  /** Samples/s at the 90th and 10th percentile step times (fast and slow end of the spread). */
  samplesPerSecondP90: number;
  samplesPerSecondP10: number;
  /**
   * Per-step CPU time of this process (ms) and batchSize * 1000 / its median: what the step
   * costs when it has a core to itself. On a machine shared with other work the wall-clock
   * numbers above include waiting for a core; this one mostly does not.
   */
  cpuStepMs?: TimingSummary;
  cpuSamplesPerSecond?: number;
}

export interface SubjectMeasurement {
  train: PhaseMeasurement;
  score: PhaseMeasurement;
  tensors: TensorTrace;
  memory: MemoryTrace;
}

/** Throughput of a phase from its step times: samples/s at the median, fast (p10 time) and slow (p90 time) ends. */
export function phaseFromStepMs(stepMs: number[], batchSize: number): PhaseMeasurement {
  if (!(batchSize > 0)) throw new Error(`phaseFromStepMs: batchSize must be positive, got ${batchSize}`);
  const s = summarize(stepMs);
  if (!(s.min > 0)) throw new Error(`phaseFromStepMs: step times must be positive, got min ${s.min} ms`);
  return {
    stepMs: s,
    samplesPerSecond: (batchSize * 1000) / s.median,
    samplesPerSecondP90: (batchSize * 1000) / s.p10,
    samplesPerSecondP10: (batchSize * 1000) / s.p90,
  };
}

/** Adds the CPU-time summary to a phase (left out when the CPU clock did not advance). */
function withCpu(p: PhaseMeasurement, cpuMs: number[], batchSize: number): PhaseMeasurement {
  const s = summarize(cpuMs);
  if (!(s.median > 0)) return p;
  return { ...p, cpuStepMs: s, cpuSamplesPerSecond: (batchSize * 1000) / s.median };
}

/** The wasm heap size, read from the active backend when it is wasm (undefined otherwise). */
export function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.buffer.byteLength;
}

/**
 * Runs `warmup` + `steps` training steps, then `warmup` + `steps` scoring steps, cycling
 * through `batches`. Every step's batch has `batch.size` samples.
 */
export function measureSubject(subject: BenchSubject, batches: Batch[], options: MeasureOptions): SubjectMeasurement {
  const where = 'measureSubject';
  if (batches.length === 0) throw new Error(`${where}: no batches`);
  if (!(Number.isInteger(options.warmup) && options.warmup >= 0))
    throw new Error(`${where}: warmup must be an integer >= 0, got ${options.warmup}`);
  if (!(Number.isInteger(options.steps) && options.steps >= 1))
    throw new Error(`${where}: steps must be an integer >= 1, got ${options.steps}`);
  const clock = options.clock ?? (() => performance.now());
  const cpuClock =
    options.cpuClock ??
    (() => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000;
    });
  const count = options.tensorCount ?? (() => tf.memory().numTensors);
  const batchSize = batches[0].size;
  const memory: MemoryTrace = { rssPeakBytes: 0, jsHeapPeakBytes: 0, tensorBytesPeak: 0 };
  const sampleMemory = () => {
    const m = process.memoryUsage();
    memory.rssPeakBytes = Math.max(memory.rssPeakBytes, m.rss);
    memory.jsHeapPeakBytes = Math.max(memory.jsHeapPeakBytes, m.heapUsed);
    memory.tensorBytesPeak = Math.max(memory.tensorBytesPeak, tf.memory().numBytes);
  };
  const beforeRun = count();
  let minDuringRun = Infinity;
  let maxDuringRun = -Infinity;
  let cursor = 0;
  const next = () => batches[cursor++ % batches.length];
  let afterWarmup = beforeRun;
  /** Warm-up steps, then timed steps; returns the timed steps' wall and CPU durations (ms). */
  const phase = (kind: 'train' | 'score'): { wall: number[]; cpu: number[] } => {
    const run = kind === 'train' ? (b: Batch) => subject.train(b) : (b: Batch) => subject.score(b);
    for (let i = 0; i < options.warmup; i++) {
      run(next());
      options.onStep?.(kind === 'train' ? 'warmup-train' : 'warmup-score', i, options.warmup);
    }
    // Baseline for the leak check: after the training warm-up (optimizer state exists by then).
    if (kind === 'train') afterWarmup = count();
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      const batch = next();
      const c0 = cpuClock();
      const t0 = clock();
      run(batch);
      times.push(clock() - t0);
      cpu.push(cpuClock() - c0);
      const n = count();
      minDuringRun = Math.min(minDuringRun, n);
      maxDuringRun = Math.max(maxDuringRun, n);
      sampleMemory();
      options.onStep?.(kind, i, options.steps);
    }
    return { wall: times, cpu };
  };
  const trainTimes = phase('train');
  const scoreTimes = phase('score');
  const afterRun = count();
  memory.wasmHeapBytes = wasmHeapBytes();
  return {
    train: withCpu(phaseFromStepMs(trainTimes.wall, batchSize), trainTimes.cpu, batchSize),
    score: withCpu(phaseFromStepMs(scoreTimes.wall, batchSize), scoreTimes.cpu, batchSize),
    tensors: { beforeRun, afterWarmup, minDuringRun, maxDuringRun, afterRun, growth: afterRun - afterWarmup },
    memory,
  };
}

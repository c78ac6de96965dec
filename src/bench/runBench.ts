/**
 * The throughput benchmark: for DIN, DIEN, DMIN and DHAN at the fixed shape, training and
 * scoring samples/s (median over `steps` after `warmup`, with spread), peak memory and live
 * tensors; then the PyTorch reference (1 and 2 threads) in the same invocation; a table and
 * a JSON record under `results/bench/`.
 *
 * Entry points: `npm run bench` (bench/run.ts) and `dil bench`, both via `runBenchCommand(argv)`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend, wasmThreadsRequested } from '../backend';
import {
  commandLabel,
  CommandSpec,
  flagAtLeast,
  flagBool,
  flagList,
  flagNumber,
  flagString,
  formatHelp,
  parseArgs,
  UsageError,
} from '../cli/args';
import { CliIo, processIo } from '../cli/io';
import type { Batch, FeatureSizes } from '../data/batch';
import { createModel, CtrModel } from '../models';
import { fastWasmKernelsInstalled, installFastWasmKernels } from '../ops';
import { createOptimizer } from '../train/optimizers';
import { predict, trainStep } from '../train/step';
import { makeBenchBatches } from './batches';
import { limitFraction, modelFlops } from './flops';
import { measureMatMulGflops } from './matMulSpeed';
import { ensureOptimisedBlas } from './referenceBlas';
import { parseScaleArgs, runScaleCommand, SCALE_COMMAND } from './scale';
import { EPOCH_COMMAND, parseEpochArgs, runEpochCommand } from './epoch';
import { buildClusterGroupings } from '../layers/hierarchicalAttention';
import { BenchSubject, measureSubject } from './measure';
import {
  checkPytorch,
  defaultReferenceDir,
  IN_PROJECT_REFERENCE,
  inProjectReferenceProblem,
  PytorchRun,
  referenceInput,
  runPytorchReference,
} from './pytorch';
import { BenchRecord, BENCH_RECORD_SCHEMA, missingEntry, modelEntry, pytorchPairs, writeBenchRecord } from './record';
import {
  BENCH_MODELS,
  BENCH_OPTIMIZER,
  BENCH_SHAPE,
  benchModelOverrides,
  BenchModelName,
  PYTORCH_REFERENCE_MODEL,
} from './shape';
import { formatBenchTable } from './table';

export interface BenchOptions {
  models: BenchModelName[];
  warmup: number;
  steps: number;
  /** Distinct batches cycled through (the reference uses 16). */
  batches: number;
  seed: number;
  /** Warm-up and timed steps of each reference run (default: warmup and steps). */
  pytorchWarmup?: number;
  pytorchSteps?: number;
  /** PyTorch thread counts to run (empty = skip the reference). */
  pytorchThreads: number[];
  /** Also run the 1-thread reference timed by CPU time (for comparisons on a loaded machine). */
  pytorchCpuClock: boolean;
  python: string;
  /** Where ref_din.py lives. */
  pytorchDir: string;
  /** Directory of the JSON records. */
  resultsDir: string;
  /** Skip writing the record. */
  noWrite: boolean;
  /** Print progress lines. */
  verbose: boolean;
  /** Install the optimised BLAS for the reference with apt-get when missing (as root). */
  installBlas: boolean;
}

/** Threads of the PyTorch run whose ratio counts: every core of this machine. */
export function allCoresThreads(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** The repository root (two levels above this file, in src/ or dist/). */
export function repoRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

export function defaultBenchOptions(root: string = repoRoot()): BenchOptions {
  return {
    models: [...BENCH_MODELS],
    warmup: 10,
    steps: 50,
    batches: 16,
    seed: 1,
    pytorchThreads: [...new Set([1, allCoresThreads()])],
    pytorchCpuClock: true,
    python: '/usr/bin/python3',
    pytorchDir: defaultReferenceDir(root),
    resultsDir: path.join(root, 'results', 'bench'),
    noWrite: false,
    verbose: true,
    installBlas: true,
  };
}

export const BENCH_COMMAND: CommandSpec = {
  name: 'bench',
  summary:
    'Throughput and memory benchmarks per model, beside the PyTorch reference; e.g. ' +
    'dil bench --models din,dien --steps 50',
  usage: 'dil bench [flags]   (or: npm run bench -- [flags])',
  flags: [
    { name: 'models', type: 'list', values: BENCH_MODELS, description: 'models to measure', defaultText: 'all four' },
    { name: 'steps', type: 'int', description: 'timed steps per phase (>= 50 for a result)', defaultText: '50' },
    { name: 'warmup', type: 'int', description: 'untimed steps before each phase', defaultText: '10' },
    { name: 'batches', type: 'int', description: 'distinct batches cycled through', defaultText: '16' },
    { name: 'seed', type: 'seed', description: 'data and weight seed', defaultText: '1' },
    {
      name: 'pytorch-threads',
      type: 'list',
      description:
        "thread counts of the PyTorch reference (the all-cores ratio is the one that counts); 'none' skips it",
      defaultText: "1 and this machine's core count",
    },
    {
      name: 'no-install-blas',
      type: 'boolean',
      description: "never apt-get install the reference's optimised BLAS (libopenblas0-pthread)",
    },
    { name: 'pytorch-steps', type: 'int', description: 'timed steps of each reference run', defaultText: '--steps' },
    {
      name: 'pytorch-warmup',
      type: 'int',
      description: 'warm-up steps of each reference run',
      defaultText: '--warmup',
    },
    {
      name: 'no-pytorch-cpu-clock',
      type: 'boolean',
      description: 'skip the extra 1-thread reference run timed by CPU time',
    },
    {
      name: 'python',
      type: 'string',
      description: 'Python with torch for the reference',
      defaultText: '/usr/bin/python3',
    },
    {
      name: 'pytorch-dir',
      type: 'string',
      description: 'folder of ref_din.py',
      defaultText: '<repo>/../shared/bench/pytorch-reference, or DIL_PYTORCH_REFERENCE',
    },
    { name: 'results', type: 'string', description: 'folder of the JSON records', defaultText: '<repo>/results/bench' },
    { name: 'no-write', type: 'boolean', description: 'do not write the JSON record' },
    { name: 'quiet', type: 'boolean', description: 'no progress lines' },
    {
      name: 'scale',
      type: 'boolean',
      description:
        'instead: data at the size of Amazon Electronics and fractions of it (build ' +
        'time, memory, DIN training); --scale --help for its flags',
    },
    {
      name: 'epoch',
      type: 'boolean',
      description:
        'instead: one real-data epoch of DIN, DIEN, DMIN on Amazon Beauty beside the ' +
        "peer's epoch times; --epoch --help for its flags",
    },
  ],
  examples: [
    'dil bench --models din,dien --steps 50',
    'npm run bench -- --pytorch-threads none --no-write',
    'dil bench --scale --help',
  ],
};

/** Parses bench flags over `base`; throws a UsageError naming the flag on bad input. */
export function parseBenchArgs(argv: string[], base: BenchOptions = defaultBenchOptions()): BenchOptions {
  const args = parseArgs(BENCH_COMMAND, argv);
  const label = commandLabel(BENCH_COMMAND);
  if (args.positionals.length > 0)
    throw new UsageError(`${label}: unexpected argument "${args.positionals[0]}"; see ${label} --help`);
  const at = (name: string, min: number, fallback: number): number =>
    flagAtLeast(BENCH_COMMAND, args, name, min) ?? fallback;
  const o: BenchOptions = { ...base, models: [...base.models], pytorchThreads: [...base.pytorchThreads] };
  const models = flagList(args, 'models');
  if (models?.length === 0) throw new UsageError(`${label}: --models needs at least one of ${BENCH_MODELS.join(', ')}`);
  if (models) o.models = models as BenchModelName[];
  o.steps = at('steps', 1, o.steps);
  o.warmup = at('warmup', 0, o.warmup);
  o.batches = at('batches', 1, o.batches);
  o.seed = flagNumber(args, 'seed') ?? o.seed;
  const threads = flagList(args, 'pytorch-threads');
  if (threads) {
    const counts = threads.map(Number);
    const none = threads.length === 1 && threads[0] === 'none';
    if (!none && (counts.length === 0 || !counts.every((n) => Number.isInteger(n) && n >= 1))) {
      throw new UsageError(
        `${label}: --pytorch-threads expects 'none' or a comma list of integers >= 1, got "${threads.join(',')}"`,
      );
    }
    o.pytorchThreads = none ? [] : counts;
  }
  o.pytorchSteps = flagAtLeast(BENCH_COMMAND, args, 'pytorch-steps', 1) ?? o.pytorchSteps;
  o.pytorchWarmup = flagAtLeast(BENCH_COMMAND, args, 'pytorch-warmup', 0) ?? o.pytorchWarmup;
  if (flagBool(args, 'no-pytorch-cpu-clock')) o.pytorchCpuClock = false;
  o.python = flagString(args, 'python') ?? o.python;
  const dir = (name: string, fallback: string): string => {
    const v = flagString(args, name);
    return v === undefined ? fallback : path.resolve(v);
  };
  o.pytorchDir = dir('pytorch-dir', o.pytorchDir);
  o.resultsDir = dir('results', o.resultsDir);
  if (flagBool(args, 'no-install-blas')) o.installBlas = false;
  if (flagBool(args, 'no-write')) o.noWrite = true;
  if (flagBool(args, 'quiet')) o.verbose = false;
  if (o.steps < 50 && o.verbose)
    console.warn(`bench: --steps ${o.steps} is below 50; fine for a smoke run, not for the README`);
  return o;
}

/** `batch` without the auxiliary negatives. */
export function withoutNegatives(batch: Batch): Batch {
  const { negHistItems: _items, negHistCats: _cats, ...rest } = batch;
  return rest;
}

/**
 * A model driven through the kit's own trainStep / predict with Adam 1e-3. A model without an
 * auxiliary loss gets the batches without their negatives, as the trainer gives them
 * (otherwise their embeddings are gathered, uploaded and differentiated for nothing).
 */
export function modelSubject(
  name: BenchModelName,
  sizes: FeatureSizes,
  seed: number,
): { subject: BenchSubject; config: unknown; behaviourDim: number; model: CtrModel } {
  const model = createModel(name, benchModelOverrides(name), sizes, seed);
  const optimizer = createOptimizer({ ...BENCH_OPTIMIZER });
  const needsNegatives = model.auxWeight > 0;
  const plain = new WeakMap<Batch, Batch>();
  const input = (b: Batch): Batch => {
    if (needsNegatives) return b;
    let p = plain.get(b);
    if (!p) plain.set(b, (p = withoutNegatives(b)));
    return p;
  };
  return {
    model,
    config: model.config,
    behaviourDim: model.embeddings.behaviourDim,
    subject: {
      train: (b: Batch) => {
        trainStep(model, input(b), optimizer);
      },
      score: (b: Batch) => {
        predict(model, input(b));
      },
      dispose: () => model.dispose(),
    },
  };
}

function log(o: BenchOptions, msg: string): void {
  if (o.verbose) console.log(msg);
}

/**
 * DHAN's clusters per row at each grouping level of each hierarchy dimension, averaged over
 * `batches` (each batch runs over its padded maximum), for the FLOP count.
 */
export function meanClusters(batches: Batch[], dimensions: number[][]): number[][] {
  return dimensions.map((levels) => {
    const sums = levels.map(() => 0);
    for (const b of batches) {
      const g = buildClusterGroupings(
        b.size,
        b.maxLen,
        b.histMask,
        levels.map((l) => b.histCats[l]),
      );
      g.forEach((x, i) => (sums[i] += x.clusters));
    }
    return sums.map((x) => x / batches.length);
  });
}

/**
 * Whether the PyTorch DHAN pooled over as many cluster slots per row as the kit: `clusters` of
 * ref_dmin_dhan.py's output (per dimension and level, averaged over the batches) against the kit's
 * `meanClusters`. Unequal counts mean unequal work, and the note says the ratio is not comparable.
 */
export function dhanClusterNote(referenceOutput: unknown, kit: number[][]): string {
  const show = (cs: number[][]) => cs.map((levels) => levels.map((c) => c.toFixed(1)).join(' -> ')).join('; ');
  const reported = (referenceOutput as { clusters?: unknown } | undefined)?.clusters;
  const valid =
    Array.isArray(reported) &&
    reported.every((levels) => Array.isArray(levels) && levels.every((c) => typeof c === 'number'));
  if (!valid)
    return (
      'PyTorch DHAN did not report its cluster slots per row (field clusters of ref_dmin_dhan.py): ' +
      'cannot check that it pools over the same slots as the kit'
    );
  const ref = reported as number[][];
  const same =
    ref.length === kit.length &&
    ref.every((levels, k) => levels.length === kit[k].length && levels.every((c, l) => Math.abs(c - kit[k][l]) < 1e-9));
  return same
    ? `PyTorch DHAN pools each row's own clusters, as the kit: ${show(kit)} slots per row (padded to the batch maximum)`
    : `PyTorch DHAN pooled over ${show(ref)} cluster slots per row, the kit over ${show(kit)}: ` +
        'unequal work, the DHAN ratio is not comparable';
}

/** Runs the whole benchmark; returns the record (written unless noWrite). */
export async function runBench(
  options: BenchOptions,
): Promise<{ record: BenchRecord; table: string; files?: { file: string; latest: string } }> {
  const backend = await useBestBackend({ quiet: !options.verbose });
  const kernels: string[] = ['UnsortedSegmentSum (src/kernels)'];
  if (backend.name === 'wasm') {
    if (!fastWasmKernelsInstalled()) installFastWasmKernels();
    kernels.push('Slice/Unpack/SplitV copy-free (src/ops)');
  }
  const createdAt = new Date().toISOString();
  const loadAverageAtStart = os.loadavg();
  const notes: string[] = [];
  if (loadAverageAtStart[0] > 1.5) {
    notes.push(
      `load average ${loadAverageAtStart[0].toFixed(2)} at start on ` +
        `${os.cpus().length} cores: other processes compete, numbers are noisy`,
    );
  }
  if (loadAverageAtStart[0] > 0.5 && allCoresThreads() > 1) {
    notes.push(
      `PyTorch with ${allCoresThreads()} threads needs every core and waits whenever ` +
        `another process holds one (load average ${loadAverageAtStart[0].toFixed(2)} ` +
        `here): its wall-clock rate, and the all-cores ratio, hold only on an idle ` +
        `machine; the CPU-time ratios (second table, one thread each) are the ` +
        `estimate to read`,
    );
  }
  const data = makeBenchBatches(options.batches, options.seed);
  const record: BenchRecord = {
    schema: BENCH_RECORD_SCHEMA,
    createdAt,
    backend: backend.name,
    backendReason: backend.reason,
    oursThreads: 1,
    allCoresThreads: allCoresThreads(),
    environment: {
      node: process.version,
      tfjs: (tf.version as Record<string, string>).tfjs ?? tf.version_core,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart,
    },
    shape: { ...BENCH_SHAPE },
    optimizer: { ...BENCH_OPTIMIZER },
    warmup: options.warmup,
    steps: options.steps,
    kernels,
    models: {},
    pytorch: { available: false, python: options.python, referenceDir: options.pytorchDir, runs: [] },
    notes,
  };
  if (backend.name === 'wasm')
    notes.push(
      `wasm backend: ${wasmThreadsRequested() ?? 1} thread(s) (DIL_WASM_THREADS; the threaded build is off by ` +
        'default, bench/NOTES.md §10); "2 threads" compares one process of ours with PyTorch using 2 threads',
    );

  const limit = measureMatMulGflops(512, 8);
  record.limit = {
    backend: backend.name,
    n: limit.n,
    reps: limit.reps,
    matMulGflops: limit.bestGflops,
    medianGflops: limit.medianGflops,
  };
  log(
    options,
    `bench: ${backend.name} matMul [${limit.n}, ${limit.n}] x [${limit.n}, ` +
      `${limit.n}]: ${limit.bestGflops.toFixed(1)} GFLOP/s (best of ${limit.reps}; ` +
      `median ${limit.medianGflops.toFixed(1)})`,
  );
  const measured = new Map<BenchModelName, ReturnType<typeof measureSubject>>();
  const flops = new Map<BenchModelName, { trainStep: number; scoring: number }>();
  const configs = new Map<BenchModelName, unknown>();
  const failures = new Map<BenchModelName, { status: 'skipped' | 'failed'; message: string }>();
  for (const name of options.models) {
    let made: ReturnType<typeof modelSubject>;
    try {
      made = modelSubject(name, data.sizes, options.seed);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.set(name, { status: 'skipped', message });
      log(options, `bench: ${name} skipped: ${message}`);
      continue;
    }
    configs.set(name, made.config);
    const dims = name === 'dhan' ? ((made.config as { dimensions?: number[][] }).dimensions ?? []) : [];
    const count = modelFlops(name, made.config, {
      B: BENCH_SHAPE.batchSize,
      T: BENCH_SHAPE.maxLen,
      De: made.behaviourDim,
      clusters: dims.length > 0 ? meanClusters(data.batches, dims) : undefined,
    });
    flops.set(name, { trainStep: count.trainStep, scoring: count.scoring });
    try {
      log(
        options,
        `bench: ${name}: ${options.warmup} warm-up + ${options.steps} timed training ` +
          `steps, then the same for scoring ...`,
      );
      const m = measureSubject(made.subject, data.batches, { warmup: options.warmup, steps: options.steps });
      measured.set(name, m);
      log(
        options,
        `bench: ${name}: train ${Math.round(m.train.samplesPerSecond)} samples/s (median ` +
          `step ${m.train.stepMs.median.toFixed(1)} ms), score ` +
          `${Math.round(m.score.samplesPerSecond)} samples/s, tensors ` +
          `${m.tensors.afterWarmup} -> ${m.tensors.afterRun}`,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.set(name, { status: 'failed', message });
      log(options, `bench: ${name} failed: ${message}`);
    } finally {
      made.subject.dispose();
    }
  }

  // The reference runs after ours, never alongside (both would compete for the 2 cores).
  const runs: PytorchRun[] = [];
  const wanted = [...new Set(options.models.map((m) => PYTORCH_REFERENCE_MODEL[m]))];
  if (options.pytorchThreads.length === 0) {
    record.pytorch.reason = 'skipped (--pytorch-threads none)';
  } else if (wanted.length > 0) {
    const blas = ensureOptimisedBlas({ install: options.installBlas });
    record.pytorch.blasSetup = blas.message;
    log(options, `bench: reference BLAS: ${blas.message}`);
    if (!blas.ok) notes.push(`reference BLAS: ${blas.message}`);
    const avail = checkPytorch(options.python, options.pytorchDir);
    record.pytorch.available = avail.available;
    record.pytorch.torchVersion = avail.torchVersion;
    if (!avail.available) {
      record.pytorch.reason = avail.reason;
      log(options, `bench: PyTorch reference skipped: ${avail.reason}`);
    } else {
      const plan: { threads: number; clock: 'wall' | 'cpu' }[] = options.pytorchThreads.map((threads) => ({
        threads,
        clock: 'wall' as const,
      }));
      if (options.pytorchCpuClock) plan.push({ threads: 1, clock: 'cpu' });
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-bench-ref-'));
      try {
        for (const model of wanted) {
          let input: string | undefined;
          if (IN_PROJECT_REFERENCE.includes(model)) {
            const name = options.models.find((m) => PYTORCH_REFERENCE_MODEL[m] === model) as BenchModelName;
            const problem =
              inProjectReferenceProblem(repoRoot(), model) ??
              (configs.has(name)
                ? undefined
                : `the kit's ${name} did not build, so there is no config to give the reference`);
            if (problem) {
              notes.push(`PyTorch ${model} reference not run: ${problem}`);
              log(options, `bench: PyTorch ${model} reference not run: ${problem}`);
              continue;
            }
            input = path.join(tmp, `${name}.json`);
            fs.writeFileSync(input, referenceInput(model, configs.get(name), data.sizes, data.batches));
          }
          for (const { threads, clock } of plan) {
            log(
              options,
              `bench: PyTorch reference ${model}, ${threads} ` +
                `thread(s)${clock === 'cpu' ? ', timed by CPU time' : ''} ...`,
            );
            try {
              const run = runPytorchReference({
                python: options.python,
                referenceDir: options.pytorchDir,
                model,
                threads,
                warmup: options.pytorchWarmup ?? options.warmup,
                steps: options.pytorchSteps ?? options.steps,
                clock,
                repoRoot: repoRoot(),
                input,
              });
              runs.push(run);
              if (model === 'DHAN' && !runs.some((r) => r !== run && r.model === 'DHAN')) {
                const name = options.models.find((m) => PYTORCH_REFERENCE_MODEL[m] === model) as BenchModelName;
                const dims = (configs.get(name) as { dimensions?: number[][] }).dimensions ?? [];
                notes.push(dhanClusterNote(run.raw, meanClusters(data.batches, dims)));
              }
            } catch (err) {
              const message = err instanceof Error ? err.message : String(err);
              notes.push(`PyTorch ${model} with ${threads} threads (${clock} clock) failed: ${message}`);
              log(options, `bench: ${message}`);
            }
          }
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
  }
  record.pytorch.runs = runs.map(({ raw: _raw, ...rest }) => rest);

  for (const name of options.models) {
    const reference = pytorchPairs(record.pytorch.runs, PYTORCH_REFERENCE_MODEL[name]);
    const m = measured.get(name);
    const f = flops.get(name);
    if (m) {
      const entry = modelEntry(m, reference, record.oursThreads, configs.get(name), record.allCoresThreads);
      if (f) {
        entry.flops = f;
        entry.limitFractionTrain = limitFraction(f.trainStep, m.train.stepMs.median, limit.bestGflops);
        entry.limitFractionScore = limitFraction(f.scoring, m.score.stepMs.median, limit.bestGflops);
        entry.limitFractionTrainCpu = m.train.cpuStepMs
          ? limitFraction(f.trainStep, m.train.cpuStepMs.median, limit.bestGflops)
          : null;
        entry.limitFractionScoreCpu = m.score.cpuStepMs
          ? limitFraction(f.scoring, m.score.cpuStepMs.median, limit.bestGflops)
          : null;
      }
      record.models[name] = entry;
    } else {
      const f = failures.get(name) ?? { status: 'failed' as const, message: 'not measured' };
      record.models[name] = missingEntry(f.status, f.message, reference);
    }
    if (m && m.tensors.growth !== 0)
      notes.push(`${name}: live tensors grew by ${m.tensors.growth} over ${2 * options.steps} steps (leak)`);
  }
  const table = formatBenchTable(record);
  let files: { file: string; latest: string } | undefined;
  if (!options.noWrite) files = writeBenchRecord(record, options.resultsDir);
  return { record, table, files };
}

/** The benchmark that `argv` asks for: the throughput one, or `--scale` / `--epoch`. */
export function benchCommandFor(argv: string[]): CommandSpec {
  const on = (name: string) => argv.some((a) => a === `--${name}` || a === `--${name}=true`);
  if (on('epoch')) return EPOCH_COMMAND;
  if (on('scale') || argv.some((a) => a === '--scale-child' || a.startsWith('--scale-child='))) return SCALE_COMMAND;
  return BENCH_COMMAND;
}

/**
 * `dil bench` / `npm run bench`: parses argv, runs, prints the table; returns an exit code
 * (2 with the message on a usage error, as `dil` does).
 */
export async function runBenchCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  const command = benchCommandFor(argv);
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(formatHelp(command));
    return 0;
  }
  let run: () => Promise<number>;
  try {
    if (command === EPOCH_COMMAND) {
      const epoch = parseEpochArgs(argv, repoRoot());
      run = () => runEpochCommand(epoch);
    } else if (command === SCALE_COMMAND) {
      const scale = parseScaleArgs(argv, path.join(repoRoot(), 'results', 'bench'));
      run = () => runScaleCommand(scale);
    } else {
      const options = parseBenchArgs(argv);
      run = () => runThroughputCommand(options);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(err.message);
    return 2;
  }
  return run();
}

async function runThroughputCommand(options: BenchOptions): Promise<number> {
  const { record, table, files } = await runBench(options);
  console.log(`\n${table}`);
  for (const n of record.notes) console.log(`note: ${n}`);
  if (files) console.log(`\nwrote ${files.file}\n  and ${files.latest}`);
  const failed = Object.values(record.models).some((e) => e?.status === 'failed');
  return failed ? 1 : 0;
}

/**
 * Runs the plain-PyTorch references of the bench shape and reads their one-line JSON results:
 * DIN and DIEN: `ref_din.py`, kept OUTSIDE the project, by default at
 * `<repo>/../shared/bench/pytorch-reference`; DMIN and DHAN: `bench/pytorch/ref_dmin_dhan.py`,
 * which times the project's reference modules (test/reference/dmin.py, dhan.py) on the kit's
 * own config and batches, passed in a JSON input file (`referenceInput`).
 *
 * Threads: `OMP_NUM_THREADS = MKL_NUM_THREADS = threads`, `OPENBLAS_NUM_THREADS = 1` (OpenBLAS
 * threads on top of torch's made DIEN 2.5x slower and erratic, per the reference's README),
 * and `--threads` for torch.set_num_threads.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ReferenceModel = 'DIN' | 'DIEN' | 'DMIN' | 'DHAN';

/** The models `ref_dmin_dhan.py` times (the others are ref_din.py's). */
export const IN_PROJECT_REFERENCE: readonly ReferenceModel[] = ['DMIN', 'DHAN'];

/** `<repoRoot>/bench/pytorch/ref_dmin_dhan.py`. */
export function inProjectReferenceScript(repoRoot: string): string {
  return path.join(repoRoot, 'bench', 'pytorch', 'ref_dmin_dhan.py');
}

/** Why the in-project DMIN/DHAN reference cannot run here, or undefined. */
export function inProjectReferenceProblem(repoRoot: string, model: ReferenceModel): string | undefined {
  const script = inProjectReferenceScript(repoRoot);
  if (!fs.existsSync(script)) return `no ${script}`;
  const module = path.join(repoRoot, 'test', 'reference', `${model.toLowerCase()}.py`);
  if (!fs.existsSync(module)) return `no reference module ${module} (the PyTorch ${model} the script times)`;
  return undefined;
}

/**
 * The JSON input of ref_dmin_dhan.py: the model, the kit's resolved config, the feature sizes
 * and the batches (typed arrays as plain arrays).
 */
export function referenceInput(
  model: ReferenceModel,
  config: unknown,
  sizes: unknown,
  batches: readonly object[],
): string {
  const plain = (v: unknown): unknown =>
    ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : Array.isArray(v) ? v.map(plain) : v;
  const rows = batches.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, plain(v)])));
  return JSON.stringify({ model, config, sizes, batches: rows });
}

export interface PytorchRun {
  model: ReferenceModel;
  threads: number;
  /**
   * 'wall': the reference's own timing (time.perf_counter). 'cpu': the same script run with
   * time.perf_counter replaced by time.process_time, i.e. the process's CPU time per step,
   * comparable with our CPU-time throughput when other work shares the cores (meaningful
   * for 1 thread only: with n threads it adds up n threads' time).
   */
  clock: 'wall' | 'cpu';
  trainSamplesPerSecond: number;
  scoreSamplesPerSecond: number;
  trainMedianStepMs: number;
  scoreMedianStepMs: number;
  trainP10Ms: number;
  trainP90Ms: number;
  scoreP10Ms: number;
  scoreP90Ms: number;
  steps: number;
  torchVersion?: string;
  /** The reference's BLAS speed (`env.blas_gflops`, a 512x512 matmul in GFLOP/s); undefined if not reported. */
  blasGflops?: number;
  /** The JSON line the script printed. */
  raw: unknown;
}

export interface PytorchAvailability {
  available: boolean;
  /** Why not, when unavailable (printed by the bench). */
  reason?: string;
  python: string;
  referenceDir: string;
  torchVersion?: string;
}

/** `<repoRoot>/../shared/bench/pytorch-reference`, or `DIL_PYTORCH_REFERENCE` when set. */
export function defaultReferenceDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.DIL_PYTORCH_REFERENCE?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.resolve(repoRoot, '..', 'shared', 'bench', 'pytorch-reference');
}

/** Checks that the reference script exists and that `python` imports torch. */
export function checkPytorch(python: string, referenceDir: string): PytorchAvailability {
  const base = { python, referenceDir };
  const script = path.join(referenceDir, 'ref_din.py');
  if (!fs.existsSync(script)) {
    return {
      ...base,
      available: false,
      reason: `no PyTorch reference at ${script} (set --pytorch-dir or DIL_PYTORCH_REFERENCE)`,
    };
  }
  const probe = spawnSync(python, ['-c', 'import torch, sys; sys.stdout.write(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (probe.error) return { ...base, available: false, reason: `${python} did not start: ${probe.error.message}` };
  if (probe.status !== 0) {
    const last = (probe.stderr || '').trim().split('\n').pop() ?? '';
    return {
      ...base,
      available: false,
      reason: `${python} cannot import torch (${last}); on Debian: apt-get install -y python3-torch python3-numpy`,
    };
  }
  return { ...base, available: true, torchVersion: probe.stdout.trim() };
}

function num(x: unknown, field: string, where: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x))
    throw new Error(`${where}: field ${field} must be a finite number, got ${JSON.stringify(x)}`);
  return x;
}

/**
 * Parses the reference's output: the LAST line of stdout that is a JSON object with `train`
 * and `infer` summaries. Throws naming what is missing.
 */
export function parsePytorchOutput(
  stdout: string,
  expected: { model: ReferenceModel; threads: number; clock?: 'wall' | 'cpu' },
): PytorchRun {
  const where = 'parsePytorchOutput';
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'));
  if (lines.length === 0)
    throw new Error(`${where}: no JSON line in the reference's output: ${JSON.stringify(stdout.slice(-300))}`);
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  } catch (err) {
    throw new Error(
      `${where}: last JSON line does not parse (${(err as Error).message}): ${lines[lines.length - 1].slice(0, 300)}`,
      { cause: err },
    );
  }
  const train = obj.train as Record<string, unknown> | undefined;
  const infer = obj.infer as Record<string, unknown> | undefined;
  if (!train || !infer)
    throw new Error(`${where}: expected "train" and "infer" objects, got keys ${Object.keys(obj).join(', ')}`);
  if (obj.model !== undefined && obj.model !== expected.model)
    throw new Error(`${where}: expected model ${expected.model}, output is for ${String(obj.model)}`);
  const env = obj.env as Record<string, unknown> | undefined;
  return {
    model: expected.model,
    threads: typeof obj.threads === 'number' ? obj.threads : expected.threads,
    clock: expected.clock ?? 'wall',
    trainSamplesPerSecond: num(train.samples_per_s, 'train.samples_per_s', where),
    scoreSamplesPerSecond: num(infer.samples_per_s, 'infer.samples_per_s', where),
    trainMedianStepMs: num(train.median_step_ms, 'train.median_step_ms', where),
    scoreMedianStepMs: num(infer.median_step_ms, 'infer.median_step_ms', where),
    trainP10Ms: num(train.p10_ms, 'train.p10_ms', where),
    trainP90Ms: num(train.p90_ms, 'train.p90_ms', where),
    scoreP10Ms: num(infer.p10_ms, 'infer.p10_ms', where),
    scoreP90Ms: num(infer.p90_ms, 'infer.p90_ms', where),
    steps: num(train.steps, 'train.steps', where),
    torchVersion: typeof env?.torch === 'string' ? env.torch : undefined,
    blasGflops: typeof env?.blas_gflops === 'number' && Number.isFinite(env.blas_gflops) ? env.blas_gflops : undefined,
    raw: obj,
  };
}

/** The environment the reference runs with for `threads`. */
export function pytorchEnv(threads: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new Error(`pytorchEnv: threads must be a positive integer, got ${threads}`);
  return { ...base, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' };
}

/**
 * Python that runs a script as __main__ with `time.perf_counter` replaced by
 * `time.process_time` (the reference reads the clock through the `time` module at call time).
 * Arguments: <script> <script args...>. Nothing is copied; the reference stays where it is.
 */
export const CPU_CLOCK_WRAPPER = [
  'import runpy, sys, time',
  'time.perf_counter = time.process_time',
  'script = sys.argv[1]',
  'sys.argv = sys.argv[1:]',
  "runpy.run_path(script, run_name='__main__')",
].join('\n');

/** The python arguments for one reference run (`extra`: the script's further arguments). */
export function pytorchArgs(
  script: string,
  model: ReferenceModel,
  threads: number,
  warmup: number,
  steps: number,
  clock: 'wall' | 'cpu',
  extra: string[] = [],
): string[] {
  const scriptArgs = [
    script,
    '--model',
    model,
    '--threads',
    String(threads),
    '--warmup',
    String(warmup),
    '--steps',
    String(steps),
    ...extra,
  ];
  return clock === 'cpu' ? ['-c', CPU_CLOCK_WRAPPER, ...scriptArgs] : scriptArgs;
}

/**
 * Runs the reference of `model` with `threads` threads and parses its result: ref_din.py for
 * DIN and DIEN, ref_dmin_dhan.py (`repoRoot` and the `input` file of referenceInput) for DMIN and DHAN.
 */
export function runPytorchReference(opts: {
  python: string;
  referenceDir: string;
  model: ReferenceModel;
  threads: number;
  warmup: number;
  steps: number;
  clock?: 'wall' | 'cpu';
  timeoutMs?: number;
  repoRoot?: string;
  input?: string;
}): PytorchRun {
  const inProject = IN_PROJECT_REFERENCE.includes(opts.model);
  if (inProject && !(opts.repoRoot && opts.input))
    throw new Error(`runPytorchReference: the ${opts.model} reference needs repoRoot and an input file`);
  const script = inProject
    ? inProjectReferenceScript(opts.repoRoot as string)
    : path.join(opts.referenceDir, 'ref_din.py');
  const clock = opts.clock ?? 'wall';
  const extra = inProject ? ['--input', opts.input as string, '--reference-dir', opts.referenceDir] : [];
  const args = pytorchArgs(script, opts.model, opts.threads, opts.warmup, opts.steps, clock, extra);
  const res = spawnSync(opts.python, args, {
    encoding: 'utf8',
    env: pytorchEnv(opts.threads),
    timeout: opts.timeoutMs ?? 900_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (res.error)
    throw new Error(`runPytorchReference: ${opts.python} ${args.join(' ')} failed to run: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(
      `runPytorchReference: ${opts.python} ${args.join(' ')} exited with ` +
        `${res.status}: ${(res.stderr || '').trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  return parsePytorchOutput(res.stdout, { model: opts.model, threads: opts.threads, clock });
}

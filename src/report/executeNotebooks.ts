/**
 * Executes notebooks with Jupyter (nbclient, the engine of `jupyter nbconvert --execute`) on the kit's
 * tslab kernel ("dil-tslab", registered by `npm run setup`), either in place or into an output
 * folder (default `results/notebooks/`). Parameters reach the notebooks' first cell as
 * environment variables: DIL_PROFILE, DIL_DATASET, DIL_DATA_DIR, DIL_SEEDS, DIL_JOBS, DIL_RESULTS.
 *
 * Each notebook runs under a wall-clock limit and a per-cell limit; any cell error fails the
 * notebook with the cell's number, source and error text. Outputs are written to a temporary
 * folder and renamed into place, so a failed run never overwrites a good executed notebook; a
 * failed run leaves `<name>.failed.ipynb` (partially executed) in the output folder. A
 * successfully executed notebook is signed in the local Jupyter trust database (as if the user
 * had run it), so its interactive figures render when opened on this machine.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KIT_ROOT } from '../experiments/provenance';
import { findProjectRoot, reportResultsDir } from './resultsDir';
import { PROFILE_NAMES, ProfileName } from '../experiments/spec';

/** What a notebook's parameters cell reads (each becomes a DIL_* environment variable). */
export interface NotebookParameters {
  /** DIL_PROFILE */
  profile?: ProfileName;
  /** DIL_DATASET: `synthetic`, `amazon:<Category>`, `movielens`. */
  dataset?: string;
  /** DIL_DATA_DIR: where downloaded / shared raw data lives. */
  dataDir?: string;
  /** DIL_SEEDS: a count ("3") or a list ("1,2,3"). */
  seeds?: number | number[] | string;
  /** DIL_JOBS: parallel runs. */
  jobs?: number;
  /** DIL_RESULTS: results folder (absolute path passed on). */
  resultsDir?: string;
}

export interface ExecuteNotebooksOptions {
  /** Notebook paths (.ipynb). */
  notebooks: string[];
  /** Overwrite the notebooks themselves (default false). */
  inPlace?: boolean;
  /** Where executed copies go when not in place (default `<results>/notebooks`). */
  outputDir?: string;
  parameters?: NotebookParameters;
  /** Wall-clock limit per notebook in seconds (default 3600). */
  timeoutSeconds?: number;
  /** Limit per cell in seconds (default: the notebook limit). */
  cellTimeoutSeconds?: number;
  /** Jupyter kernel (default `dil-tslab`). */
  kernelName?: string;
  /** The Python with nbclient (default `findJupyterPython()`). */
  python?: string;
  /** Base environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Run the remaining notebooks after a failure (the error lists all failures). Default false. */
  keepGoing?: boolean;
  /** Progress lines ("01-din.ipynb: ok in 93 s"). */
  onProgress?: (line: string) => void;
}

export interface NotebookRun {
  notebook: string;
  /** The executed notebook's path (on failure: the partially executed `<name>.failed.ipynb`, if any). */
  output?: string;
  ok: boolean;
  seconds: number;
  /** Cell source + error text, or the timeout / start failure. */
  error?: string;
}

/** Thrown when any notebook fails; `runs` holds every attempted run. */
export class NotebookExecutionError extends Error {
  constructor(
    message: string,
    readonly runs: NotebookRun[],
  ) {
    super(message);
    this.name = 'NotebookExecutionError';
  }
}

/** The notebooks `notebooks/NN-*.ipynb` of a folder, sorted by name. */
export function listNotebooks(dir: string = path.join(findProjectRoot() ?? process.cwd(), 'notebooks')): string[] {
  if (!fs.existsSync(dir)) throw new Error(`listNotebooks: notebook folder ${dir} does not exist`);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ipynb') && !name.startsWith('.'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Validates parameters and returns the DIL_* variables they set. */
export function notebookEnvironment(parameters: NotebookParameters = {}): Record<string, string> {
  const env: Record<string, string> = {};
  if (parameters.profile !== undefined) {
    if (!PROFILE_NAMES.includes(parameters.profile)) {
      throw new Error(
        `notebook parameters: profile "${parameters.profile}"; expected one of ${PROFILE_NAMES.join(', ')}`,
      );
    }
    env.DIL_PROFILE = parameters.profile;
  }
  if (parameters.dataset !== undefined) env.DIL_DATASET = parameters.dataset;
  if (parameters.dataDir !== undefined) env.DIL_DATA_DIR = path.resolve(parameters.dataDir);
  if (parameters.seeds !== undefined) {
    env.DIL_SEEDS = Array.isArray(parameters.seeds) ? parameters.seeds.join(',') : String(parameters.seeds);
  }
  if (parameters.jobs !== undefined) {
    if (!Number.isInteger(parameters.jobs) || parameters.jobs < 1) {
      throw new Error(`notebook parameters: jobs ${parameters.jobs}; expected a positive integer`);
    }
    env.DIL_JOBS = String(parameters.jobs);
  }
  if (parameters.resultsDir !== undefined) env.DIL_RESULTS = path.resolve(parameters.resultsDir);
  return env;
}

/**
 * The Python that runs Jupyter (it must import nbclient): `DIL_PYTHON`, else the interpreter
 * named in the `jupyter` script's first line (DIL_JUPYTER, /usr/bin/jupyter or on PATH), else
 * /usr/bin/python3, else python3. Throws with install instructions when none imports nbclient.
 */
export function findJupyterPython(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.DIL_PYTHON?.trim()) candidates.push(env.DIL_PYTHON.trim());
  const jupyters = [env.DIL_JUPYTER, '/usr/bin/jupyter'].filter((c): c is string => Boolean(c && c.trim()));
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir) jupyters.push(path.join(dir, 'jupyter'));
  for (const jupyter of jupyters) {
    try {
      const first = fs.readFileSync(jupyter, 'utf8').slice(0, 300).split('\n')[0];
      const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
      if (match) candidates.push(match[1].endsWith('/env') && match[2] ? match[2] : match[1]);
    } catch {
      // not a readable script; try the next one
    }
  }
  candidates.push('/usr/bin/python3', 'python3');
  const tried: string[] = [];
  for (const candidate of candidates) {
    if (tried.includes(candidate)) continue;
    tried.push(candidate);
    const probe = spawnSync(candidate, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8', env });
    if (probe.status === 0) return candidate;
  }
  throw new Error(
    `findJupyterPython: no Python with nbclient and nbformat found (tried ${tried.join(', ')}); ` +
      'run `npm run setup`, install Jupyter (Debian: apt-get install jupyter-nbconvert ' +
      'python3-nbclient), or set DIL_PYTHON',
  );
}

/**
 * The Python program that runs one notebook with nbclient, cell by cell (see its docstring). It
 * ships beside the TypeScript sources, so it is found from src/ (tsx) and from dist/ alike.
 */
export const NBCLIENT_DRIVER = path.join(KIT_ROOT, 'src', 'report', 'nbclientDriver.py');

interface DriverResult {
  ok: boolean;
  cell?: number;
  source?: string;
  kind?: string;
  message?: string;
  outputs?: string;
}

/** Formats the driver's failure report: cell number and source, error kind, the cell's error output. */
export function notebookFailureText(result: DriverResult): string {
  const lines: string[] = [];
  if (result.cell !== undefined) lines.push(`cell ${result.cell} failed (${result.kind ?? 'error'}):`);
  else lines.push(`notebook failed (${result.kind ?? 'error'}):`);
  if (result.source) lines.push('------------------', result.source.trimEnd(), '------------------');
  // eslint-disable-next-line no-control-regex
  const clean = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '').trim();
  const outputs = clean(result.outputs ?? '');
  if (outputs) lines.push(outputs);
  else if (result.message) lines.push(clean(result.message));
  return lines.join('\n');
}

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  startError?: string;
}

function runDriver(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let kernelPid: number | undefined;
    let timedOut = false;
    let settled = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString('utf8')).slice(-400_000);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-400_000);
      const pid = /DIL-KERNEL-PID (\d+)/.exec(stderr);
      if (pid) kernelPid = Number(pid[1]);
    });
    // The kernel runs in its own session: stop it by its id, and the driver by its group.
    const stopAll = (signal: NodeJS.Signals): void => {
      for (const target of [child.pid === undefined ? undefined : -child.pid, kernelPid]) {
        if (target === undefined) continue;
        try {
          process.kill(target, signal);
        } catch {
          // already gone
        }
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stopAll('SIGTERM');
      setTimeout(() => stopAll('SIGKILL'), 5000).unref();
    }, timeoutMs);
    const onParentExit = (): void => stopAll('SIGKILL');
    process.once('exit', onParentExit);
    const finish = (result: ProcessResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.removeListener('exit', onParentExit);
      resolve(result);
    };
    child.once('error', (err) => finish({ code: null, stdout, stderr, timedOut, startError: err.message }));
    // 'exit', not 'close': a stray kernel holding the pipes must not keep us waiting.
    child.once('exit', (code) => setTimeout(() => finish({ code, stdout, stderr, timedOut }), 100));
  });
}

/** Executes one notebook; never throws for notebook failures (see `ok` / `error`). */
export async function executeNotebook(
  notebook: string,
  options: Omit<ExecuteNotebooksOptions, 'notebooks' | 'keepGoing' | 'onProgress'> = {},
): Promise<NotebookRun> {
  const source = path.resolve(notebook);
  if (!fs.existsSync(source)) throw new Error(`executeNotebook: notebook ${source} does not exist`);
  if (!fs.existsSync(NBCLIENT_DRIVER))
    throw new Error(`executeNotebook: the notebook driver ${NBCLIENT_DRIVER} is missing from the kit's installation`);
  const baseEnv = options.env ?? process.env;
  const python = options.python ?? findJupyterPython(baseEnv);
  const timeoutSeconds = options.timeoutSeconds ?? 3600;
  const cellTimeout = options.cellTimeoutSeconds ?? timeoutSeconds;
  const parameters: NotebookParameters = { ...options.parameters };
  if (parameters.resultsDir === undefined) parameters.resultsDir = reportResultsDir(baseEnv);
  const env = { ...baseEnv, ...notebookEnvironment(parameters) };
  const outputDir = path.resolve(options.outputDir ?? path.join(parameters.resultsDir, 'notebooks'));
  const destination = options.inPlace ? source : path.join(outputDir, path.basename(source));
  const failedCopy = path.join(outputDir, path.basename(source).replace(/\.ipynb$/, '.failed.ipynb'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-nbexec-'));
  const written = path.join(scratch, path.basename(source));
  const started = Date.now();
  try {
    const args = [
      NBCLIENT_DRIVER,
      source,
      written,
      options.kernelName ?? 'dil-tslab',
      String(Math.max(1, Math.round(cellTimeout))),
      String(Math.max(1, Math.round(timeoutSeconds))),
      path.dirname(source),
    ];
    // The driver enforces both limits itself; this is the backstop if it hangs.
    const result = await runDriver(python, args, env, path.dirname(source), (timeoutSeconds + 90) * 1000);
    const seconds = (Date.now() - started) / 1000;
    if (result.startError)
      return { notebook: source, ok: false, seconds, error: `cannot start ${python}: ${result.startError}` };
    const line = result.stdout.split('\n').find((l) => l.startsWith('DIL-RESULT '));
    let driver: DriverResult | undefined;
    if (line) driver = JSON.parse(line.slice('DIL-RESULT '.length)) as DriverResult;
    const ok = Boolean(driver?.ok) && result.code === 0 && fs.existsSync(written);
    if (!ok) {
      let error = driver
        ? notebookFailureText(driver)
        : `the notebook driver exited with code ` +
          `${result.code}:\n${result.stderr.trim().split('\n').slice(-30).join('\n')}`;
      if (result.timedOut) error = `timed out after ${timeoutSeconds} s (whole notebook)\n${error}`;
      let output: string | undefined;
      if (fs.existsSync(written)) {
        fs.mkdirSync(outputDir, { recursive: true });
        fs.copyFileSync(written, `${failedCopy}.tmp-${process.pid}`);
        fs.renameSync(`${failedCopy}.tmp-${process.pid}`, failedCopy);
        output = failedCopy;
        error += `\n(partially executed notebook: ${failedCopy})`;
      }
      return { notebook: source, ok: false, seconds, error, output };
    }
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    const tmp = `${destination}.tmp-${process.pid}`;
    fs.copyFileSync(written, tmp);
    fs.renameSync(tmp, destination);
    if (fs.existsSync(failedCopy)) fs.rmSync(failedCopy, { force: true });
    return { notebook: source, output: destination, ok: true, seconds };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Executes notebooks one after another. Resolves with every run when all succeed; otherwise
 * throws `NotebookExecutionError` naming each failed notebook with its cell error.
 */
export async function executeNotebooks(options: ExecuteNotebooksOptions): Promise<NotebookRun[]> {
  if (options.notebooks.length === 0) throw new Error('executeNotebooks: no notebooks given');
  const python = options.python ?? findJupyterPython(options.env ?? process.env);
  const runs: NotebookRun[] = [];
  for (const notebook of options.notebooks) {
    options.onProgress?.(`${path.basename(notebook)}: executing`);
    const run = await executeNotebook(notebook, { ...options, python });
    runs.push(run);
    options.onProgress?.(
      `${path.basename(notebook)}: ${run.ok ? 'ok' : 'FAILED'} in ${run.seconds.toFixed(0)} s` +
        (run.output ? ` -> ${run.output}` : ''),
    );
    if (!run.ok && !options.keepGoing) break;
  }
  const failed = runs.filter((r) => !r.ok);
  if (failed.length > 0) {
    const detail = failed.map((r) => `--- ${r.notebook} (after ${r.seconds.toFixed(0)} s):\n${r.error}`).join('\n');
    throw new NotebookExecutionError(`${failed.length} notebook(s) failed:\n${detail}`, runs);
  }
  return runs;
}

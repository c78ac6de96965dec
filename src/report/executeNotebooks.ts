/**
 * Executes notebooks with Jupyter (`jupyter nbconvert --execute --to notebook`) on the kit's
 * tslab kernel ("dil-tslab", registered by `npm run setup`), either in place or into an output
 * folder (default `results/notebooks/`). Parameters reach the notebooks' first cell as
 * environment variables: DIL_PROFILE, DIL_DATASET, DIL_DATA_DIR, DIL_SEEDS, DIL_JOBS, DIL_RESULTS.
 *
 * Each notebook runs under a wall-clock timeout (its whole process group is stopped when it
 * expires) and a per-cell timeout; any cell error fails the notebook with the cell's source and
 * error text. Outputs are written to a temporary folder and renamed into place, so a failed run
 * never overwrites a good executed notebook.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findProjectRoot, reportResultsDir } from './resultsDir';

export type NotebookProfile = 'smoke' | 'default' | 'full';
export const NOTEBOOK_PROFILES: readonly NotebookProfile[] = ['smoke', 'default', 'full'];

/** What a notebook's parameters cell reads (each becomes a DIL_* environment variable). */
export interface NotebookParameters {
  /** DIL_PROFILE */
  profile?: NotebookProfile;
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
  /** The jupyter executable (default DIL_JUPYTER, /usr/bin/jupyter, or `jupyter` on PATH). */
  jupyter?: string;
  /** Base environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Run the remaining notebooks after a failure (the error lists all failures). Default false. */
  keepGoing?: boolean;
  /** Progress lines ("01-din.ipynb: ok in 93 s"). */
  onProgress?: (line: string) => void;
}

export interface NotebookRun {
  notebook: string;
  /** The executed notebook's path (absent when the run failed). */
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
  if (!fs.existsSync(dir)) throw new Error(`src/report/executeNotebooks.ts: notebook folder ${dir} does not exist`);
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
    if (!NOTEBOOK_PROFILES.includes(parameters.profile)) {
      throw new Error(`src/report/executeNotebooks.ts: profile "${parameters.profile}"; expected one of ${NOTEBOOK_PROFILES.join(', ')}`);
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
      throw new Error(`src/report/executeNotebooks.ts: jobs ${parameters.jobs}; expected a positive integer`);
    }
    env.DIL_JOBS = String(parameters.jobs);
  }
  if (parameters.resultsDir !== undefined) env.DIL_RESULTS = path.resolve(parameters.resultsDir);
  return env;
}

/** The jupyter executable that has nbconvert; throws with install instructions otherwise. */
export function findJupyter(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.DIL_JUPYTER, '/usr/bin/jupyter', 'jupyter'].filter((c): c is string => Boolean(c && c.trim()));
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['nbconvert', '--version'], { encoding: 'utf8', env });
    if (probe.status === 0) return candidate;
  }
  throw new Error(
    `src/report/executeNotebooks.ts: no jupyter with nbconvert found (tried ${candidates.join(', ')}); ` +
      'run `npm run setup`, install Jupyter (Debian: apt-get install jupyter-nbconvert python3-nbclient), or set DIL_JUPYTER',
  );
}

/**
 * Extracts the failing cell and its error from nbconvert's stderr (the text after
 * "An error occurred while executing the following cell:"), or the last lines otherwise.
 */
export function nbconvertErrorText(stderr: string): string {
  const marker = 'An error occurred while executing the following cell:';
  const at = stderr.lastIndexOf(marker);
  // Strip ANSI colour codes that kernels put in tracebacks.
  // eslint-disable-next-line no-control-regex
  const clean = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '').trim();
  if (at >= 0) return clean(stderr.slice(at)).slice(0, 6000);
  const timeout = /Cell execution timed out|CellTimeoutError|TimeoutError[^\n]*/.exec(stderr);
  if (timeout) return `cell timed out: ${clean(timeout[0])}`;
  const lines = clean(stderr).split('\n');
  return lines.slice(-30).join('\n');
}

interface ProcessResult {
  code: number | null;
  stderr: string;
  timedOut: boolean;
  startError?: string;
}

function runGroup(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    let settled = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.length > 400_000) stderr = stderr.slice(-200_000);
    });
    const stopGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup('SIGTERM');
      setTimeout(() => stopGroup('SIGKILL'), 5000).unref();
    }, timeoutMs);
    const onParentExit = (): void => stopGroup('SIGKILL');
    process.once('exit', onParentExit);
    const finish = (result: ProcessResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.removeListener('exit', onParentExit);
      resolve(result);
    };
    child.once('error', (err) => finish({ code: null, stderr, timedOut, startError: err.message }));
    child.once('close', (code) => finish({ code, stderr, timedOut }));
  });
}

/** Executes one notebook; never throws for notebook failures (see `ok` / `error`). */
export async function executeNotebook(
  notebook: string,
  options: Omit<ExecuteNotebooksOptions, 'notebooks' | 'keepGoing' | 'onProgress'> = {},
): Promise<NotebookRun> {
  const source = path.resolve(notebook);
  if (!fs.existsSync(source)) throw new Error(`src/report/executeNotebooks.ts: notebook ${source} does not exist`);
  const baseEnv = options.env ?? process.env;
  const jupyter = options.jupyter ?? findJupyter(baseEnv);
  const timeoutSeconds = options.timeoutSeconds ?? 3600;
  const cellTimeout = options.cellTimeoutSeconds ?? timeoutSeconds;
  const parameters: NotebookParameters = { ...options.parameters };
  if (parameters.resultsDir === undefined) parameters.resultsDir = reportResultsDir(baseEnv);
  const env = { ...baseEnv, ...notebookEnvironment(parameters) };
  const destination = options.inPlace
    ? source
    : path.join(path.resolve(options.outputDir ?? path.join(parameters.resultsDir, 'notebooks')), path.basename(source));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-nbexec-'));
  const started = Date.now();
  try {
    const args = [
      'nbconvert',
      '--execute',
      '--to',
      'notebook',
      '--output-dir',
      scratch,
      `--ExecutePreprocessor.kernel_name=${options.kernelName ?? 'dil-tslab'}`,
      `--ExecutePreprocessor.timeout=${Math.max(1, Math.round(cellTimeout))}`,
      source,
    ];
    const result = await runGroup(jupyter, args, env, path.dirname(source), timeoutSeconds * 1000);
    const seconds = (Date.now() - started) / 1000;
    const written = path.join(scratch, path.basename(source));
    if (result.startError) return { notebook: source, ok: false, seconds, error: `cannot start ${jupyter}: ${result.startError}` };
    if (result.timedOut) {
      return { notebook: source, ok: false, seconds, error: `timed out after ${timeoutSeconds} s (whole notebook)\n${nbconvertErrorText(result.stderr)}` };
    }
    if (result.code !== 0 || !fs.existsSync(written)) {
      return { notebook: source, ok: false, seconds, error: nbconvertErrorText(result.stderr) };
    }
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    const tmp = `${destination}.tmp-${process.pid}`;
    fs.copyFileSync(written, tmp);
    fs.renameSync(tmp, destination);
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
  if (options.notebooks.length === 0) throw new Error('src/report/executeNotebooks.ts: no notebooks given');
  const jupyter = options.jupyter ?? findJupyter(options.env ?? process.env);
  const runs: NotebookRun[] = [];
  for (const notebook of options.notebooks) {
    options.onProgress?.(`${path.basename(notebook)}: executing`);
    const run = await executeNotebook(notebook, { ...options, jupyter });
    runs.push(run);
    options.onProgress?.(`${path.basename(notebook)}: ${run.ok ? 'ok' : 'FAILED'} in ${run.seconds.toFixed(0)} s${run.output ? ` -> ${run.output}` : ''}`);
    if (!run.ok && !options.keepGoing) break;
  }
  const failed = runs.filter((r) => !r.ok);
  if (failed.length > 0) {
    const detail = failed.map((r) => `--- ${r.notebook} (after ${r.seconds.toFixed(0)} s):\n${r.error}`).join('\n');
    throw new NotebookExecutionError(`${failed.length} notebook(s) failed:\n${detail}`, runs);
  }
  return runs;
}

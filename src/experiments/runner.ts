/**
 * Runs a sweep: every planned (variant, seed) run whose record is missing, either in this
 * process (`jobs` = 1) or in `jobs` worker processes (each with its own TensorFlow.js backend:
 * the wasm backend uses one core per process). Records are written by whoever ran the run,
 * atomically, as each run finishes; a killed sweep loses only the runs in flight, and a rerun
 * skips every recorded run. Each run is claimed before it starts (runClaim.ts), so sweeps that
 * share a results folder split the work; runs another live process holds are waited for.
 */
import { ChildProcess, fork } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { ProgressBar, ProgressSink } from '../progress';
import { PlannedRun } from './spec';
import { claimedByOther, claimPath, claimRun, releaseRun } from './runClaim';
import { isRunRecorded, readRunRecord, RunRecord, runRecordPath, writeRunRecord } from './runRecord';

export interface SweepOptions {
  /** Folder holding `runs/` (default `results`). */
  resultsDir: string;
  /** Parallel worker processes; 1 runs in this process. Default: number of cores. */
  jobs?: number;
  /** Executes one run in this process (jobs = 1). Default: `executePlannedRun`. */
  execute?: (run: PlannedRun, resultsDir: string) => Promise<RunRecord>;
  /** Progress sink of the sweep bar (default: automatic). */
  progressSink?: ProgressSink;
  /** Log lines (run started/finished/failed). Default: none. */
  log?: (line: string) => void;
  /** Environment of worker processes (default process.env plus DIL_PROGRESS=off). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Stop at the first failed run (default false: record the failure, go on). */
  failFast?: boolean;
}

export interface SweepFailure {
  run: PlannedRun;
  error: string;
}

export interface SweepResult {
  planned: number;
  /** Runs whose records already existed, or that another process (holding their claim) recorded meanwhile. */
  skipped: number;
  /** Runs executed now. */
  executed: number;
  /**
   * Runs not executed because another run of the plan has the same resolved config (the same
   * base variant in two tables): their record is a copy under their own experiment/variant.
   */
  reused: number;
  failures: SweepFailure[];
  /** Records of every planned run that has one (found or new), in plan order. */
  records: RunRecord[];
}

/** Default number of parallel jobs: the machine's cores. */
export function defaultJobs(): number {
  const available = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, available);
}

/** Splits a plan into runs already recorded and runs to do. */
export function partitionPlan(runs: PlannedRun[], resultsDir: string): { done: PlannedRun[]; todo: PlannedRun[] } {
  const done: PlannedRun[] = [];
  const todo: PlannedRun[] = [];
  for (const run of runs) (isRunRecorded(resultsDir, run.key) ? done : todo).push(run);
  return { done, todo };
}

function describeRun(run: PlannedRun): string {
  return `${run.key.paper}/${run.key.experiment}/${run.key.variant} seed ${run.key.seed}`;
}

/** Milliseconds between looks at runs that other processes hold. */
const CLAIM_POLL_MS = 300;

/**
 * The runs still to execute, handed out one claim at a time: `next()` gives a run this process
 * has claimed, skips runs recorded meanwhile, and once only runs held by other live processes
 * are left, waits until they are recorded (or their claims go stale and can be taken over).
 */
class ClaimQueue {
  private waiting: PlannedRun[] = [];
  private announced = false;

  constructor(
    private readonly todo: PlannedRun[],
    private readonly resultsDir: string,
    private readonly onRecordedElsewhere: (run: PlannedRun) => void,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs not handed out yet. */
  get pending(): number {
    return this.todo.length + this.waiting.length;
  }

  /** Every run not handed out, removed from the queue. */
  drain(): PlannedRun[] {
    return [...this.todo.splice(0), ...this.waiting.splice(0)];
  }

  async next(): Promise<PlannedRun | undefined> {
    for (;;) {
      const run = this.todo.shift();
      if (run) {
        if (isRunRecorded(this.resultsDir, run.key)) this.onRecordedElsewhere(run);
        else if (!claimRun(this.resultsDir, run.key)) this.waiting.push(run);
        else {
          // a second look after the claim: it may have been recorded between the look and the claim
          if (!isRunRecorded(this.resultsDir, run.key)) return run;
          releaseRun(this.resultsDir, run.key);
          this.onRecordedElsewhere(run);
        }
        continue;
      }
      if (this.waiting.length === 0) return undefined;
      if (!this.announced) {
        this.announced = true;
        const files = this.waiting.map((w) => claimPath(this.resultsDir, w.key));
        this.log(
          `waiting for ${this.waiting.length} run(s) claimed by other processes (delete a ` +
            `claim whose process is not a sweep: ` +
            `${files.slice(0, 3).join(', ')}${files.length > 3 ? ', ...' : ''})`,
        );
      }
      const still: PlannedRun[] = [];
      for (const w of this.waiting.splice(0)) {
        if (isRunRecorded(this.resultsDir, w.key)) this.onRecordedElsewhere(w);
        else if (claimedByOther(this.resultsDir, w.key)) still.push(w);
        else this.todo.push(w); // its claim is gone or stale: ours to take
      }
      this.waiting.push(...still);
      if (this.todo.length === 0 && this.waiting.length > 0) await new Promise((r) => setTimeout(r, CLAIM_POLL_MS));
    }
  }
}

/** Runs the missing runs of `runs`; see the module comment. */
export async function runSweep(runs: PlannedRun[], options: SweepOptions): Promise<SweepResult> {
  const resultsDir = options.resultsDir;
  const jobs = options.jobs ?? defaultJobs();
  if (!(Number.isInteger(jobs) && jobs >= 1)) {
    throw new Error(`runSweep: jobs = ${jobs}; expected an integer >= 1`);
  }
  const log = options.log ?? (() => {});
  const { done, todo: missing } = partitionPlan(runs, resultsDir);
  // one execution per distinct config; the other runs with that config reuse its record
  const sources = new Map<string, PlannedRun>();
  for (const run of done) if (!sources.has(run.key.configHash)) sources.set(run.key.configHash, run);
  const todo: PlannedRun[] = [];
  const aliases: PlannedRun[] = [];
  for (const run of missing) {
    if (sources.has(run.key.configHash)) aliases.push(run);
    else {
      sources.set(run.key.configHash, run);
      todo.push(run);
    }
  }
  if (done.length > 0) log(`skipping ${done.length} recorded run(s), running ${todo.length}`);
  if (aliases.length > 0) log(`${aliases.length} run(s) share the config of another run and reuse its record`);
  const bar = new ProgressBar({
    label: 'sweep',
    total: todo.length,
    unit: 'runs',
    sink: options.progressSink,
    minIntervalMs: 0,
  });
  bar.update(0, `${done.length} recorded`);
  const failures: SweepFailure[] = [];
  let executed = 0;
  let recordedElsewhere = 0;
  const queue = new ClaimQueue(
    todo,
    resultsDir,
    (run) => {
      recordedElsewhere++;
      log(`recorded by another process: ${describeRun(run)}`);
      bar.tick(1, `${executed} done, ${failures.length} failed`);
    },
    log,
  );
  const onFinished = (run: PlannedRun, error?: string) => {
    releaseRun(resultsDir, run.key);
    if (error) {
      failures.push({ run, error });
      log(`FAILED ${describeRun(run)}: ${error}`);
    } else {
      executed++;
      log(`finished ${describeRun(run)}`);
    }
    bar.tick(1, `${executed} done, ${failures.length} failed`);
  };
  if (todo.length > 0) {
    if (jobs === 1 || todo.length === 1) await runInProcess(queue, resultsDir, options, onFinished);
    else await runInWorkers(queue, resultsDir, Math.min(jobs, todo.length), options, onFinished);
  }
  bar.finish();
  let reused = 0;
  for (const alias of aliases) {
    const source = sources.get(alias.key.configHash)!;
    if (!isRunRecorded(resultsDir, source.key)) {
      failures.push({ run: alias, error: `shares its config with ${describeRun(source)}, which failed` });
      continue;
    }
    const record = readRunRecord(runRecordPath(resultsDir, source.key));
    writeRunRecord(runRecordPath(resultsDir, alias.key), {
      ...record,
      paper: alias.key.paper,
      experiment: alias.key.experiment,
      variant: alias.key.variant,
      label: alias.label,
    });
    reused++;
  }
  const records: RunRecord[] = [];
  for (const run of runs) {
    if (isRunRecorded(resultsDir, run.key)) records.push(readRunRecord(runRecordPath(resultsDir, run.key)));
  }
  return { planned: runs.length, skipped: done.length + recordedElsewhere, executed, reused, failures, records };
}

async function runInProcess(
  queue: ClaimQueue,
  resultsDir: string,
  options: SweepOptions,
  onFinished: (run: PlannedRun, error?: string) => void,
): Promise<void> {
  const execute = options.execute ?? (await import('./executeRun')).executePlannedRun;
  for (let run = await queue.next(); run; run = await queue.next()) {
    try {
      await execute(run, resultsDir);
      onFinished(run);
    } catch (err) {
      onFinished(run, err instanceof Error ? err.message : String(err));
      if (options.failFast) throw err;
    }
  }
}

/** Message from the parent to a worker. */
export interface WorkerRequest {
  type: 'run';
  run: PlannedRun;
  resultsDir: string;
}

/** Message from a worker to the parent. */
export type WorkerReply = { type: 'ready' } | { type: 'done'; file: string } | { type: 'error'; error: string };

/** Path and node arguments that start the worker module (TypeScript via tsx, or compiled JS). */
export function workerCommand(): { module: string; execArgv: string[] } {
  const isTs = __filename.endsWith('.ts');
  const module = path.join(__dirname, isTs ? 'worker.ts' : 'worker.js');
  return { module, execArgv: isTs ? ['--import', 'tsx'] : [] };
}

function runInWorkers(
  queue: ClaimQueue,
  resultsDir: string,
  jobs: number,
  options: SweepOptions,
  onFinished: (run: PlannedRun, error?: string) => void,
): Promise<void> {
  const { module, execArgv } = workerCommand();
  const env = options.workerEnv ?? { ...process.env, DIL_PROGRESS: 'off' };
  return new Promise((resolve, reject) => {
    let active = 0;
    let stopped = false;
    const children: ChildProcess[] = [];
    const stopAll = (err: Error) => {
      if (stopped) return;
      stopped = true;
      for (const child of children) child.kill();
      reject(err);
    };
    const startWorker = () => {
      const child = fork(module, [], { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      active++;
      let current: PlannedRun | undefined;
      const next = async () => {
        current = await queue.next();
        if (stopped) return;
        if (!current) {
          if (child.connected) child.disconnect();
          return;
        }
        if (!child.connected) {
          // the worker died while we waited for a claim: hand the run back
          releaseRun(resultsDir, current.key);
          onFinished(current, 'worker exited before the run started');
          current = undefined;
          return;
        }
        const request: WorkerRequest = { type: 'run', run: current, resultsDir };
        child.send(request);
      };
      child.on('message', (message: WorkerReply) => {
        if (message.type === 'ready') void next();
        else if (message.type === 'done' || message.type === 'error') {
          const run = current!;
          current = undefined;
          onFinished(run, message.type === 'error' ? message.error : undefined);
          if (message.type === 'error' && options.failFast) {
            stopAll(new Error(`${describeRun(run)} failed: ${message.error}`));
            return;
          }
          void next();
        }
      });
      let ran = false;
      child.on('message', () => {
        ran = true;
      });
      child.on('exit', (code, signal) => {
        active--;
        if (stopped) return;
        if (current) {
          onFinished(current, `worker exited (${signal ?? `code ${code}`}) during the run`);
          current = undefined;
          if (queue.pending > 0) startWorker();
        } else if (!ran && queue.pending > 0 && active === 0) {
          // no worker could start: fail the remaining runs instead of hanging or dropping them
          for (const run of queue.drain())
            onFinished(run, `worker process failed to start (${signal ?? `code ${code}`})`);
        }
        if (active === 0) resolve();
      });
      child.on('error', (err) => stopAll(err));
    };
    for (let i = 0; i < jobs; i++) startWorker();
  });
}

/**
 * Sweeps as processes, through `dil` as a user runs it: workers end with a killed leader, two
 * sweeps on one results folder share the work through run claims, and the `--emit-jobs` lines
 * run as printed under GNU parallel from another directory, giving what `dil ablate` gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadRunRecords } from '../../src/experiments/runRecord';
import { missing, skipWithout } from '../requirements';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'dil.js');
/** 2 variants (BaseModel, DIN with Dice) on synthetic:default:tiny. */
const SWEEP = ['ablate', 'din', '--profile', 'smoke', '--experiment', 'table3'];
const TINY_SWEEP = [...SWEEP, '--max-steps', '3'];

const temps: string[] = [];
process.on('exit', () => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dil-sweeps-${label}-`));
  temps.push(dir);
  return dir;
}

function files(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(suffix)) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** Runs `dil args...` as its own process; resolves with exit code and output. */
function dilProcess(
  args: string[],
  cwd = ROOT,
): {
  pid: number;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, DIL_PROGRESS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
  return { pid: child.pid!, stderr: () => stderr, done };
}

/** Pids of the live processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean, limitMs: number): Promise<void> {
  for (let waited = 0; !check(); waited += 100) {
    if (waited >= limitMs) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await sleep(100);
  }
}

test(
  'sweep workers end with their leader, even on SIGKILL, and write no record afterwards',
  { skip: process.platform !== 'linux' && 'needs /proc (Linux)' },
  async () => {
    const results = tempDir('orphans');
    const leader = dilProcess([
      ...SWEEP,
      '--seeds',
      '4',
      '--epochs',
      '2',
      '--max-steps',
      '30',
      '--jobs',
      '2',
      '--results',
      results,
    ]);
    // kill once runs have finished and others are in flight (each worker starts its next run at once)
    await waitFor('a first record', () => files(results, '.json').length >= 1, 120_000);
    const workers = childrenOf(leader.pid);
    assert.equal(workers.length, 2);
    const before = files(results, '.json');
    assert.ok(before.length < 8, 'runs are left to do');
    process.kill(leader.pid, 'SIGKILL');
    const exit = await leader.done;
    assert.equal(exit.signal, 'SIGKILL');
    await waitFor('the workers to exit', () => workers.every((w) => !alive(w)), 5_000);
    // a worker that checked its leader just before the kill may still complete that one write
    const settled = files(results, '.json');
    assert.ok(
      settled.length - before.length <= workers.length,
      `at most one in-flight record per worker: ${settled.length - before.length}`,
    );
    await sleep(2000);
    assert.deepEqual(files(results, '.json'), settled, 'no record written after the workers saw their leader die');
    assert.doesNotMatch(exit.stderr, /EPIPE/);
  },
);

test('two sweeps on one results folder share the work: every run executes once, both report every run', async () => {
  const results = tempDir('shared');
  const args = [...TINY_SWEEP, '--seeds', '3', '--jobs', '1', '--results', results, '--json'];
  const [a, b] = await Promise.all([dilProcess(args).done, dilProcess(args).done]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const summaries = [a, b].map((r) => JSON.parse(r.stdout.trim().split('\n').pop()!));
  assert.equal(
    summaries[0].executedRuns + summaries[1].executedRuns,
    6,
    `${summaries[0].executedRuns} + ${summaries[1].executedRuns} executions`,
  );
  for (const s of summaries) {
    assert.equal(s.failedRuns, 0);
    assert.deepEqual(
      s.variants.map((v: { runs: number }) => v.runs),
      [3, 3],
    );
  }
  assert.deepEqual(summaries[0].variants, summaries[1].variants);
  const finished = [a, b].map((r) => [...r.stderr.matchAll(/^finished (\S+ seed \d+)$/gm)].map((m) => m[1]));
  assert.equal(new Set([...finished[0], ...finished[1]]).size, 6, 'no run finished in both');
  assert.equal(files(results, '.json').length, 6);
  assert.deepEqual(files(results, '.lock'), [], 'claims are released');

  // a claim left by a dead process is taken over; one held by a live process is waited for
  const records = files(results, '.json');
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  fs.rmSync(records[0]);
  fs.writeFileSync(`${records[0]}.lock`, `${dead} ${os.hostname()}\n`);
  const holder = spawn('sleep', ['600']);
  fs.rmSync(records[1]);
  fs.writeFileSync(`${records[1]}.lock`, `${holder.pid} ${os.hostname()}\n`);
  const sweep = dilProcess(args);
  try {
    await waitFor(
      'the sweep to wait for the held run',
      () => /waiting for 1 run\(s\) claimed by other processes/.test(sweep.stderr()),
      120_000,
    );
    assert.ok(!fs.existsSync(records[1]));
  } finally {
    holder.kill();
  }
  const holderEnded = Date.now();
  const rerun = await sweep.done;
  assert.equal(rerun.code, 0, rerun.stderr);
  const summary = JSON.parse(rerun.stdout.trim().split('\n').pop()!);
  assert.equal(summary.executedRuns, 2);
  const waitedFor = JSON.parse(fs.readFileSync(records[1], 'utf8'));
  assert.ok(
    Date.parse(waitedFor.startedAt) >= holderEnded - 1000,
    'the run held by a live process started only after that process ended',
  );
  assert.equal(files(results, '.json').length, 6);
  assert.deepEqual(files(results, '.lock'), []);
});

test(
  '--emit-jobs lines run as printed under GNU parallel from another directory; dil report equals dil ablate',
  { skip: skipWithout('parallel') },
  async () => {
    assert.equal(missing('parallel'), undefined, 'CI is set and GNU parallel is missing: apt-get install parallel');
    const dir = tempDir('jobs');
    const jobsResults = path.join(dir, 'via-jobs');
    const emitted = spawnSync(
      process.execPath,
      [BIN, ...TINY_SWEEP, '--seeds', '2', '--emit-jobs', '--results', jobsResults],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(emitted.status, 0, emitted.stderr);
    const jobs = path.join(dir, 'jobs.txt');
    fs.writeFileSync(jobs, emitted.stdout);
    assert.equal(emitted.stdout.trim().split('\n').length, 4);
    // another directory, a PATH without dil: the lines must carry everything they need
    const elsewhere = tempDir('elsewhere');
    const ran = spawnSync('bash', ['-c', `parallel --will-cite -j 2 < ${JSON.stringify(jobs)}`], {
      cwd: elsewhere,
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/bin:/bin', DIL_PROGRESS: 'off' },
    });
    assert.equal(ran.status, 0, ran.stderr);
    const report = spawnSync(process.execPath, [BIN, 'report', jobsResults, '--json'], {
      cwd: elsewhere,
      encoding: 'utf8',
    });
    assert.equal(report.status, 0, report.stderr);
    const fromJobs = JSON.parse(report.stdout.trim().split('\n').pop()!);
    const direct = await dilProcess([
      ...TINY_SWEEP,
      '--seeds',
      '2',
      '--jobs',
      '1',
      '--results',
      path.join(dir, 'direct'),
      '--json',
    ]).done;
    assert.equal(direct.code, 0, direct.stderr);
    const fromAblate = JSON.parse(direct.stdout.trim().split('\n').pop()!);
    assert.equal(fromJobs.records, 4);
    const reported = fromJobs.experiments[0].variants.map(
      (v: { variant: string; meanAuc: number; stdAuc: number; runs: number }) => [
        v.variant,
        v.meanAuc,
        v.stdAuc,
        v.runs,
      ],
    );
    const swept = fromAblate.experiments[0].variants.map(
      (v: { variant: string; meanAuc: number; stdAuc: number; runs: number }) => [
        v.variant,
        v.meanAuc,
        v.stdAuc,
        v.runs,
      ],
    );
    assert.deepEqual(reported, swept);
    // record for record: the same metrics to the last digit
    const best = (d: string) => loadRunRecords(d).records.map((r) => [r.variant, r.seed, r.configHash, r.best]);
    assert.deepEqual(best(jobsResults), best(path.join(dir, 'direct')));
  },
);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadRunRecords, RunRecord } from '../../src/experiments/runRecord';
import { runSweep } from '../../src/experiments/runner';
import { ExperimentSpec, planExperiment } from '../../src/experiments/spec';
import { silentSink } from '../../src/progress';
import { tmpDir } from '../helpers/tmpDir';

const ROOT = path.resolve(__dirname, '..', '..');

const TINY_SPEC: ExperimentSpec = {
  paper: 'din',
  name: 'tiny',
  title: 'tiny sweep',
  dataset: 'synthetic:default:tiny',
  data: {},
  base: {
    model: 'base',
    modelOptions: {},
    train: { epochs: 1, batchSize: 64, maxStepsPerEpoch: 5, maxEvalRows: 256 },
    trainPreset: 'dien',
  },
  variants: [
    { name: 'base', label: 'BaseModel', overrides: {} },
    { name: 'din', label: 'DIN', overrides: { model: 'din' } },
  ],
  baseVariant: 'base',
  seeds: [1, 2],
};

/** The parts of a record that must not depend on how or where it ran. */
function comparable(r: RunRecord) {
  return {
    variant: r.variant,
    seed: r.seed,
    configHash: r.configHash,
    datasetChecksum: r.datasetChecksum,
    bestEpoch: r.bestEpoch,
    best: r.best,
    history: r.history.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest),
  };
}

test('parallel (2 worker processes) = serial (in process), record for record', async () => {
  const serialDir = tmpDir('serial');
  const parallelDir = tmpDir('parallel');
  try {
    const plan = planExperiment(TINY_SPEC);
    const serial = await runSweep(plan, { resultsDir: serialDir, jobs: 1, progressSink: silentSink });
    const parallel = await runSweep(plan, { resultsDir: parallelDir, jobs: 2, progressSink: silentSink });
    assert.deepEqual(serial.failures, []);
    assert.deepEqual(parallel.failures, []);
    assert.equal(serial.executed, 4);
    assert.equal(parallel.executed, 4);
    assert.deepEqual(parallel.records.map(comparable), serial.records.map(comparable));
    // a rerun executes nothing
    const again = await runSweep(plan, { resultsDir: serialDir, jobs: 1, progressSink: silentSink });
    assert.equal(again.skipped, 4);
    assert.equal(again.executed, 0);
  } finally {
    fs.rmSync(serialDir, { recursive: true, force: true });
    fs.rmSync(parallelDir, { recursive: true, force: true });
  }
});

/** Runs the CLI in a child process; resolves with its exit code and output. */
function runCli(args: string[], options: { killWhen?: (dir: string) => boolean; resultsDir: string }) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, DIL_PROGRESS: 'off' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      let timer: NodeJS.Timeout | undefined;
      if (options.killWhen) {
        timer = setInterval(() => {
          if (options.killWhen!(options.resultsDir)) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 50);
      }
      child.on('exit', (code, signal) => {
        if (timer) clearInterval(timer);
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
}

function recordFiles(dir: string): string[] {
  const runs = path.join(dir, 'runs');
  if (!fs.existsSync(runs)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(runs);
  return out.sort();
}

test('a killed sweep resumes: the rerun finishes only the missing runs and keeps finished records', async () => {
  const dir = tmpDir('resume');
  try {
    // smoke profile of DIEN table4: 3 variants x 1 seed, with 2 seeds -> 6 runs, one at a time
    const args = [
      'ablate',
      'dien',
      '--profile',
      'smoke',
      '--experiment',
      'table4',
      '--seeds',
      '2',
      '--jobs',
      '1',
      '--results',
      dir,
    ];
    const killed = await runCli(args, {
      resultsDir: dir,
      killWhen: (d) => recordFiles(d).filter((f) => f.endsWith('.json')).length >= 2,
    });
    assert.equal(killed.signal, 'SIGKILL');
    const finished = recordFiles(dir).filter((f) => f.endsWith('.json'));
    assert.ok(finished.length >= 2 && finished.length < 6, `${finished.length} records after the kill`);
    const contents = new Map(finished.map((f) => [f, fs.readFileSync(f, 'utf8')]));
    const rerun = await runCli([...args, '--json'], { resultsDir: dir });
    assert.equal(rerun.code, 0, rerun.stderr);
    const summary = JSON.parse(rerun.stdout.trim().split('\n').pop()!);
    assert.equal(summary.skippedRuns, finished.length);
    assert.equal(summary.executedRuns, 6 - finished.length);
    assert.deepEqual(
      summary.variants.map((v: { variant: string }) => v.variant),
      ['base', 'gru-augru', 'dien'],
    );
    for (const v of summary.variants) {
      assert.equal(v.runs, 2);
      assert.equal(typeof v.meanAuc, 'number');
      assert.equal(typeof v.stdAuc, 'number');
    }
    assert.equal(summary.variants[0].pValue, null); // the base has no p-value (NaN -> null in JSON)
    assert.equal(typeof summary.variants[1].pValue, 'number');
    // finished records were not rewritten
    for (const [file, text] of contents) assert.equal(fs.readFileSync(file, 'utf8'), text);
    const all = recordFiles(dir);
    assert.equal(all.filter((f) => f.endsWith('.json')).length, 6);
    assert.equal(loadRunRecords(dir).records.length, 6);
    // without --json the summary table is what stdout carries
    const plain = await runCli(args, { resultsDir: dir });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(
      plain.stdout,
      /DIEN Table 4[^\n]*2 seed\(s\)\nModel +test AUC \(mean ± std\) +diff vs base +p \(paired t\)/,
    );
    assert.match(plain.stdout, /\nBaseModel +0\.\d{4} ± 0\.\d{4} +base /);
    assert.doesNotMatch(plain.stderr, /test AUC \(mean/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('runs with the same resolved config in two experiments execute once; the other reuses the record', async () => {
  const dir = tmpDir('reuse');
  try {
    const other: ExperimentSpec = {
      ...TINY_SPEC,
      name: 'tiny2',
      variants: [{ name: 'base-again', label: 'Base again', overrides: {} }],
    };
    const plan = [...planExperiment(TINY_SPEC), ...planExperiment(other)];
    const executed: string[] = [];
    const execute = async (run: (typeof plan)[number], resultsDir: string) => {
      executed.push(`${run.key.experiment}/${run.key.variant}/${run.key.seed}`);
      const record = {
        format: 'dil-run/1',
        paper: run.key.paper,
        experiment: run.key.experiment,
        variant: run.key.variant,
        label: run.label,
        seed: run.key.seed,
        configHash: run.key.configHash,
        config: run.config,
        datasetChecksum: 'x',
        backend: 'cpu',
        gitCommit: 'g',
        host: 'h',
        startedAt: 's',
        finishedAt: 'f',
        selectedOnTest: false,
        history: [],
        bestEpoch: 0,
        selectedOn: 'valid',
        best: { test: { auc: 0.5 + run.key.seed / 10, gauc: 0.5, logloss: 0.7, rows: 1 } },
        samplesPerSecond: 1,
        wallSeconds: 1,
      } as RunRecord;
      const { writeRunRecord, runRecordPath } = await import('../../src/experiments/runRecord');
      writeRunRecord(runRecordPath(resultsDir, run.key), record);
      return record;
    };
    const result = await runSweep(plan, { resultsDir: dir, jobs: 1, execute, progressSink: silentSink });
    assert.deepEqual(executed, ['tiny/base/1', 'tiny/base/2', 'tiny/din/1', 'tiny/din/2']);
    assert.equal(result.reused, 2);
    assert.equal(result.records.length, 6);
    const again = result.records.filter((r) => r.experiment === 'tiny2');
    assert.deepEqual(
      again.map((r) => [r.variant, r.label, r.best.test.auc]),
      [
        ['base-again', 'Base again', 0.6],
        ['base-again', 'Base again', 0.7],
      ],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

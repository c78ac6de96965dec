import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  checkPytorch,
  CPU_CLOCK_WRAPPER,
  defaultReferenceDir,
  parsePytorchOutput,
  pytorchArgs,
  pytorchEnv,
} from '../../src/bench/pytorch';
import { parseBenchArgs, defaultBenchOptions } from '../../src/bench/runBench';

const SAMPLE = JSON.stringify({
  impl: 'ref_din.py',
  model: 'DIEN',
  threads: 2,
  train: { median_step_ms: 128, samples_per_s: 1000, p10_ms: 120, p90_ms: 140, steps: 60 },
  infer: { median_step_ms: 16, samples_per_s: 8000, p10_ms: 15, p90_ms: 20, steps: 60 },
  env: { torch: '1.13.0', threads: 2, omp: '2', openblas: '1' },
});

test('parsePytorchOutput reads the last JSON line of the reference output', () => {
  const r = parsePytorchOutput(`some warning\n{"not": "this"}\n${SAMPLE}\n`, { model: 'DIEN', threads: 2 });
  assert.equal(r.trainSamplesPerSecond, 1000);
  assert.equal(r.scoreSamplesPerSecond, 8000);
  assert.equal(r.trainMedianStepMs, 128);
  assert.equal(r.scoreP90Ms, 20);
  assert.equal(r.threads, 2);
  assert.equal(r.steps, 60);
  assert.equal(r.torchVersion, '1.13.0');
});

test('parsePytorchOutput names what is wrong', () => {
  assert.throws(() => parsePytorchOutput('Traceback ...', { model: 'DIN', threads: 1 }), /no JSON line/);
  assert.throws(() => parsePytorchOutput(SAMPLE, { model: 'DIN', threads: 1 }), /expected model DIN/);
  assert.throws(() => parsePytorchOutput('{"train": {}}', { model: 'DIN', threads: 1 }), /"train" and "infer"/);
  const noRate = SAMPLE.replace('"samples_per_s":1000', '"samples_per_s":null');
  assert.throws(() => parsePytorchOutput(noRate, { model: 'DIEN', threads: 2 }), /train\.samples_per_s/);
  assert.throws(() => parsePytorchOutput('{"train": ', { model: 'DIN', threads: 1 }), /does not parse/);
});

test('pytorchEnv pins OMP/MKL to the thread count and OpenBLAS to 1', () => {
  const env = pytorchEnv(2, { PATH: '/bin', OMP_NUM_THREADS: '8' });
  assert.equal(env.OMP_NUM_THREADS, '2');
  assert.equal(env.MKL_NUM_THREADS, '2');
  assert.equal(env.OPENBLAS_NUM_THREADS, '1');
  assert.equal(env.PATH, '/bin');
  assert.throws(() => pytorchEnv(0), /positive integer/);
});

test('the reference is located relative to the repo root, overridable by DIL_PYTORCH_REFERENCE', () => {
  assert.equal(defaultReferenceDir('/work/main', {}), '/work/shared/bench/pytorch-reference');
  assert.equal(defaultReferenceDir('/work/main', { DIL_PYTORCH_REFERENCE: '/opt/ref' }), '/opt/ref');
});

test('checkPytorch explains a missing reference directory without running python', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-noref-'));
  try {
    const a = checkPytorch('/usr/bin/python3', dir);
    assert.equal(a.available, false);
    assert.match(a.reason ?? '', /no PyTorch reference at .*ref_din\.py/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parseBenchArgs: flags, defaults and errors', () => {
  const base = { ...defaultBenchOptions('/repo'), verbose: false };
  assert.equal(base.steps, 50);
  assert.deepEqual(base.models, ['din', 'dien', 'dmin', 'dhan']);
  assert.equal(base.resultsDir, '/repo/results/bench');
  const o = parseBenchArgs(
    ['--models', 'din,dien', '--steps=60', '--warmup', '5', '--pytorch-threads', '1', '--no-write'],
    base,
  );
  assert.deepEqual(o.models, ['din', 'dien']);
  assert.equal(o.steps, 60);
  assert.equal(o.warmup, 5);
  assert.deepEqual(o.pytorchThreads, [1]);
  assert.equal(o.noWrite, true);
  assert.deepEqual(parseBenchArgs(['--pytorch-threads', 'none'], base).pytorchThreads, []);
  assert.throws(
    () => parseBenchArgs(['--models', 'din,xyz'], base),
    /dil bench: --models: "xyz" is not valid; valid values: din, dien, dmin, dhan/,
  );
  assert.throws(() => parseBenchArgs(['--steps', '0'], base), /--steps expects an integer >= 1/);
  assert.throws(() => parseBenchArgs(['--steps'], base), /dil bench: --steps needs a value/);
  assert.throws(() => parseBenchArgs(['--fast'], base), /unknown flag "--fast"/);
});

test('pytorchArgs: the wall clock runs the script directly, the CPU clock through the wrapper', () => {
  assert.deepEqual(pytorchArgs('/r/ref_din.py', 'DIN', 1, 10, 50, 'wall'), [
    '/r/ref_din.py',
    '--model',
    'DIN',
    '--threads',
    '1',
    '--warmup',
    '10',
    '--steps',
    '50',
  ]);
  const cpu = pytorchArgs('/r/ref_din.py', 'DIEN', 1, 3, 5, 'cpu');
  assert.equal(cpu[0], '-c');
  assert.equal(cpu[1], CPU_CLOCK_WRAPPER);
  assert.deepEqual(cpu.slice(2), [
    '/r/ref_din.py',
    '--model',
    'DIEN',
    '--threads',
    '1',
    '--warmup',
    '3',
    '--steps',
    '5',
  ]);
  assert.equal(parsePytorchOutput(SAMPLE, { model: 'DIEN', threads: 2, clock: 'cpu' }).clock, 'cpu');
  assert.equal(parsePytorchOutput(SAMPLE, { model: 'DIEN', threads: 2 }).clock, 'wall');
});

test('the CPU-clock wrapper runs a script as __main__ with its arguments and time.perf_counter = process_time', (t) => {
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python)) return t.skip('no /usr/bin/python3');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-wrap-'));
  try {
    const script = path.join(dir, 'probe.py');
    fs.writeFileSync(
      script,
      'import sys, time, json\nif __name__ == "__main__":\n    ' +
        'print(json.dumps({"argv": sys.argv[1:], "cpu": time.perf_counter is ' +
        'time.process_time}))\n',
    );
    const args = pytorchArgs(script, 'DIN', 1, 2, 3, 'cpu');
    const res = spawnSync(python, args, { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout.trim());
    assert.equal(out.cpu, true);
    assert.deepEqual(out.argv, ['--model', 'DIN', '--threads', '1', '--warmup', '2', '--steps', '3']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

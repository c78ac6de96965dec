import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { phaseFromStepMs, SubjectMeasurement } from '../../src/bench/measure';
import {
  BenchRecord,
  BENCH_RECORD_SCHEMA,
  missingEntry,
  modelEntry,
  pytorchPairs,
  ratio,
  recordFileName,
  validateBenchRecord,
  writeBenchRecord,
} from '../../src/bench/record';
import { BENCH_SHAPE } from '../../src/bench/shape';
import { formatBenchTable } from '../../src/bench/table';
import type { PytorchRun } from '../../src/bench/pytorch';
import { blasRefusal } from '../../src/bench/referenceBlas';

function measurement(trainMs: number, scoreMs: number): SubjectMeasurement {
  return {
    train: { ...phaseFromStepMs([trainMs, trainMs], 128), cpuSamplesPerSecond: 4000 },
    score: phaseFromStepMs([scoreMs, scoreMs], 128),
    tensors: { beforeRun: 3, afterWarmup: 10, minDuringRun: 10, maxDuringRun: 10, afterRun: 10, growth: 0 },
    memory: { rssPeakBytes: 300 * 2 ** 20, jsHeapPeakBytes: 1, tensorBytesPeak: 1 },
  };
}

function run(
  model: 'DIN' | 'DIEN',
  threads: number,
  train: number,
  score: number,
  clock: 'wall' | 'cpu' = 'wall',
  blas: number | null = 80,
): Omit<PytorchRun, 'raw'> {
  const blasGflops = blas ?? undefined;
  return {
    model,
    threads,
    clock,
    trainSamplesPerSecond: train,
    scoreSamplesPerSecond: score,
    trainMedianStepMs: 1,
    scoreMedianStepMs: 1,
    trainP10Ms: 1,
    trainP90Ms: 1,
    scoreP10Ms: 1,
    scoreP90Ms: 1,
    steps: 50,
    blasGflops,
  };
}

function record(models: BenchRecord['models']): BenchRecord {
  return {
    schema: BENCH_RECORD_SCHEMA,
    createdAt: '2026-11-24T07:30:00.000Z',
    backend: 'wasm',
    backendReason: 'test',
    oursThreads: 1,
    allCoresThreads: 2,
    environment: {
      node: 'v20',
      tfjs: '4.22.0',
      platform: 'linux x64',
      cpus: 2,
      cpuModel: 'x',
      loadAverageAtStart: [0, 0, 0],
    },
    shape: { ...BENCH_SHAPE },
    optimizer: { kind: 'adam', learningRate: 1e-3 },
    warmup: 10,
    steps: 50,
    kernels: [],
    models,
    pytorch: { available: true, python: '/usr/bin/python3', referenceDir: '/x', runs: [] },
    notes: [],
  };
}

test('ratio is ours / theirs, null when either side is missing or not positive', () => {
  assert.equal(ratio(3000, 1500), 2);
  assert.equal(ratio(500, 2000), 0.25);
  assert.equal(ratio(null, 100), null);
  assert.equal(ratio(100, undefined), null);
  assert.equal(ratio(100, 0), null);
  assert.equal(ratio(Number.NaN, 10), null);
});

test('modelEntry: 64 ms per 128-sample step = 2000 samples/s; ratios against 1 and 2 threads', () => {
  const runs = [run('DIN', 1, 2500, 16000), run('DIN', 2, 3200, 20000), run('DIEN', 1, 900, 6000)];
  const pairs = pytorchPairs(runs, 'DIN');
  assert.deepEqual(pairs, {
    '1': { trainSamplesPerSecond: 2500, scoreSamplesPerSecond: 16000, blasGflops: 80 },
    '2': { trainSamplesPerSecond: 3200, scoreSamplesPerSecond: 20000, blasGflops: 80 },
  });
  const e = modelEntry(measurement(64, 8), pairs, 1);
  assert.equal(e.trainSamplesPerSecond, 2000);
  assert.equal(e.scoreSamplesPerSecond, 16000);
  assert.equal(e.ratioTrain, 2000 / 2500);
  assert.equal(e.ratioScore, 1);
  assert.equal(e.ratioTrain2Threads, 2000 / 3200);
  assert.equal(e.ratioScore2Threads, 16000 / 20000);
  const noRef = modelEntry(measurement(64, 8), pytorchPairs(runs, undefined), 1);
  assert.equal(noRef.ratioTrain, null);
  assert.equal(noRef.pytorch, null);
  assert.equal(pytorchPairs([], 'DIN'), null);
  assert.equal(e.ratioTrainCpu, null, 'no CPU-clock reference run');
});

test('CPU-time ratios use the 1-thread reference run timed by CPU time', () => {
  const runs = [run('DIN', 1, 500, 4000), run('DIN', 1, 2500, 20000, 'cpu')];
  const pairs = pytorchPairs(runs, 'DIN');
  assert.deepEqual(Object.keys(pairs ?? {}).sort(), ['1', '1-cpu']);
  const e = modelEntry(measurement(64, 8), pairs, 1);
  // ours by CPU time: train 4000 (fixture); score has no CPU figure
  assert.equal(e.ratioTrainCpu, 4000 / 2500);
  assert.equal(e.ratioScoreCpu, null);
  assert.equal(e.ratioTrain, 2000 / 500, 'wall ratio against the wall-clock run');
});

test('validateBenchRecord accepts the documented shape and names what is wrong otherwise', () => {
  const good = record({
    din: modelEntry(measurement(64, 8), null, 1),
    dmin: missingEntry('skipped', 'not implemented'),
  });
  assert.deepEqual(validateBenchRecord(JSON.parse(JSON.stringify(good))), []);
  const bad = JSON.parse(JSON.stringify(good));
  delete bad.models.din.ratioTrain;
  bad.models.dmin.status = 'maybe';
  bad.backend = '';
  const errors = validateBenchRecord(bad);
  assert.ok(errors.some((e) => e.includes('models.din.ratioTrain')));
  assert.ok(errors.some((e) => e.includes('models.dmin.status')));
  assert.ok(errors.some((e) => e.includes('backend')));
  const zero = JSON.parse(JSON.stringify(good));
  zero.models.din.trainSamplesPerSecond = 0;
  assert.ok(validateBenchRecord(zero).some((e) => e.includes('must be positive')));
  assert.deepEqual(validateBenchRecord(null), ['record is not an object']);
});

test('writeBenchRecord writes a timestamped file and latest.json with the same content, no temp files left', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-bench-'));
  try {
    const r = record({ din: modelEntry(measurement(64, 8), pytorchPairs([run('DIN', 1, 1000, 8000)], 'DIN'), 1) });
    const { file, latest } = writeBenchRecord(r, path.join(dir, 'results', 'bench'));
    assert.equal(path.basename(file), recordFileName(new Date(r.createdAt)));
    assert.equal(path.basename(file), 'bench-2026-11-24T07-30-00-000Z.json');
    const parsed = JSON.parse(fs.readFileSync(latest, 'utf8'));
    assert.deepEqual(parsed, JSON.parse(fs.readFileSync(file, 'utf8')));
    assert.equal(parsed.models.din.trainSamplesPerSecond, 2000);
    assert.equal(parsed.models.din.ratioTrain, 2);
    assert.equal(parsed.models.din.ratioScore, 2);
    assert.equal(parsed.backend, 'wasm');
    assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), [path.basename(file), 'latest.json'].sort());
    const broken = record({ din: { ...missingEntry('failed', 'x'), status: 'ok' } });
    assert.throws(() => writeBenchRecord(broken, dir), /invalid bench record/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the ratio that counts is against PyTorch with all the machine's cores", () => {
  const runs = [run('DIN', 1, 1000, 8000), run('DIN', 2, 1600, 10000), run('DIN', 4, 2000, 16000)];
  const pairs = pytorchPairs(runs, 'DIN');
  const on2 = modelEntry(measurement(64, 8), pairs, 1, undefined, 2);
  assert.equal(on2.allCoresThreads, 2);
  assert.equal(on2.ratioTrainAllCores, 2000 / 1600);
  assert.equal(on2.ratioScoreAllCores, 16000 / 10000);
  const on4 = modelEntry(measurement(64, 8), pairs, 1, undefined, 4);
  assert.equal(on4.ratioTrainAllCores, 1);
  assert.equal(on4.ratioScoreAllCores, 1);
  assert.equal(on4.ratioTrain, 2, 'the same-thread ratio is still recorded');
  const on8 = modelEntry(measurement(64, 8), pairs, 1, undefined, 8);
  assert.equal(on8.ratioTrainAllCores, null, 'no reference with 8 threads ran');
  assert.equal(on8.refusals, undefined);
});

test('no ratio against a reference on an unoptimised BLAS (< 20 GFLOP/s) or one that did not report its BLAS', () => {
  assert.equal(blasRefusal(79.6), undefined);
  assert.equal(blasRefusal(20), undefined);
  assert.match(blasRefusal(5.8) ?? '', /5\.8 GFLOP\/s \(< 20\).*libopenblas0-pthread/);
  assert.match(blasRefusal(undefined) ?? '', /did not report env\.blas_gflops/);
  const runs = [
    run('DIN', 1, 1000, 8000, 'wall', 79.6),
    run('DIN', 2, 1600, 10000, 'wall', 5.8),
    run('DIN', 1, 900, 7000, 'cpu', null),
  ];
  const e = modelEntry(measurement(64, 8), pytorchPairs(runs, 'DIN'), 1, undefined, 2);
  assert.equal(e.ratioTrain, 2, '1-thread reference at 79.6 GFLOP/s is fair');
  assert.equal(e.ratioTrainAllCores, null);
  assert.equal(e.ratioScoreAllCores, null);
  assert.equal(e.ratioTrain2Threads, null);
  assert.equal(e.ratioTrainCpu, null);
  assert.equal(e.refusals?.length, 2);
  assert.ok(e.refusals?.some((r) => r.startsWith('PyTorch 2 thread(s): ') && r.includes('5.8 GFLOP/s')));
  assert.ok(e.refusals?.some((r) => r.startsWith('PyTorch 1-cpu thread(s): ') && r.includes('did not report')));
  const text = formatBenchTable(record({ din: e }));
  assert.match(text, /ratio refused: din: PyTorch 2 thread\(s\): .*5\.8 GFLOP\/s/);
  const din = text.split('\n').find((l) => l.startsWith('| din '));
  assert.match(din!, /\| 2,000 \(2,000-2,000\) \| 1,600 \| - \| 16,000 \(16,000-16,000\) \| 10,000 \| - \| 5\.8 \|/);
});

test('formatBenchTable: one row per model: rates, core ratios, limit fractions, RSS, skip reasons', () => {
  const din = modelEntry(
    measurement(64, 8),
    pytorchPairs([run('DIN', 1, 1000, 8000), run('DIN', 2, 4000, 32000)], 'DIN'),
    1,
    undefined,
    2,
  );
  din.flops = { trainStep: 2.5e9, scoring: 0.5e9 };
  din.limitFractionTrain = 0.25;
  din.limitFractionScore = 0.125;
  const r = record({ din, dhan: missingEntry('skipped', 'model "dhan" is not implemented yet') });
  r.limit = { backend: 'wasm', n: 512, reps: 8, matMulGflops: 30, medianGflops: 20 };
  const text = formatBenchTable(r);
  const lines = text.split('\n');
  const row = lines.find((l) => l.startsWith('| din '));
  assert.ok(row, text);
  assert.match(
    row!,
    /^\| din \| 2,000 \(2,000-2,000\) \| 4,000 \| 0\.50x \| 16,000 \(16,000-16,000\) \| 32,000 \| 0\.50x \| 80\.0 \| 2\.50 \| 25\.0% \| 12\.5% \| 300 \|$/,
  );
  assert.ok(lines.some((l) => l.startsWith('| dhan | skipped: model "dhan" is not implemented yet')));
  assert.match(text, /Backend wasm \(1 thread\)/);
  assert.match(text, /with 2 threads \(this machine's cores\)/);
  assert.match(text, /Limit: wasm reaches 30\.0 GFLOP\/s/);
  const detail = lines.filter((l) => l.startsWith('| din '))[1];
  assert.match(
    detail,
    /^\| din \| 4,000 \| - \| - \| - \| - \| - \| 1,000 \| 2\.00x \| 8,000 \| 2\.00x \| - \| - \| \+0 \|$/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pairedTTest, relaImpr, sampleStdOf } from '../../src/metrics';
import { canonicalJson, mergeDeep, resolveRunConfig, runConfigHash } from '../../src/experiments/runConfig';
import {
  isRunRecorded,
  loadRunRecords,
  RunRecord,
  runRecordPath,
  writeRunRecord,
} from '../../src/experiments/runRecord';
import { formatSummaryText, summarizeRuns } from '../../src/experiments/summary';
import { applyExperimentOverrides, ExperimentSpec, planExperiment } from '../../src/experiments/spec';

function fakeRecord(variant: string, seed: number, testAuc: number): RunRecord {
  const config = resolveRunConfig({ model: 'base', dataset: 'synthetic', seed });
  const split = { auc: testAuc, gauc: testAuc - 0.01, logloss: 0.5, rows: 10 };
  return {
    format: 'dil-run/1',
    paper: 'dien',
    experiment: 'table4',
    variant,
    label: variant.toUpperCase(),
    seed,
    configHash: runConfigHash(config),
    config,
    datasetChecksum: 'abc',
    backend: 'wasm',
    gitCommit: 'x',
    host: 'h',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    selectedOnTest: false,
    history: [],
    bestEpoch: 0,
    selectedOn: 'valid',
    best: { test: split },
    samplesPerSecond: 100,
    wallSeconds: 1,
  };
}

test('summarizeRuns: mean, std, diff, paired t-test by seed, RelaImpr', () => {
  const base = [0.7, 0.72, 0.71];
  const better = [0.75, 0.78, 0.76];
  const records = [
    ...better.map((auc, i) => fakeRecord('augru', i + 1, auc)),
    ...base.map((auc, i) => fakeRecord('base', i + 1, auc)),
  ];
  const summary = summarizeRuns(records, {
    variants: [
      { name: 'base', label: 'BaseModel' },
      { name: 'augru', label: 'GRU+AUGRU' },
    ],
    baseVariant: 'base',
  });
  assert.deepEqual(
    summary.variants.map((v) => v.label),
    ['BaseModel', 'GRU+AUGRU'],
  );
  const [b, a] = summary.variants;
  assert.ok(Math.abs(b.meanAuc - 0.71) < 1e-12);
  assert.ok(Math.abs(b.stdAuc - sampleStdOf(base)) < 1e-15);
  assert.ok(Number.isNaN(b.pValue));
  assert.ok(Math.abs(a.diffAuc - (0.763333333333 - 0.71)) < 1e-9);
  assert.equal(a.pValue, pairedTTest(better, base).pValue);
  assert.equal(a.pairs, 3);
  assert.ok(Math.abs(a.relaImpr - relaImpr(a.meanAuc, b.meanAuc)) < 1e-12);
  const text = formatSummaryText(summary, 'DIEN Table 4');
  assert.match(text, /GRU\+AUGRU\s+0\.7633 ± 0\.0153\s+\+0\.0533/);
});

test('summarizeRuns: pairs only shared seeds; test-set selection is flagged', () => {
  const records = [
    fakeRecord('base', 1, 0.7),
    fakeRecord('base', 2, 0.71),
    fakeRecord('x', 2, 0.8),
    fakeRecord('x', 3, 0.82),
  ];
  records[3].selectedOnTest = true;
  const summary = summarizeRuns(records, { baseVariant: 'base' });
  const x = summary.variants.find((v) => v.variant === 'x')!;
  assert.equal(x.pairs, 1);
  assert.ok(Number.isNaN(x.pValue));
  assert.equal(summary.selectedOnTest, true);
  assert.match(formatSummaryText(summary), /TEST split/);
});

test('run records: atomic write, path layout, load, malformed files reported', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-records-'));
  try {
    const record = fakeRecord('base', 1, 0.7);
    const key = { paper: 'dien', experiment: 'table4', variant: 'base', seed: 1, configHash: record.configHash };
    const file = runRecordPath(dir, key);
    assert.equal(file, path.join(dir, 'runs', 'dien', 'table4', `base__seed1__${record.configHash}.json`));
    assert.equal(isRunRecorded(dir, key), false);
    writeRunRecord(file, record);
    assert.equal(isRunRecorded(dir, key), true);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), [path.basename(file)]); // no temp file left
    fs.writeFileSync(path.join(path.dirname(file), 'broken.json'), '{"format": "dil-run/1"');
    const { records, errors } = loadRunRecords(dir);
    assert.equal(records.length, 1);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /broken\.json: not a readable JSON run record/);
    assert.throws(() => runRecordPath(dir, { ...key, variant: '../evil' }), /variant "\.\.\/evil"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('run config: canonical hash ignores key order and data location; overrides merge deeply', () => {
  const a = resolveRunConfig({
    model: 'dien',
    modelOptions: { gru: 'AUGRU', aux: { w: 1 } },
    dataset: 's',
    data: { dataDir: '/a' },
    seed: 1,
  });
  const b = resolveRunConfig({
    model: 'dien',
    modelOptions: { aux: { w: 1 }, gru: 'AUGRU' },
    dataset: 's',
    data: { dataDir: '/b' },
    seed: 1,
  });
  assert.equal(runConfigHash(a), runConfigHash(b));
  const c = resolveRunConfig({ model: 'dien', modelOptions: { gru: 'AGRU' }, dataset: 's', seed: 1 });
  assert.notEqual(runConfigHash(a), runConfigHash(c));
  assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] }), '{"a":[1,{"c":3,"d":2}],"b":1}');
  assert.deepEqual(mergeDeep({ x: { y: 1, z: 2 }, w: [1] }, { x: { z: 3 }, w: [2] }), { x: { y: 1, z: 3 }, w: [2] });
  assert.throws(
    () => resolveRunConfig({ model: 'dien', dataset: 's', seed: 1, train: { batchSize: 0 } }),
    /train\.batchSize = 0; expected an integer >= 1/,
  );
  assert.throws(
    () => resolveRunConfig({ model: 'dien', dataset: 's', seed: 1, train: { bogus: 1 } as never }),
    /unknown train option "bogus"/,
  );
});

test('planExperiment: variants x seeds, overrides, unknown variant error', () => {
  const spec: ExperimentSpec = {
    paper: 'dien',
    name: 't',
    title: 'T',
    dataset: 'synthetic',
    data: {},
    base: { model: 'base', modelOptions: { a: 1 }, train: { epochs: 2 }, trainPreset: 'dien' },
    variants: [
      { name: 'base', label: 'Base', overrides: {} },
      {
        name: 'dien',
        label: 'DIEN',
        overrides: { model: 'dien', modelOptions: { gru: 'AUGRU' }, train: { auxWeight: 1 } },
      },
    ],
    baseVariant: 'base',
    seeds: [1, 2],
  };
  const plan = planExperiment(spec);
  assert.equal(plan.length, 4);
  assert.deepEqual(
    plan.map((r) => `${r.key.variant}:${r.key.seed}`),
    ['base:1', 'base:2', 'dien:1', 'dien:2'],
  );
  assert.equal(plan[2].config.model, 'dien');
  assert.deepEqual(plan[2].config.modelOptions, { a: 1, gru: 'AUGRU' });
  assert.equal(plan[2].config.train.optimizer, 'adam');
  assert.deepEqual(plan[0].config.train.schedule, { kind: 'epochDecay', factor: 0.5 });
  const narrowed = applyExperimentOverrides(spec, {
    seeds: 3,
    epochs: 1,
    variants: ['dien'],
    train: { selectOn: 'test' },
  });
  const plan2 = planExperiment(narrowed);
  assert.equal(plan2.length, 3);
  assert.equal(plan2[0].config.train.epochs, 1);
  assert.equal(plan2[0].config.train.selectOn, 'test');
  assert.throws(
    () => applyExperimentOverrides(spec, { variants: ['nope'] }),
    /unknown variant "nope" for dien\/t; expected one of: base, dien/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { notebookDatasetSpec } from '../../src/report/notebookData';
import { notebookExperimentSpec, notebookSettings } from '../../src/report/notebookSession';

test('notebookSettings: defaults, DIL_* overrides, seeds as a count or a list, clear errors', () => {
  const defaults = notebookSettings({ DIL_RESULTS: '/tmp/r' });
  assert.equal(defaults.profile, 'default');
  assert.equal(defaults.dataset, undefined);
  assert.equal(defaults.seeds, undefined);
  assert.ok(defaults.jobs >= 1);
  assert.equal(defaults.resultsDir, path.resolve('/tmp/r'));
  const set = notebookSettings({
    DIL_PROFILE: 'smoke',
    DIL_DATASET: 'amazon:Beauty',
    DIL_DATA_DIR: '/d',
    DIL_SEEDS: '3',
    DIL_JOBS: '2',
    DIL_RESULTS: 'x',
  });
  assert.deepEqual(set, {
    profile: 'smoke',
    dataset: 'amazon:Beauty',
    dataDir: '/d',
    seeds: [1, 2, 3],
    jobs: 2,
    resultsDir: path.resolve('x'),
  });
  assert.deepEqual(notebookSettings({ DIL_SEEDS: '4, 7', DIL_DATASET: 'synthetic' }).seeds, [4, 7]);
  assert.equal(notebookSettings({ DIL_DATASET: 'synthetic' }).dataset, undefined);
  assert.throws(
    () => notebookSettings({ DIL_PROFILE: 'huge' }),
    /DIL_PROFILE=huge: expected one of smoke, default, full/,
  );
  assert.throws(() => notebookSettings({ DIL_SEEDS: 'a,b' }), /DIL_SEEDS=a,b/);
  assert.throws(() => notebookSettings({ DIL_JOBS: '0' }), /DIL_JOBS=0: expected a positive integer/);
});

test('DIL_* parameters: the notebook and ablationOptionsFromEnv plan the same experiment', async () => {
  const { ablationOptionsFromEnv, ablationSpecs } = await import('../../src/experiments/ablation');
  const cases: NodeJS.ProcessEnv[] = [
    { DIL_PROFILE: 'smoke', DIL_SEEDS: '3' },
    { DIL_PROFILE: 'smoke', DIL_SEEDS: '2, 9' },
    { DIL_PROFILE: 'default', DIL_SEEDS: '1', DIL_DATASET: 'synthetic' },
    { DIL_PROFILE: 'default', DIL_DATASET: 'amazon:Beauty', DIL_DATA_DIR: '/d', DIL_SEEDS: '2' },
  ];
  const expected = [[1, 2, 3], [2, 9], [1], [1, 2]];
  cases.forEach((env, i) => {
    const fromNotebook = notebookExperimentSpec('dien', 'table4', notebookSettings({ ...env, DIL_RESULTS: '/tmp/r' }));
    const fromAblation = ablationSpecs('dien', { ...ablationOptionsFromEnv(env), experiments: ['table4'] }).specs[0];
    assert.deepEqual(fromNotebook.seeds, expected[i], JSON.stringify(env));
    assert.deepEqual(fromAblation.seeds, expected[i], JSON.stringify(env));
    assert.equal(fromAblation.dataset, fromNotebook.dataset, JSON.stringify(env));
    assert.deepEqual(fromAblation.data, fromNotebook.data, JSON.stringify(env));
  });
  for (const bad of [
    { DIL_SEEDS: '0' },
    { DIL_SEEDS: '1,' },
    { DIL_SEEDS: '-2' },
    { DIL_PROFILE: 'huge' },
    { DIL_JOBS: '1.5' },
  ]) {
    const key = Object.keys(bad)[0];
    assert.throws(() => notebookSettings(bad), new RegExp(`${key}=`));
    assert.throws(() => ablationOptionsFromEnv(bad), new RegExp(`${key}=`));
  }
});

test('notebook experiment specs follow the settings: dataset, seeds, profile variants', () => {
  const smoke = notebookSettings({ DIL_PROFILE: 'smoke', DIL_RESULTS: '/tmp/r' });
  const spec = notebookExperimentSpec('dien', 'table4', smoke);
  assert.equal(spec.paper, 'dien');
  assert.match(spec.dataset, /^synthetic:drift:tiny$/);
  const custom = notebookExperimentSpec('dien', 'table4', {
    ...smoke,
    dataset: 'amazon:Beauty',
    dataDir: '/data',
    seeds: [5, 6],
  });
  assert.equal(custom.dataset, 'amazon:Beauty');
  assert.deepEqual(custom.seeds, [5, 6]);
  assert.throws(
    () => notebookExperimentSpec('dien', 'table9', smoke),
    /no experiment "table9" for dien; expected one of: .*table4/,
  );
  assert.equal(notebookDatasetSpec(smoke), 'synthetic:default:tiny');
  assert.equal(notebookDatasetSpec({ ...smoke, profile: 'default' }, 'hier'), 'synthetic:hier:small');
  assert.equal(notebookDatasetSpec({ ...smoke, dataset: 'movielens' }), 'movielens');
});

test('notebook experiments are planned like `dil ablate` (history cap on real data, same run hashes)', async () => {
  const { parseArgs } = await import('../../src/cli/args');
  const { ABLATE_COMMAND, experimentsFromArgs } = await import('../../src/cli/commands/ablate');
  const { planExperiment } = await import('../../src/experiments/spec');
  const settings = notebookSettings({
    DIL_PROFILE: 'default',
    DIL_DATASET: 'amazon:Beauty',
    DIL_DATA_DIR: '/data/beauty',
    DIL_SEEDS: '2,5',
    DIL_RESULTS: '/tmp/r',
  });
  const spec = notebookExperimentSpec('dien', 'table4', settings);
  assert.equal(spec.data.maxLen, 20, 'the default profile caps real histories at 20 as the CLI does');
  const cli = experimentsFromArgs(
    'dien',
    parseArgs(ABLATE_COMMAND, [
      'dien',
      '--experiment',
      'table4',
      '--dataset',
      'amazon:Beauty',
      '--data-dir',
      '/data/beauty',
      '--seed',
      '2',
    ]),
  );
  const hashes = (s: typeof spec) => planExperiment(s).map((r) => `${r.key.variant}/${r.key.seed}/${r.key.configHash}`);
  const cliSeed2 = hashes(cli.specs[0]);
  assert.ok(cliSeed2.length > 0);
  assert.deepEqual(
    hashes(spec).filter((h) => h.includes('/2/')),
    cliSeed2,
    'same runs (config hashes) as `dil ablate`, so records are shared',
  );
  assert.deepEqual(spec.seeds, [2, 5]);
  // synthetic data keeps the experiment's own maxLen (no cap)
  const synthetic = notebookExperimentSpec(
    'dien',
    'table4',
    notebookSettings({ DIL_PROFILE: 'default', DIL_RESULTS: '/tmp/r' }),
  );
  assert.equal(synthetic.data.maxLen, undefined);
});

test("datasetFrames: danfojs DataFrames of the samples agree with the dataset's own arrays", async () => {
  const { useBestBackend } = await import('../../src/backend');
  const { loadDataset } = await import('../../src/data/load');
  const { datasetFrames } = await import('../../src/report/datasetFrames');
  await useBestBackend({ quiet: true });
  const dataset = await loadDataset('amazon:Tiny', {
    dataDir: path.join(__dirname, '..', '..', 'data', 'fixtures', 'amazon-tiny'),
    protocol: 'din',
  });
  const frames = datasetFrames(dataset);
  const splits = ['train', 'valid', 'test'] as const;
  const total = splits.reduce((n, s) => n + dataset.splitSize(s), 0);
  assert.deepEqual(frames.samples.shape, [total, 5]);
  const rows = (frame: { columns: string[]; values: unknown[] }) =>
    (frame.values as unknown[][]).map((row) => Object.fromEntries(frame.columns.map((c, i) => [c, row[i]]))) as Record<
      string,
      number | string
    >[];
  const perSplit = new Map(rows(frames.perSplit).map((r) => [r.split, r]));
  for (const s of splits) {
    const n = dataset.splitSize(s);
    if (n === 0) continue;
    const table = dataset.splits[s];
    const row = perSplit.get(s)!;
    assert.equal(row.histLen_count, n, `${s}: samples`);
    assert.ok(
      Math.abs((row.label_mean as number) - table.label.reduce((a, v) => a + v, 0) / n) < 1e-9,
      `${s}: positive share`,
    );
    assert.ok(
      Math.abs((row.histLen_mean as number) - table.histLen.reduce((a, v) => a + v, 0) / n) < 1e-9,
      `${s}: mean history`,
    );
    assert.equal(row.histLen_max, Math.max(...table.histLen));
  }
  // history-length distribution: counts per length, sorted, summing to all samples
  const lengths = rows(frames.historyLengths);
  assert.equal(
    lengths.reduce((a, r) => a + (r.user_count as number), 0),
    total,
  );
  for (let i = 1; i < lengths.length; i++)
    assert.ok((lengths[i].histLen as number) > (lengths[i - 1].histLen as number));
  const all = splits.flatMap((s) => Array.from(dataset.splits[s].histLen));
  for (const r of lengths) assert.equal(r.user_count, all.filter((v) => v === r.histLen).length);
  // categories: counts sum to all samples, most frequent first
  const cats = rows(frames.categories);
  assert.equal(
    cats.reduce((a, r) => a + (r.label_count as number), 0),
    total,
  );
  for (let i = 1; i < cats.length; i++)
    assert.ok((cats[i].label_count as number) <= (cats[i - 1].label_count as number));
  // describe(): count and mean of the history lengths over every sample
  assert.deepEqual(frames.described.index.slice(0, 2), ['count', 'mean']);
  const described = frames.described.values as number[][];
  const histColumn = frames.described.columns.indexOf('histLen');
  assert.equal(described[0][histColumn], total);
  assert.ok(Math.abs(described[1][histColumn] - all.reduce((a, v) => a + v, 0) / total) < 1e-9);
  assert.ok(lengths.length > 1, 'the fixture has several history lengths');
});

test("dil reproduce runs a notebook's sweeps first: the notebook then finds every run recorded", async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const { runAblation } = await import('../../src/experiments/ablation');
  const { notebookAblationOptions } = await import('../../src/report/notebookSession');
  const { notebookPaper } = await import('../../src/cli/commands/reproduce');
  assert.equal(notebookPaper('/x/notebooks/01-din.ipynb'), 'din');
  assert.equal(notebookPaper('04-dhan.ipynb'), 'dhan');
  assert.equal(notebookPaper('00-data.ipynb'), undefined);
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-reproduce-'));
  try {
    const settings = notebookSettings({ DIL_PROFILE: 'smoke', DIL_JOBS: '1', DIL_RESULTS: resultsDir });
    const first = await runAblation('din', notebookAblationOptions(undefined, settings));
    assert.equal(first.failures.length, 0);
    assert.ok(first.executed >= 3, `executed ${first.executed}`);
    // `dil ablate din` summarises by DIN's own metric, the user-weighted AUC, as its notebook does
    for (const { summary, records } of first.experiments) {
      assert.equal(summary.metric, 'gauc');
      const base = summary.variants.find((v) => v.variant === summary.baseVariant)!;
      const gaucs = records.filter((r) => r.variant === summary.baseVariant).map((r) => r.best.test.gauc);
      assert.ok(gaucs.length > 0 && Math.abs(base.meanAuc - gaucs.reduce((a, b) => a + b, 0) / gaucs.length) < 1e-12);
    }
    // what the notebook's cells then call, one experiment at a time
    for (const experiment of ['table3', 'regularization', 'softmax']) {
      const again = await runAblation('din', notebookAblationOptions(experiment, settings));
      assert.equal(again.executed, 0, `${experiment}: the notebook would retrain ${again.executed} run(s)`);
      assert.ok(again.experiments[0].records.length > 0);
    }
  } finally {
    fs.rmSync(resultsDir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { notebookDatasetSpec, notebookExperimentSpec, notebookSettings } from '../../src/report/notebookSession';

test('notebookSettings: defaults, DIL_* overrides, seeds as a count or a list, clear errors', () => {
  const defaults = notebookSettings({ DIL_RESULTS: '/tmp/r' });
  assert.equal(defaults.profile, 'default');
  assert.equal(defaults.dataset, undefined);
  assert.equal(defaults.seeds, undefined);
  assert.ok(defaults.jobs >= 1);
  assert.equal(defaults.resultsDir, path.resolve('/tmp/r'));
  const set = notebookSettings({ DIL_PROFILE: 'smoke', DIL_DATASET: 'amazon:Beauty', DIL_DATA_DIR: '/d', DIL_SEEDS: '3', DIL_JOBS: '2', DIL_RESULTS: 'x' });
  assert.deepEqual(set, { profile: 'smoke', dataset: 'amazon:Beauty', dataDir: '/d', seeds: [1, 2, 3], jobs: 2, resultsDir: path.resolve('x') });
  assert.deepEqual(notebookSettings({ DIL_SEEDS: '4, 7', DIL_DATASET: 'synthetic' }).seeds, [4, 7]);
  assert.equal(notebookSettings({ DIL_DATASET: 'synthetic' }).dataset, undefined);
  assert.throws(() => notebookSettings({ DIL_PROFILE: 'huge' }), /DIL_PROFILE=huge: expected one of smoke, default, full/);
  assert.throws(() => notebookSettings({ DIL_SEEDS: 'a,b' }), /DIL_SEEDS=a,b/);
  assert.throws(() => notebookSettings({ DIL_JOBS: '0' }), /DIL_JOBS=0: expected a positive integer/);
});

test('notebook experiment specs follow the settings: dataset, seeds, profile variants', () => {
  const smoke = notebookSettings({ DIL_PROFILE: 'smoke', DIL_RESULTS: '/tmp/r' });
  const spec = notebookExperimentSpec('dien', 'table4', smoke);
  assert.equal(spec.paper, 'dien');
  assert.match(spec.dataset, /^synthetic:drift:tiny$/);
  const custom = notebookExperimentSpec('dien', 'table4', { ...smoke, dataset: 'amazon:Beauty', dataDir: '/data', seeds: [5, 6] });
  assert.equal(custom.dataset, 'amazon:Beauty');
  assert.deepEqual(custom.seeds, [5, 6]);
  assert.throws(() => notebookExperimentSpec('dien', 'table9', smoke), /no experiment "table9" for dien; expected one of: .*table4/);
  assert.equal(notebookDatasetSpec(smoke), 'synthetic:default:tiny');
  assert.equal(notebookDatasetSpec({ ...smoke, profile: 'default' }, 'hier'), 'synthetic:hier:small');
  assert.equal(notebookDatasetSpec({ ...smoke, dataset: 'movielens' }), 'movielens');
});

test('notebook experiments are planned exactly like `dil ablate` (history cap on real data, same run hashes)', async () => {
  const { parseArgs } = await import('../../src/cli/args');
  const { ABLATE_COMMAND, experimentsFromArgs } = await import('../../src/cli/commands/ablate');
  const { planExperiment } = await import('../../src/experiments/spec');
  const settings = notebookSettings({ DIL_PROFILE: 'default', DIL_DATASET: 'amazon:Beauty', DIL_DATA_DIR: '/data/beauty', DIL_SEEDS: '2,5', DIL_RESULTS: '/tmp/r' });
  const spec = notebookExperimentSpec('dien', 'table4', settings);
  assert.equal(spec.data.maxLen, 20, 'the default profile caps real histories at 20 as the CLI does');
  const cli = experimentsFromArgs('dien', parseArgs(ABLATE_COMMAND, ['dien', '--experiment', 'table4', '--dataset', 'amazon:Beauty', '--data-dir', '/data/beauty', '--seed', '2']));
  const hashes = (s: typeof spec) => planExperiment(s).map((r) => `${r.key.variant}/${r.key.seed}/${r.key.configHash}`);
  const cliSeed2 = hashes(cli.specs[0]);
  assert.ok(cliSeed2.length > 0);
  assert.deepEqual(hashes(spec).filter((h) => h.includes('/2/')), cliSeed2, 'same runs (config hashes) as `dil ablate`, so records are shared');
  assert.deepEqual(spec.seeds, [2, 5]);
  // synthetic data keeps the experiment's own maxLen (no cap)
  const synthetic = notebookExperimentSpec('dien', 'table4', notebookSettings({ DIL_PROFILE: 'default', DIL_RESULTS: '/tmp/r' }));
  assert.equal(synthetic.data.maxLen, undefined);
});

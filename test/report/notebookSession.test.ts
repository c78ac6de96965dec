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

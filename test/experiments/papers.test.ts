import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBestBackend } from '../../src/backend';
import { createModel, MODEL_NAMES } from '../../src/models';
import { paperExperiments } from '../../src/experiments/papers';
import { modelOptionsForRun } from '../../src/experiments/runModel';
import { PAPER_NAMES, planExperiment, PROFILE_NAMES } from '../../src/experiments/spec';

const TABLE_ROWS: Record<string, Record<string, string[]>> = {
  din: {
    table3: ['LR', 'BaseModel', 'Wide&Deep', 'PNN', 'DeepFM', 'DIN', 'DIN with Dice'],
  },
  dien: {
    table4: [
      'BaseModel',
      'Two layer GRU Attention',
      'BaseModel + GRU + AIGRU',
      'BaseModel + GRU + AGRU',
      'BaseModel + GRU + AUGRU',
      'DIEN',
    ],
  },
};

test('paper specs: every paper x profile plans; default = all variants x 3 seeds; smoke is small', () => {
  for (const paper of PAPER_NAMES) {
    for (const profile of PROFILE_NAMES) {
      const specs = paperExperiments(paper, profile);
      assert.ok(specs.length >= 1);
      for (const spec of specs) {
        const plan = planExperiment(spec);
        assert.ok(
          spec.variants.some((v) => v.name === spec.baseVariant),
          `${paper}/${spec.name}: base variant present`,
        );
        for (const run of plan)
          assert.ok((MODEL_NAMES as readonly string[]).includes(run.config.model), run.config.model);
        if (profile === 'smoke') {
          assert.deepEqual(spec.seeds, [1]);
          assert.ok(plan.length <= 3, `${paper}/${spec.name} smoke has ${plan.length} runs`);
          assert.match(spec.dataset, /^synthetic:.*:tiny$/);
          assert.equal(plan[0].config.train.epochs, 1);
        }
        if (profile === 'default') {
          assert.deepEqual(spec.seeds, [1, 2, 3]);
          assert.match(spec.dataset, /^synthetic:/);
        }
        if (profile === 'full') assert.doesNotMatch(spec.dataset, /^synthetic/);
      }
    }
  }
  for (const [paper, tables] of Object.entries(TABLE_ROWS)) {
    for (const [name, rows] of Object.entries(tables)) {
      const spec = paperExperiments(paper as never, 'default').find((s) => s.name === name)!;
      assert.deepEqual(
        spec.variants.map((v) => v.label),
        rows,
      );
    }
  }
  // the DIEN Table 4 ablation differs only in the evolution layer and the aux weight
  const table4 = planExperiment(paperExperiments('dien', 'default').find((s) => s.name === 'table4')!);
  const bySeed1 = table4.filter((r) => r.key.seed === 1);
  assert.deepEqual(
    bySeed1.map((r) => [r.config.model, r.config.modelOptions.evolution ?? null, r.config.train.auxWeight]),
    [
      ['base', null, 0],
      ['dien', 'attention', 0],
      ['dien', 'AIGRU', 0],
      ['dien', 'AGRU', 0],
      ['dien', 'AUGRU', 0],
      ['dien', 'AUGRU', 1],
    ],
  );
});

test('paper specs: every variant of every model builds with its options (no typo passes)', async () => {
  await useBestBackend({ quiet: true });
  const sizes = { users: 5, items: 20, cats: [4, 2] };
  let built = 0;
  for (const paper of PAPER_NAMES) {
    for (const spec of paperExperiments(paper, 'default')) {
      for (const run of planExperiment({ ...spec, seeds: [1] })) {
        const options = modelOptionsForRun(run.config);
        const model = createModel(run.config.model, options, sizes, 1);
        model.dispose();
        built++;
      }
    }
  }
  assert.ok(built >= 10, `${built} variant models built`);
});

test('notebook parameters: ablationOptionsFromEnv and the real-data history cap', async () => {
  const { ablationOptionsFromEnv, ablationSpecs } = await import('../../src/experiments/ablation');
  const o = ablationOptionsFromEnv({
    DIL_PROFILE: 'smoke',
    DIL_SEEDS: '1,4',
    DIL_JOBS: '2',
    DIL_DATASET: 'amazon:Beauty',
    DIL_DATA_DIR: '/d',
  });
  assert.equal(o.profile, 'smoke');
  assert.deepEqual(o.seedList, [1, 4]);
  assert.equal(o.jobs, 2);
  assert.equal(ablationOptionsFromEnv({ DIL_SEEDS: '3' }).seeds, 3);
  assert.throws(
    () => ablationOptionsFromEnv({ DIL_PROFILE: 'big' }),
    /DIL_PROFILE=big: expected one of smoke, default, full/,
  );
  assert.throws(() => ablationOptionsFromEnv({ DIL_JOBS: '0' }), /DIL_JOBS=0/);
  const { specs, notes } = ablationSpecs('dien', { ...o, experiments: ['table4'] });
  assert.equal(specs[0].dataset, 'amazon:Beauty');
  assert.deepEqual(specs[0].seeds, [1, 4]);
  assert.equal(specs[0].data.maxLen, 20);
  assert.equal(specs[0].data.dataDir, '/d');
  assert.equal(specs[0].data.protocol, 'dien');
  assert.match(notes[0], /capped at 20/);
  assert.equal(ablationSpecs('dien', { dataset: 'amazon:Beauty', data: { maxLen: 50 } }).specs[0].data.maxLen, 50);
  assert.equal(ablationSpecs('dien', { profile: 'full' }).specs[0].data.maxLen, 100);
});

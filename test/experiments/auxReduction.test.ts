/**
 * Every experiment row that trains with an auxiliary loss reduces it as the code behind the
 * published numbers does (`'official'`: the DIEN code's mean over B x (T-1) entries, also used by
 * the DMIN and DHAN_DIEN code), except the row of the DIEN `auxreduction` experiment that shows
 * the paper's reduction.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { paperExperiments } from '../../src/experiments/papers';
import { planExperiment, PROFILE_NAMES } from '../../src/experiments/spec';
import { createModel } from '../../src/models';
import { modelOptionsForRun } from '../../src/experiments/runModel';

/** alpha and reduction of the auxiliary loss in a resolved model config (dhan: its DIEN branch). */
function auxOf(model: string, config: Record<string, unknown>): { weight: number; reduction?: string } {
  const c = (model === 'dhan' ? (config.onDien ? config.dien : {}) : config) as {
    auxWeight?: number;
    auxReduction?: string;
  };
  return { weight: c.auxWeight ?? 0, reduction: c.auxReduction };
}

test('rows with an auxiliary loss use the official reduction (DIEN, DMIN, DHAN, every profile)', async () => {
  await useBestBackend({ quiet: true });
  const sizes = { users: 5, items: 20, cats: [4, 2] };
  let checked = 0;
  for (const paper of ['dien', 'dmin', 'dhan'] as const) {
    for (const profile of PROFILE_NAMES) {
      for (const spec of paperExperiments(paper, profile)) {
        for (const run of planExperiment({ ...spec, seeds: [1] })) {
          const options = modelOptionsForRun(run.config);
          const model = createModel(run.config.model, options, sizes, 1);
          const { weight, reduction } = auxOf(run.config.model, model.config as unknown as Record<string, unknown>);
          model.dispose();
          if (weight === 0) continue;
          const expected =
            spec.name === 'auxreduction' && run.key.variant === 'dien-per-sample' ? 'perSample' : 'official';
          assert.equal(reduction, expected, `${paper}/${spec.name}/${run.key.variant} (${profile})`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked >= 10, `${checked} rows with an auxiliary loss checked`);
});

test('DIEN auxreduction experiment: AUGRU without the loss, then the paper and the official reduction', () => {
  const spec = paperExperiments('dien', 'default').find((s) => s.name === 'auxreduction');
  assert.ok(spec, 'dien has an auxreduction experiment');
  const rows = planExperiment({ ...spec, seeds: [1] }).map((r) => ({
    variant: r.key.variant,
    evolution: r.config.modelOptions.evolution,
    aux: r.config.train.auxWeight,
    reduction: r.config.modelOptions.auxReduction,
  }));
  assert.deepEqual(rows, [
    { variant: 'augru', evolution: 'AUGRU', aux: 0, reduction: undefined },
    { variant: 'dien-per-sample', evolution: 'AUGRU', aux: 1, reduction: 'perSample' },
    { variant: 'dien-official', evolution: 'AUGRU', aux: 1, reduction: 'official' },
  ]);
  assert.equal(spec.baseVariant, 'augru');
});

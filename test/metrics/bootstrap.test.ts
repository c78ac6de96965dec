/** Bootstrap confidence intervals of the AUC. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapAucCi } from '../../src/metrics';

test('bootstrapAucCi: seeded, brackets the estimate, narrows with more data', () => {
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < 400; i++) {
    labels.push(i % 2);
    scores.push((i % 2) * 0.3 + ((i * 37) % 101) / 101);
  }
  const ci = bootstrapAucCi(labels, scores, { resamples: 100, seed: 3 });
  assert.deepEqual(ci, bootstrapAucCi(labels, scores, { resamples: 100, seed: 3 }));
  assert.ok(ci.lower < ci.estimate && ci.estimate < ci.upper, JSON.stringify(ci));
  const small = bootstrapAucCi(labels.slice(0, 40), scores.slice(0, 40), { resamples: 100, seed: 3 });
  assert.ok(small.upper - small.lower > ci.upper - ci.lower);
  assert.throws(() => bootstrapAucCi(labels, scores, { level: 1.5 }), /level/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EPOCH_WARMUP_STEPS, extrapolateEpoch } from '../../src/bench/epoch';

test('extrapolateEpoch keeps the warm-up as measured and scales the steady steps to the epoch', () => {
  assert.equal(EPOCH_WARMUP_STEPS, 10);
  // 10 warm-up steps in 3 s, then 90 steps in 9 s (0.1 s each): 2,403 steps = 3 + 2,393 x 0.1
  assert.ok(Math.abs(extrapolateEpoch(12, 3, 100, 2403) - (3 + 239.3)) < 1e-9);
  assert.equal(extrapolateEpoch(50, 1, 2403, 2403), 50, 'the whole epoch ran: measured time');
  assert.equal(extrapolateEpoch(2, 2, 5, 100), 40, 'only warm-up steps ran: plain scaling');
  assert.throws(() => extrapolateEpoch(1, 0, 0, 10), /1 <= timed steps/);
  assert.throws(() => extrapolateEpoch(1, 0, 11, 10), /1 <= timed steps/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EPOCH_WARMUP_STEPS, extrapolateEpoch, peerModelOverrides, PEER_EPOCH_SECONDS } from '../../src/bench/epoch';
import { resolveConfig } from '../../src/models/model';
import { DIN_DEFAULTS } from '../../src/models/din';
import { DIEN_DEFAULTS } from '../../src/models/dien';
import { DMIN_DEFAULTS } from '../../src/models/dmin';

test('extrapolateEpoch keeps the warm-up as measured and scales the steady steps to the epoch', () => {
  assert.equal(EPOCH_WARMUP_STEPS, 10);
  // 10 warm-up steps in 3 s, then 90 steps in 9 s (0.1 s each): 2,403 steps = 3 + 2,393 x 0.1
  assert.ok(Math.abs(extrapolateEpoch(12, 3, 100, 2403) - (3 + 239.3)) < 1e-9);
  assert.equal(extrapolateEpoch(50, 1, 2403, 2403), 50, 'the whole epoch ran: measured time');
  assert.equal(extrapolateEpoch(2, 2, 5, 100), 40, 'only warm-up steps ran: plain scaling');
  assert.throws(() => extrapolateEpoch(1, 0, 0, 10), /1 <= timed steps/);
  assert.throws(() => extrapolateEpoch(1, 0, 11, 10), /1 <= timed steps/);
});

test("the epoch bench's models use the peer's settings (peer.md) and valid kit configs", () => {
  assert.deepEqual(PEER_EPOCH_SECONDS, { base: 11, din: 55, dien: 190, dmin: 485 });
  const din = resolveConfig(DIN_DEFAULTS, peerModelOverrides('din'), 'test');
  assert.deepEqual([din.attention.hidden, din.attention.normalize, din.productFeature, din.mlp.activation, din.mlp.batchNorm], [[80, 40], 'none', false, 'relu', 'none']);
  const dien = resolveConfig(DIEN_DEFAULTS, peerModelOverrides('dien'), 'test');
  assert.deepEqual([dien.hiddenSize, dien.evolution, dien.auxLoss, dien.evolutionAttention, dien.attentionUnit.normalize], [36, 'AUGRU', 0, 'activationUnit', 'softmax']);
  const dmin = resolveConfig(DMIN_DEFAULTS, peerModelOverrides('dmin'), 'test');
  assert.deepEqual([dmin.interestHeads, dmin.refiner, dmin.auxLoss, dmin.positionDim, dmin.mlp.hidden], [4, true, 0, 4, [200, 80]]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dinProtocol } from '../../src/data/protocols';
import { AMAZON_ELECTRONICS, electronicsLikeLog } from '../../src/bench/scaleData';
import { formatScaleTable, perRow, ScalePoint, scaleGrowth } from '../../src/bench/scale';

test('electronicsLikeLog: Electronics sizes scaled, 5-core, mean length 8.78, valid ids', () => {
  const log = electronicsLikeLog(0.02, 7);
  const U = Math.round(AMAZON_ELECTRONICS.users * 0.02);
  assert.equal(log.users.length, U + 1);
  assert.equal(log.items.length, Math.round(AMAZON_ELECTRONICS.items * 0.02) + 1);
  assert.equal(log.cats[0].length, AMAZON_ELECTRONICS.cats);
  const { offsets, items } = log.sequences;
  assert.equal(offsets.length, U + 2);
  let min = Infinity;
  for (let u = 1; u <= U; u++) min = Math.min(min, offsets[u + 1] - offsets[u]);
  assert.equal(min, 5);
  const mean = items.length / U;
  const want = AMAZON_ELECTRONICS.behaviours / AMAZON_ELECTRONICS.users;
  assert.ok(Math.abs(mean - want) / want < 0.03, `mean length ${mean}, want ${want}`);
  for (const i of items) assert.ok(i >= 1 && i < log.items.length);
  for (let i = 1; i < log.itemCats[0].length; i++)
    assert.ok(log.itemCats[0][i] >= 1 && log.itemCats[0][i] < AMAZON_ELECTRONICS.cats);
  assert.equal(log.times.length, items.length);
  assert.throws(() => electronicsLikeLog(0, 1), /fraction must be in \(0, 1\]/);
  // DIN protocol: 2 rows for each of the n - 2 training positions of every user
  const splits = dinProtocol(log, {
    protocol: 'din',
    seed: 1,
    validFraction: 0,
    testFraction: 0,
    userSplit: 'exact',
    negatives: 'uniform',
    allowOwnHistoryNegatives: false,
  });
  assert.equal(splits.train.user.length, 2 * (items.length - 2 * U));
  assert.equal(splits.test.user.length, 2 * U);
});

function point(fraction: number, rows: number, buildMs: number, builtBytes: number, trainPerS: number): ScalePoint {
  return {
    fraction,
    users: 1,
    items: 1,
    behaviours: 1,
    trainRows: rows,
    testRows: 0,
    logMs: 0,
    protocolMs: buildMs / 2,
    datasetMs: buildMs / 2,
    cacheWriteMs: 0,
    cacheLoadMs: rows / 1000,
    cacheBytes: 0,
    firstBatchMs: 1,
    batchMs: 0.5,
    trainSamplesPerSecond: trainPerS,
    trainSteps: 30,
    trainCpuSamplesPerSecond: trainPerS,
    rssBaseBytes: 100e6,
    rssBuiltBytes: 100e6 + builtBytes,
    peakRssBytes: 200e6 + builtBytes,
  };
}

test('scaleGrowth: per-row costs of the largest over the smallest size; > 1.5 is worse than linear', () => {
  const linear = [point(0.125, 1000, 10, 50_000, 2000), point(1, 8000, 80, 400_000, 2000)];
  assert.deepEqual(perRow(linear[1]), {
    buildUsPerRow: 10,
    cacheLoadUsPerRow: 1,
    bytesPerRow: 50,
    epochStartUsPerRow: 1000 / 8000,
    batchUsPerRow: 500 / 128,
    trainUsPerRow: 500,
  });
  const g = scaleGrowth(linear);
  assert.equal(g.growth.buildUsPerRow, 1);
  assert.equal(g.growth.bytesPerRow, 1);
  assert.deepEqual(g.worse, []);
  // build time quadratic in the rows (8x rows, 64x time) and training 2x slower per row at full size
  const bad = scaleGrowth([point(1, 8000, 640, 400_000, 1000), point(0.125, 1000, 10, 50_000, 2000)]);
  assert.equal(bad.growth.buildUsPerRow, 8);
  assert.equal(bad.growth.trainUsPerRow, 2);
  assert.deepEqual(bad.worse.sort(), ['buildUsPerRow', 'trainUsPerRow']);
  assert.throws(() => scaleGrowth([linear[0]]), /at least two sizes/);
  const text = formatScaleTable(linear);
  assert.match(text, /Nothing grows worse than linearly/);
  assert.match(
    formatScaleTable([point(1, 8000, 640, 400_000, 1000), point(0.125, 1000, 10, 50_000, 2000)]),
    /Worse than linear \(> 1\.5\): buildUsPerRow, trainUsPerRow/,
  );
});

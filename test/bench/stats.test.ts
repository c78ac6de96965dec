import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileSorted, summarize, throughputFromStepMs } from '../../src/bench/stats';
import { phaseFromStepMs } from '../../src/bench/measure';

test('quantileSorted interpolates linearly between order statistics (numpy type 7)', () => {
  const xs = [10, 20, 30, 40, 50];
  assert.equal(quantileSorted(xs, 0), 10);
  assert.equal(quantileSorted(xs, 1), 50);
  assert.equal(quantileSorted(xs, 0.5), 30);
  // pos = 4 * 0.1 = 0.4 -> 10 + 0.4 * 10
  assert.ok(Math.abs(quantileSorted(xs, 0.1) - 14) < 1e-12);
  assert.ok(Math.abs(quantileSorted(xs, 0.9) - 46) < 1e-12);
  assert.equal(quantileSorted([7], 0.3), 7);
  assert.throws(() => quantileSorted([], 0.5), /empty/);
  assert.throws(() => quantileSorted([1, 2], 1.5), /\[0, 1\]/);
});

test('summarize: median of an even sample, mean, min, max and MAD by hand', () => {
  const s = summarize([4, 1, 3, 2, 100, 5]);
  assert.equal(s.n, 6);
  assert.equal(s.median, 3.5); // sorted 1 2 3 4 5 100
  assert.equal(s.min, 1);
  assert.equal(s.max, 100);
  assert.ok(Math.abs(s.mean - 115 / 6) < 1e-12);
  // |x - 3.5| = 2.5 1.5 0.5 0.5 1.5 96.5 -> sorted 0.5 0.5 1.5 1.5 2.5 96.5 -> median 1.5
  assert.equal(s.mad, 1.5);
  assert.throws(() => summarize([]), /at least one/);
  assert.throws(() => summarize([1, Number.NaN]), /non-finite/);
});

test('throughput from step times: 128 samples in 64 ms is 2000 samples/s', () => {
  const t = throughputFromStepMs([64, 32, 128], 128);
  // rates 2000, 4000, 1000 -> median 2000
  assert.equal(t.median, 2000);
  assert.throws(() => throughputFromStepMs([0], 128), /positive/);
  assert.throws(() => throughputFromStepMs([1], 0), /batchSize/);
});

test('phaseFromStepMs: median throughput and the spread ends use the slow and fast step times', () => {
  const steps = [100, 50, 200, 100, 100];
  const p = phaseFromStepMs(steps, 100);
  assert.equal(p.stepMs.median, 100);
  assert.equal(p.samplesPerSecond, 1000);
  // sorted 50 100 100 100 200: p10 = 50 + 0.4*50 = 70, p90 = 100 + 0.6*100 = 160
  assert.ok(Math.abs(p.samplesPerSecondP90 - 100000 / 70) < 1e-9);
  assert.ok(Math.abs(p.samplesPerSecondP10 - 100000 / 160) < 1e-9);
  assert.ok(p.samplesPerSecondP10 <= p.samplesPerSecond && p.samplesPerSecond <= p.samplesPerSecondP90);
});

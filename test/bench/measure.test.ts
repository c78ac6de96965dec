import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Batch } from '../../src/data/batch';
import { measureSubject, BenchSubject } from '../../src/bench/measure';
import { makeBenchBatches } from '../../src/bench/batches';
import { BENCH_SHAPE } from '../../src/bench/shape';

const tiny = { ...BENCH_SHAPE, batchSize: 4, maxLen: 6, minLen: 2, items: 30, cats: 9, parentCats: 3 };

/** A fake subject whose "work" advances a fake clock by scripted amounts and may leak fake tensors. */
function fakeSubject(trainMs: number[], scoreMs: number[], leakPerTrain: number) {
  let now = 0;
  let cpuNow = 0;
  let alive = 5;
  let t = 0;
  let s = 0;
  const seen: Batch[] = [];
  const subject: BenchSubject = {
    train: (b) => {
      seen.push(b);
      const ms = trainMs[t++ % trainMs.length];
      now += ms;
      cpuNow += ms / 2; // half of the wall time on the CPU: the other half waiting for a core
      alive += leakPerTrain;
    },
    score: (b) => {
      seen.push(b);
      now += scoreMs[s++ % scoreMs.length];
    },
    dispose: () => undefined,
  };
  return { subject, clock: () => now, cpuClock: () => cpuNow, tensorCount: () => alive, seen };
}

test('measureSubject times only the timed steps and reports throughput per phase', () => {
  const { batches } = makeBenchBatches(3, 1, tiny);
  // warm-up steps take 1000 ms (must not count); timed train steps 10 / 20 / 10 / 20 ms
  const f = fakeSubject([1000, 1000, 10, 20, 10, 20], [1000, 1000, 5, 5, 5, 5], 0);
  const m = measureSubject(f.subject, batches, {
    warmup: 2,
    steps: 4,
    clock: f.clock,
    cpuClock: f.cpuClock,
    tensorCount: f.tensorCount,
  });
  assert.equal(m.train.stepMs.n, 4);
  assert.equal(m.train.cpuStepMs?.median, 7.5);
  assert.equal(m.train.cpuSamplesPerSecond, (4 * 1000) / 7.5);
  assert.equal(m.score.cpuSamplesPerSecond, undefined, 'no CPU time advanced while scoring');
  assert.equal(m.train.stepMs.median, 15);
  assert.equal(m.train.stepMs.max, 20);
  assert.equal(m.train.samplesPerSecond, (4 * 1000) / 15);
  assert.equal(m.score.stepMs.median, 5);
  assert.equal(m.score.samplesPerSecond, 800);
  assert.equal(f.seen.length, 12);
  // batches are cycled in order
  assert.equal(f.seen[0], batches[0]);
  assert.equal(f.seen[3], batches[0]);
  assert.equal(f.seen[4], batches[1]);
  assert.equal(m.tensors.growth, 0);
  assert.ok(m.memory.rssPeakBytes > 0);
});

test('measureSubject reports tensor growth after the warm-up (a leak of 2 per step over 3 steps = 6)', () => {
  const { batches } = makeBenchBatches(2, 2, tiny);
  const f = fakeSubject([1], [1], 2);
  const m = measureSubject(f.subject, batches, { warmup: 1, steps: 3, clock: f.clock, tensorCount: f.tensorCount });
  assert.equal(m.tensors.beforeRun, 5);
  assert.equal(m.tensors.afterWarmup, 7);
  assert.equal(m.tensors.afterRun, 13);
  assert.equal(m.tensors.growth, 6);
  assert.equal(m.tensors.minDuringRun, 9);
  assert.equal(m.tensors.maxDuringRun, 13);
});

test('measureSubject rejects bad options and empty input', () => {
  const { batches } = makeBenchBatches(1, 3, tiny);
  const f = fakeSubject([1], [1], 0);
  assert.throws(() => measureSubject(f.subject, [], { warmup: 0, steps: 1 }), /no batches/);
  assert.throws(() => measureSubject(f.subject, batches, { warmup: -1, steps: 1 }), /warmup/);
  assert.throws(() => measureSubject(f.subject, batches, { warmup: 0, steps: 0 }), /steps/);
});

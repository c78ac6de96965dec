/** Dropout: identity at inference, seeded masks in training. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { Dropout } from '../../src/layers/dropout';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('Dropout', () => {
  it('is the identity at inference, zeroes about rate of entries and rescales in training, reproducibly', () => {
    const x = tf.ones([100, 20]);
    const d1 = new Dropout(0.3, 42);
    const d2 = new Dropout(0.3, 42);
    assert.equal(d1.apply(x, false), x);
    const a = d1.apply(x, true).dataSync();
    const b = d2.apply(x, true).dataSync();
    assert.deepEqual(Array.from(a), Array.from(b));
    const zeros = Array.from(a).filter((v) => v === 0).length / a.length;
    assert.ok(zeros > 0.25 && zeros < 0.35, `zero fraction ${zeros}`);
    assert.ok(Array.from(a).every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-5));
    assert.notDeepEqual(Array.from(d1.apply(x, true).dataSync()), Array.from(a), 'a new mask per call');
    assert.throws(() => new Dropout(1, 1), /rate/);
  });
});

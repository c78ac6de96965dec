/** Log loss against hand computations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logloss } from '../../src/metrics';
import { assertClose } from '../helpers/maxDiff';

test('logloss: hand-computed, clipping, errors', () => {
  assertClose(logloss([1, 0], [0.8, 0.4]), -(Math.log(0.8) + Math.log(0.6)) / 2, 1e-15);
  assertClose(logloss([1], [0]), -Math.log(1e-7), 1e-9);
  assert.throws(() => logloss([1], [1.5]), /probabilities\[0\] = 1.5/);
});

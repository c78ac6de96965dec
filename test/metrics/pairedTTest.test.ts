/** The paired t-test against a hand-computed example. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedTTest, studentTCdf } from '../../src/metrics';
import { assertClose } from '../helpers/maxDiff';

test('pairedTTest: hand-computed example', () => {
  // d = [1, 2, 3]: mean 2, sd 1, t = 2 / (1/sqrt 3) = 2 sqrt 3, df 2
  const result = pairedTTest([3, 5, 7], [2, 3, 4]);
  assertClose(result.t, 2 * Math.sqrt(3), 1e-14);
  assert.equal(result.df, 2);
  assertClose(result.pValue, 1 - 2 * (studentTCdf(2 * Math.sqrt(3), 2) - 0.5), 1e-14);
  // df=2 closed form: p = 1 - t / sqrt(2 + t^2)
  assertClose(result.pValue, 1 - (2 * Math.sqrt(3)) / Math.sqrt(14), 1e-13);
  assert.equal(pairedTTest([1, 2], [1, 2]).pValue, 1);
  assert.equal(pairedTTest([2, 3], [1, 2]).pValue, 0);
  assert.ok(Number.isNaN(pairedTTest([1], [0]).pValue));
  assert.throws(() => pairedTTest([1, 2], [1]), /equal length/);
});

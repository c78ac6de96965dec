/** Mean and sample standard deviation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanOf, sampleStdOf } from '../../src/metrics';
import { assertClose } from '../helpers/maxDiff';

test('describe: mean and sample std', () => {
  assert.equal(meanOf([1, 2, 3, 4]), 2.5);
  assertClose(sampleStdOf([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7), 1e-15);
  assert.equal(sampleStdOf([3]), 0);
});

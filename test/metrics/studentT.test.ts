/** Student's t distribution against exact forms and table values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { studentTCdf, studentTTwoSidedP } from '../../src/metrics';
import { assertClose } from '../helpers/maxDiff';

test('Student t CDF: exact forms for df 1 and 2, and table values', () => {
  for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
    assertClose(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13, `df=1 t=${t}`);
    assertClose(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13, `df=2 t=${t}`);
  }
  // two-sided critical values from the t table
  assertClose(studentTTwoSidedP(12.706, 1), 0.05, 1e-4);
  assertClose(studentTTwoSidedP(4.303, 2), 0.05, 1e-4);
  assertClose(studentTTwoSidedP(4.032, 5), 0.01, 1e-4);
  assertClose(studentTTwoSidedP(2.228, 10), 0.05, 1e-4);
  assertClose(studentTTwoSidedP(2.042, 30), 0.05, 1e-4);
  assertClose(studentTCdf(1.96, 1e6), 0.975, 1e-4);
  assert.throws(() => studentTCdf(1, 0), /degrees of freedom/);
});

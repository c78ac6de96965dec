/** logGamma and the regularized incomplete beta against closed forms. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logGamma, regularizedIncompleteBeta } from '../../src/metrics';
import { assertClose } from '../helpers/maxDiff';

test('logGamma and incomplete beta: closed forms', () => {
  assertClose(logGamma(5), Math.log(24), 1e-13);
  assertClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13);
  assertClose(logGamma(10.5), Math.log(1133278.3889487856), 1e-10);
  // I_x(1, 1) = x;  I_x(a, 1) = x^a;  I_x(1, b) = 1 - (1-x)^b
  assertClose(regularizedIncompleteBeta(0.3, 1, 1), 0.3, 1e-14);
  assertClose(regularizedIncompleteBeta(0.7, 3, 1), 0.343, 1e-14);
  assertClose(regularizedIncompleteBeta(0.2, 1, 4), 1 - 0.8 ** 4, 1e-14);
  assert.throws(() => regularizedIncompleteBeta(1.2, 1, 1), /expected 0 <= x <= 1/);
});

/** RelaImpr against the DIN paper. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relaImpr } from '../../src/metrics';
import { assertClose } from '../helpers/maxDiff';

test('relaImpr: DIN paper Table 3 check', () => {
  assertClose(relaImpr(0.8871, 0.8624), 6.82, 0.005);
  assertClose(relaImpr(0.7742, 0.8624), -24.34, 0.005);
  assert.equal(relaImpr(0.8624, 0.8624), 0);
  assert.throws(() => relaImpr(0.7, 0.5), /above 0.5/);
});

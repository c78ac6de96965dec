/** GAUC: impression-weighted per-user AUC. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gauc, gaucDetailed } from '../../src/metrics';
import { assertClose } from '../helpers/maxDiff';

test('gauc: impression-weighted, one-class users skipped', () => {
  // user 1: 2 rows, AUC 1; user 2: 4 rows, pos {0.8,0.4} neg {0.6,0.2} -> 0.75; user 3: only positives (skipped)
  const users = [1, 1, 2, 2, 2, 2, 3, 3];
  const labels = [1, 0, 1, 0, 1, 0, 1, 1];
  const scores = [0.9, 0.1, 0.8, 0.6, 0.4, 0.2, 0.5, 0.5];
  const detailed = gaucDetailed(labels, scores, users);
  assertClose(detailed.gauc, (2 * 1 + 4 * 0.75) / 6, 1e-15);
  assert.equal(detailed.usersScored, 2);
  assert.equal(detailed.usersSkipped, 1);
  // ties inside a user: AUC 0.5
  assert.equal(gauc([1, 0], [0.3, 0.3], [5, 5]), 0.5);
  assert.ok(Number.isNaN(gauc([1, 1], [0.3, 0.3], [5, 6])));
  assert.throws(
    () => gauc([1, 0], [0.3, 0.3], [5]),
    /gauc: users has length 1 but labels has 2; expected equal lengths$/,
  );
});

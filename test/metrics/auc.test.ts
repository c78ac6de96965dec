/** AUC against hand computations and the pairwise definition. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auc } from '../../src/metrics';
import { assertClose } from '../helpers/maxDiff';

/** Brute-force AUC over all (pos, neg) pairs, tie = 0.5: an independent reference. */
function pairwiseAuc(labels: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

test('auc: hand-computed cases', () => {
  assert.equal(auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]), 1);
  assert.equal(auc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]), 0);
  // pos {0.8, 0.4}, neg {0.6, 0.2}: pairs (0.8>0.6)(0.8>0.2)(0.4<0.6)(0.4>0.2) = 3/4
  assert.equal(auc(new Float32Array([1, 0, 1, 0]), new Float32Array([0.8, 0.6, 0.4, 0.2])), 0.75);
});

test('auc: ties count one half', () => {
  assert.equal(auc([1, 0], [0.5, 0.5]), 0.5);
  assert.equal(auc([1, 0, 0, 1, 0], [0.5, 0.5, 0.5, 0.5, 0.5]), 0.5);
  // pos {0.7, 0.3}, neg {0.3, 0.1}: 1 + 1 + 0.5 + 1 = 3.5 / 4
  assert.equal(auc([1, 1, 0, 0], [0.7, 0.3, 0.3, 0.1]), 0.875);
});

test('auc: equals the pairwise definition on random data with many ties', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < 300; i++) {
    labels.push(rand() < 0.4 ? 1 : 0);
    scores.push(Math.round(rand() * 10) / 10);
  }
  assertClose(auc(labels, scores), pairwiseAuc(labels, scores), 1e-12);
});

test('auc: one class gives NaN, bad input throws', () => {
  assert.ok(Number.isNaN(auc([1, 1], [0.1, 0.2])));
  assert.throws(() => auc([1, 0], [0.1]), /auc: labels has length 2 but scores has length 1; expected equal lengths$/);
  assert.throws(() => auc([1, 2], [0.1, 0.2]), /labels\[1\] = 2; expected 0 or 1/);
  assert.throws(() => auc([1, 0], [0.1, NaN]), /scores\[1\]/);
});

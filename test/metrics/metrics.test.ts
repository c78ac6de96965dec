import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  auc,
  bootstrapAucCi,
  gauc,
  gaucDetailed,
  logGamma,
  logloss,
  meanOf,
  pairedTTest,
  regularizedIncompleteBeta,
  relaImpr,
  sampleStdOf,
  studentTCdf,
  studentTTwoSidedP,
} from '../../src/metrics';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual}`);

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
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < 300; i++) {
    labels.push(rand() < 0.4 ? 1 : 0);
    scores.push(Math.round(rand() * 10) / 10);
  }
  close(auc(labels, scores), pairwiseAuc(labels, scores), 1e-12);
});

test('auc: one class gives NaN, bad input throws', () => {
  assert.ok(Number.isNaN(auc([1, 1], [0.1, 0.2])));
  assert.throws(() => auc([1, 0], [0.1]), /auc: labels has length 2 but scores has length 1; expected equal lengths$/);
  assert.throws(() => auc([1, 2], [0.1, 0.2]), /labels\[1\] = 2; expected 0 or 1/);
  assert.throws(() => auc([1, 0], [0.1, NaN]), /scores\[1\]/);
});

test('gauc: impression-weighted, one-class users skipped', () => {
  // user 1: 2 rows, AUC 1; user 2: 4 rows, pos {0.8,0.4} neg {0.6,0.2} -> 0.75; user 3: only positives (skipped)
  const users = [1, 1, 2, 2, 2, 2, 3, 3];
  const labels = [1, 0, 1, 0, 1, 0, 1, 1];
  const scores = [0.9, 0.1, 0.8, 0.6, 0.4, 0.2, 0.5, 0.5];
  const detailed = gaucDetailed(labels, scores, users);
  close(detailed.gauc, (2 * 1 + 4 * 0.75) / 6, 1e-15);
  assert.equal(detailed.usersScored, 2);
  assert.equal(detailed.usersSkipped, 1);
  // ties inside a user: AUC 0.5
  assert.equal(gauc([1, 0], [0.3, 0.3], [5, 5]), 0.5);
  assert.ok(Number.isNaN(gauc([1, 1], [0.3, 0.3], [5, 6])));
  assert.throws(() => gauc([1, 0], [0.3, 0.3], [5]), /gauc: users has length 1 but labels has 2; expected equal lengths$/);
});

test('logloss: hand-computed, clipping, errors', () => {
  close(logloss([1, 0], [0.8, 0.4]), -(Math.log(0.8) + Math.log(0.6)) / 2, 1e-15);
  close(logloss([1], [0]), -Math.log(1e-7), 1e-9);
  assert.throws(() => logloss([1], [1.5]), /probabilities\[0\] = 1.5/);
});

test('relaImpr: DIN paper Table 3 check', () => {
  close(relaImpr(0.8871, 0.8624), 6.82, 0.005);
  close(relaImpr(0.7742, 0.8624), -24.34, 0.005);
  assert.equal(relaImpr(0.8624, 0.8624), 0);
  assert.throws(() => relaImpr(0.7, 0.5), /above 0.5/);
});

test('describe: mean and sample std', () => {
  assert.equal(meanOf([1, 2, 3, 4]), 2.5);
  close(sampleStdOf([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7), 1e-15);
  assert.equal(sampleStdOf([3]), 0);
});

test('logGamma and incomplete beta: closed forms', () => {
  close(logGamma(5), Math.log(24), 1e-13);
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13);
  close(logGamma(10.5), Math.log(1133278.3889487855), 1e-10);
  // I_x(1, 1) = x;  I_x(a, 1) = x^a;  I_x(1, b) = 1 - (1-x)^b
  close(regularizedIncompleteBeta(0.3, 1, 1), 0.3, 1e-14);
  close(regularizedIncompleteBeta(0.7, 3, 1), 0.343, 1e-14);
  close(regularizedIncompleteBeta(0.2, 1, 4), 1 - 0.8 ** 4, 1e-14);
  assert.throws(() => regularizedIncompleteBeta(1.2, 1, 1), /expected 0 <= x <= 1/);
});

test('Student t CDF: exact forms for df 1 and 2, and table values', () => {
  for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
    close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13, `df=1 t=${t}`);
    close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13, `df=2 t=${t}`);
  }
  // two-sided critical values from the t table
  close(studentTTwoSidedP(12.706, 1), 0.05, 1e-4);
  close(studentTTwoSidedP(4.303, 2), 0.05, 1e-4);
  close(studentTTwoSidedP(4.032, 5), 0.01, 1e-4);
  close(studentTTwoSidedP(2.228, 10), 0.05, 1e-4);
  close(studentTTwoSidedP(2.042, 30), 0.05, 1e-4);
  close(studentTCdf(1.96, 1e6), 0.975, 1e-4);
  assert.throws(() => studentTCdf(1, 0), /degrees of freedom/);
});

test('pairedTTest: hand-computed example', () => {
  // d = [1, 2, 3]: mean 2, sd 1, t = 2 / (1/sqrt 3) = 2 sqrt 3, df 2
  const result = pairedTTest([3, 5, 7], [2, 3, 4]);
  close(result.t, 2 * Math.sqrt(3), 1e-14);
  assert.equal(result.df, 2);
  close(result.pValue, 1 - 2 * (studentTCdf(2 * Math.sqrt(3), 2) - 0.5), 1e-14);
  // df=2 closed form: p = 1 - t / sqrt(2 + t^2)
  close(result.pValue, 1 - (2 * Math.sqrt(3)) / Math.sqrt(14), 1e-13);
  assert.equal(pairedTTest([1, 2], [1, 2]).pValue, 1);
  assert.equal(pairedTTest([2, 3], [1, 2]).pValue, 0);
  assert.ok(Number.isNaN(pairedTTest([1], [0]).pValue));
  assert.throws(() => pairedTTest([1, 2], [1]), /equal length/);
});

test('bootstrapAucCi: seeded, brackets the estimate, narrows with more data', () => {
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < 400; i++) {
    labels.push(i % 2);
    scores.push((i % 2) * 0.3 + ((i * 37) % 101) / 101);
  }
  const ci = bootstrapAucCi(labels, scores, { resamples: 100, seed: 3 });
  assert.deepEqual(ci, bootstrapAucCi(labels, scores, { resamples: 100, seed: 3 }));
  assert.ok(ci.lower < ci.estimate && ci.estimate < ci.upper, JSON.stringify(ci));
  const small = bootstrapAucCi(labels.slice(0, 40), scores.slice(0, 40), { resamples: 100, seed: 3 });
  assert.ok(small.upper - small.lower > ci.upper - ci.lower);
  assert.throws(() => bootstrapAucCi(labels, scores, { level: 1.5 }), /level/);
});

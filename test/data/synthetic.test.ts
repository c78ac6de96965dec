/**
 * The synthetic generator: determinism, ground truth consistent with the samples, and each
 * knob doing what its documentation says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'crypto';
import { Dataset, loadDataset, resolveSyntheticOptions, SYNTHETIC_DEFAULTS } from '../../src/data';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('same seed -> identical bytes; another seed -> other data; tiny builds in well under a second', async () => {
  const t0 = Date.now();
  const a = await loadDataset('synthetic:tiny', { seed: 5 });
  assert.ok(Date.now() - t0 < 2000);
  const b = await loadDataset('synthetic:tiny', { seed: 5 });
  const c = await loadDataset('synthetic:tiny', { seed: 6 });
  assert.equal(sha(a.toBytes()), sha(b.toBytes()));
  assert.notEqual(sha(a.toBytes()), sha(c.toBytes()));
  assert.notEqual(a.checksum, c.checksum);
  assert.deepEqual(a.levelNames, ['sub', 'top', 'brand']);
  assert.deepEqual(a.sizes.cats, [49, 9, 13]);
  // 400 users: 40 test, round(0.1 * 360) = 36 valid, 324 train; 4 targets each.
  assert.deepEqual([a.splitSize('train'), a.splitSize('valid'), a.splitSize('test')], [1296, 144, 160]);
  // Sub -> top hierarchy: sub-t-s has parent top-t.
  const parentOf = a.hierarchy.parentOf[0]!;
  for (let s = 1; s < a.sizes.cats[0]; s++) assert.equal(a.vocab.cats[1][parentOf[s]], a.vocab.cats[0][s].replace(/^sub-(\d+)-\d+$/, 'top-$1'));
});

/** Recomputes p(click) of every row from the documented formula and the returned trajectory. */
function recomputedProbabilities(ds: Dataset, split: 'train' | 'test'): number[] {
  const gt = ds.groundTruth!;
  const o = gt.options as unknown as typeof SYNTHETIC_DEFAULTS;
  const t = ds.splits[split];
  return Array.from(t.user, (u, r) => {
    const item = t.target[r];
    let match = 0;
    for (let k = 0; k < gt.interests; k++) {
      const sub = gt.trajectory[(u * gt.steps + gt.steps - 1) * gt.interests + k];
      const top = ds.hierarchy.parentOf[0]![sub];
      const m = (1 - o.topWeight) * (ds.itemCats[0][item] === sub ? 1 : 0) + o.topWeight * (ds.itemCats[1][item] === top ? 1 : 0);
      match = Math.max(match, m);
    }
    return o.noise + (1 - 2 * o.noise) * match;
  });
}

test('ground truth: click probabilities follow the documented formula and labels follow them', async () => {
  const ds = await loadDataset('synthetic:hier:small', { seed: 1 });
  const p = recomputedProbabilities(ds, 'train');
  const gtp = ds.groundTruth!.clickProbability.train;
  p.forEach((v, i) => assert.ok(Math.abs(v - gtp[i]) < 1e-6, `row ${i}: ${v} vs ${gtp[i]}`));
  // Mean label vs mean probability: n = 25,920 rows (8 targets per user), sd of the mean < 0.004.
  const meanP = p.reduce((a, b) => a + b, 0) / p.length;
  const meanL = ds.splits.train.label.reduce((a, b) => a + b, 0) / p.length;
  assert.ok(Math.abs(meanP - meanL) < 0.03, `mean label ${meanL} vs mean p ${meanP}`);
  // hier: topWeight 1, so p is noise = 0.05 (no interest's top) or 1 - noise = 0.95, both present.
  assert.ok(p.every((v) => Math.abs(v - 0.05) < 1e-6 || Math.abs(v - 0.95) < 1e-6));
  assert.ok(p.some((v) => v > 0.5) && p.some((v) => v < 0.5));
});

test('without noise or spread, every behaviour is an item of one of the current interests', async () => {
  const ds = await loadDataset('synthetic:tiny', { synthetic: { behaviourNoise: 0, topSpread: 0, interests: 3 } });
  const gt = ds.groundTruth!;
  const { offsets, items } = ds.sequences;
  for (let u = 1; u < ds.sizes.users; u++) {
    for (let t = 0; t < gt.steps - 1; t++) {
      const sub = ds.itemCats[0][items[offsets[u] + t]];
      const current = Array.from(gt.trajectory.subarray((u * gt.steps + t) * 3, (u * gt.steps + t + 1) * 3));
      assert.ok(current.includes(sub), `user ${u} step ${t}: sub ${sub} not in ${current}`);
    }
  }
});

test('dominantInterest: the first interest draws that share of the behaviours, the others share the rest', async () => {
  const ds = await loadDataset('synthetic:tiny', { synthetic: { interests: 4, dominantInterest: 0.7, behaviourNoise: 0, topSpread: 0, drift: 0 } });
  const gt = ds.groundTruth!;
  const K = 4;
  for (let u = 1; u < ds.sizes.users; u++) assert.deepEqual(Array.from(gt.interestWeights.subarray(u * K, u * K + K), (w) => Number(w.toFixed(6))), [0.7, 0.1, 0.1, 0.1]);
  // Users whose four interests are four distinct subs: share of behaviours in the first one's sub.
  // About 350 such users x 15 behaviours: the share's sd is about 0.006.
  const { offsets, items } = ds.sequences;
  let first = 0;
  let n = 0;
  for (let u = 1; u < ds.sizes.users; u++) {
    const subs = Array.from(gt.trajectory.subarray(u * gt.steps * K, u * gt.steps * K + K));
    if (new Set(subs).size < K) continue;
    for (let t = offsets[u]; t < offsets[u + 1]; t++) {
      n++;
      if (ds.itemCats[0][items[t]] === subs[0]) first++;
    }
  }
  assert.ok(n > 4000, `only ${n} behaviours`);
  assert.ok(Math.abs(first / n - 0.7) < 0.025, `share of the dominant interest ${first / n}`);
});

test('drift: interests move at the documented rate, and recent behaviours predict clicks better than old ones', async () => {
  const changeRate = (ds: Dataset) => {
    const gt = ds.groundTruth!;
    let changes = 0;
    let n = 0;
    for (let u = 1; u < ds.sizes.users; u++) {
      for (let t = 1; t < gt.steps; t++) {
        for (let k = 0; k < gt.interests; k++) {
          n++;
          if (gt.trajectory[(u * gt.steps + t) * gt.interests + k] !== gt.trajectory[(u * gt.steps + t - 1) * gt.interests + k]) changes++;
        }
      }
    }
    return changes / n;
  };
  const drift = await loadDataset('synthetic:drift:small', { seed: 2 });
  const stable = await loadDataset('synthetic:small', { seed: 2, synthetic: { drift: 0 } });
  // A move under the same top always changes the sub; a jump lands on the same sub with p = 1/48.
  const expected = 0.15 * (1 - 0.5 / 48);
  assert.ok(Math.abs(changeRate(drift) - expected) < 0.01, `change rate ${changeRate(drift)} vs ${expected}`);
  assert.equal(changeRate(stable), 0);
  // Share of clicked targets whose top category appears among the last 5 vs the first 5 behaviours.
  const share = (ds: Dataset, fromEnd: boolean) => {
    const t = ds.splits.train;
    const { offsets, items } = ds.sequences;
    let hit = 0;
    let pos = 0;
    for (let r = 0; r < t.user.length; r++) {
      if (!t.label[r]) continue;
      pos++;
      const a = offsets[t.user[r]];
      const window = fromEnd ? items.subarray(a + t.histLen[r] - 5, a + t.histLen[r]) : items.subarray(a, a + 5);
      if (Array.from(window).some((i) => ds.itemCats[1][i] === ds.itemCats[1][t.target[r]])) hit++;
    }
    return hit / pos;
  };
  assert.ok(share(drift, true) > share(drift, false) + 0.1, `recent ${share(drift, true)} vs early ${share(drift, false)}`);
  assert.ok(Math.abs(share(stable, true) - share(stable, false)) < 0.05);
});

test("click rules 'recentPair' and 'brandPair': p follows the rule, recomputed from the histories and category names", async () => {
  const world = { subPerTop: 2, interests: 4, topSpread: 0.5, targetsPerUser: 8 };
  for (const clickRule of ['recentPair', 'brandPair'] as const) {
    const ds = await loadDataset('synthetic:small', { seed: 3, synthetic: { ...world, clickRule, recentWindow: 5 } });
    const subNames = ds.vocab.cats[0];
    // the partner of 'sub-T-S' is 'sub-T-(S xor 1)', looked up by name
    const partnerOf = (sub: number) => subNames.indexOf(subNames[sub].replace(/-(\d+)$/, (_, s) => `-${Number(s) ^ 1}`));
    const t = ds.splits.train;
    const { offsets, items } = ds.sequences;
    const gtp = ds.groundTruth!.clickProbability.train;
    let positives = 0;
    for (let r = 0; r < t.user.length; r++) {
      const target = t.target[r];
      const sub = ds.itemCats[0][target];
      const history = Array.from(items.subarray(offsets[t.user[r]], offsets[t.user[r] + 1]));
      const considered = clickRule === 'recentPair' ? history.slice(-5) : history.filter((i) => ds.itemCats[2][i] === ds.itemCats[2][target]);
      const subs = considered.map((i) => ds.itemCats[0][i]);
      const both = subs.includes(sub) && subs.includes(partnerOf(sub));
      if (both) positives++;
      assert.ok(Math.abs(gtp[r] - (both ? 0.95 : 0.05)) < 1e-6, `${clickRule} row ${r}: p ${gtp[r]}, rule says ${both}`);
    }
    // both outcomes occur often enough to learn from (25,920 rows)
    assert.ok(positives > 0.1 * t.user.length && positives < 0.5 * t.user.length, `${clickRule}: ${positives} of ${t.user.length} rows match`);
  }
  assert.throws(() => resolveSyntheticOptions('default', 'tiny', { clickRule: 'pairs' as never }), /clickRule=pairs is invalid; expected one of: interests, recentPair, brandPair/);
  assert.throws(() => resolveSyntheticOptions('default', 'tiny', { clickRule: 'brandPair', subPerTop: 3 }), /needs an even subPerTop, got subPerTop=3/);
  assert.throws(() => resolveSyntheticOptions('default', 'tiny', { clickRule: 'brandPair', subPerTop: 2, brands: 0 }), /brandPair needs brands > 0/);
  assert.throws(() => resolveSyntheticOptions('default', 'tiny', { recentWindow: 0 }), /recentWindow=0 is invalid; expected an integer >= 1/);
});

test('presets and sizes resolve as documented; bad knobs are rejected', () => {
  assert.equal(resolveSyntheticOptions('multi', 'default').interests, 4);
  assert.equal(resolveSyntheticOptions('hier', 'tiny').topWeight, 1);
  assert.equal(resolveSyntheticOptions('hier', 'tiny').dominantInterest, 0.7);
  assert.equal(resolveSyntheticOptions('default', 'tiny').users, 400);
  assert.equal(resolveSyntheticOptions('drift', 'default', { drift: 0.3 }).drift, 0.3);
  assert.throws(() => resolveSyntheticOptions('default', 'tiny', { noise: 0.6 }), /noise=0.6 is invalid; expected a number in \[0, 0.5\)/);
  assert.throws(() => resolveSyntheticOptions('default', 'tiny', { users: 0 }), /users=0 is invalid/);
  assert.throws(() => resolveSyntheticOptions('default', 'tiny', { dominantInterest: 1.5 }), /dominantInterest=1.5 is invalid; expected a number in \[0, 1\]/);
});

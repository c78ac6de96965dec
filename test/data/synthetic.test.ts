/**
 * The synthetic generator: determinism, ground truth consistent with the samples, and each
 * knob doing what its documentation says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'crypto';
import { Dataset, generateSynthetic, loadDataset, resolveSyntheticOptions, SYNTHETIC_DEFAULTS } from '../../src/data';

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
  for (let s = 1; s < a.sizes.cats[0]; s++)
    assert.equal(a.vocab.cats[1][parentOf[s]], a.vocab.cats[0][s].replace(/^sub-(\d+)-\d+$/, 'top-$1'));
});

/**
 * The popularity + activity shift of the click logit for every row, from the documented formula:
 * popularityClick * popularity * (m - log rank_item) + activity_user, with m the mean log rank
 * of a drawn item: sum_j w_j log rank_j / sum_j w_j, w_j = rank_j^(-popularity).
 */
function logitShifts(ds: Dataset, split: 'train' | 'test'): number[] {
  const gt = ds.groundTruth!;
  const o = gt.options as unknown as typeof SYNTHETIC_DEFAULTS;
  const rank = Array.from(gt.popularityRank).slice(1);
  const w = rank.map((r) => r ** -o.popularity);
  const m = rank.reduce((a, r, j) => a + w[j] * Math.log(r), 0) / w.reduce((a, b) => a + b, 0);
  const t = ds.splits[split];
  return Array.from(
    t.user,
    (u, r) => o.popularityClick * o.popularity * (m - Math.log(gt.popularityRank[t.target[r]])) + gt.userActivity[u],
  );
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Recomputes p(click) of every row from the documented formula, the returned trajectory and
 * the popularity ranks and user activities: sigmoid(logit(noise + (1 - 2 noise) match) + shift).
 */
function recomputedProbabilities(ds: Dataset, split: 'train' | 'test', shifts = logitShifts(ds, split)): number[] {
  const gt = ds.groundTruth!;
  const o = gt.options as unknown as typeof SYNTHETIC_DEFAULTS;
  const t = ds.splits[split];
  return Array.from(t.user, (u, r) => {
    const item = t.target[r];
    let match = 0;
    for (let k = 0; k < gt.interests; k++) {
      const sub = gt.trajectory[(u * gt.steps + gt.steps - 1) * gt.interests + k];
      const top = ds.hierarchy.parentOf[0]![sub];
      const m =
        (1 - o.topWeight) * (ds.itemCats[0][item] === sub ? 1 : 0) +
        o.topWeight * (ds.itemCats[1][item] === top ? 1 : 0);
      match = Math.max(match, m);
    }
    return sigmoid(logit(o.noise + (1 - 2 * o.noise) * match) + shifts[r]);
  });
}

const misses = (a: number[], b: ArrayLike<number>) => a.filter((v, i) => Math.abs(v - b[i]) > 1e-6).length;

test('ground truth: click probabilities follow the documented formula, and labels follow them', async () => {
  for (const spec of ['synthetic:default:small', 'synthetic:hier:small']) {
    const ds = await loadDataset(spec, { seed: 1 });
    const gtp = ds.groundTruth!.clickProbability.train;
    const p = recomputedProbabilities(ds, 'train');
    assert.equal(misses(p, gtp), 0, `${spec}: rows whose p differs from the formula`);
    // Mean label vs mean probability: n >= 12,960 rows, sd of the mean < 0.005.
    const meanP = p.reduce((a, b) => a + b, 0) / p.length;
    const meanL = ds.splits.train.label.reduce((a, b) => a + b, 0) / p.length;
    assert.ok(Math.abs(meanP - meanL) < 0.02, `${spec}: mean label ${meanL} vs mean p ${meanP}`);
    // Each term matters: leaving out the popularity term, the activity term, or flipping the popularity's sign misses
    // most rows.
    const shifts = logitShifts(ds, 'train');
    const activity = Array.from(ds.splits.train.user, (u) => ds.groundTruth!.userActivity[u]);
    for (const [name, wrong] of [
      ['no popularity', activity],
      ['no activity', shifts.map((s, r) => s - activity[r])],
      ['popularity sign flipped', shifts.map((s, r) => 2 * activity[r] - s)],
    ] as const) {
      assert.ok(
        misses(recomputedProbabilities(ds, 'train', wrong), gtp) > 0.9 * p.length,
        `${spec}: ${name} should not fit`,
      );
    }
  }
  // hier without popularity and activity: topWeight 1, so p is noise = 0.05 (no interest's top) or 1 - noise = 0.95,
  // both present.
  const ds = await loadDataset('synthetic:hier:small', { seed: 1, synthetic: { popularity: 0, activity: 0 } });
  const p = ds.groundTruth!.clickProbability.train;
  assert.equal(misses(recomputedProbabilities(ds, 'train'), p), 0);
  assert.ok(p.every((v) => Math.abs(v - 0.05) < 1e-6 || Math.abs(v - 0.95) < 1e-6));
  assert.ok(p.some((v) => v > 0.5) && p.some((v) => v < 0.5));
});

test('popularity: behaviours and targets drawn by weight rank^(-popularity); activity as documented', async () => {
  const popularity = 0.8;
  const ds = await loadDataset('synthetic:small', {
    seed: 4,
    synthetic: { popularity, behaviourNoise: 0, topSpread: 0, activity: 0.7 },
  });
  const gt = ds.groundTruth!;
  const rank = gt.popularityRank;
  const I = rank.length - 1;
  assert.deepEqual(
    Array.from(rank.slice(1)).sort((a, b) => a - b),
    Array.from({ length: I }, (_, i) => i + 1),
  );
  const w = Array.from(rank, (r) => (r > 0 ? r ** -popularity : 0));
  /** Expected log rank of an item drawn with weight w among `ids`, and under a uniform draw. */
  const expectedLogRank = (ids: number[]) => {
    const total = ids.reduce((a, i) => a + w[i], 0);
    return [
      ids.reduce((a, i) => a + (w[i] / total) * Math.log(rank[i]), 0),
      ids.reduce((a, i) => a + Math.log(rank[i]) / ids.length, 0),
    ];
  };
  const idsOfSub = new Map<number, number[]>();
  for (let i = 1; i <= I; i++) idsOfSub.set(ds.itemCats[0][i], [...(idsOfSub.get(ds.itemCats[0][i]) ?? []), i]);
  // Behaviours (no noise, no spread): an item of the interest's sub-category, drawn by weight within it.
  let observed = 0;
  let weighted = 0;
  let uniform = 0;
  const { items } = ds.sequences;
  for (const item of items) {
    const [e, e0] = expectedLogRank(idsOfSub.get(ds.itemCats[0][item])!);
    observed += Math.log(rank[item]) / items.length;
    weighted += e / items.length;
    uniform += e0 / items.length;
  }
  // 80,000 behaviours: the sd of the mean log rank is about 0.005; weighted and uniform differ by > 1.
  assert.ok(
    Math.abs(observed - weighted) < 0.03,
    `behaviours: mean log rank ${observed}, expected ${weighted} (uniform ${uniform})`,
  );
  assert.ok(uniform - weighted > 1);
  // Targets 1, 3 of each user (rows in order, 4 per user) are drawn from the whole catalog by weight.
  const t = ds.splits.train;
  const random = Array.from(t.target).filter((_, r) => r % 4 === 1 || r % 4 === 3);
  const meanRandom = random.reduce((a, i) => a + Math.log(rank[i]), 0) / random.length;
  const [catalog] = expectedLogRank(Array.from({ length: I }, (_, i) => i + 1));
  assert.ok(Math.abs(meanRandom - catalog) < 0.05, `random targets: mean log rank ${meanRandom}, expected ${catalog}`);
  // Activity: N(0, 0.7^2) per user; 4,000 users, sd of the estimated sd about 0.008.
  const a = Array.from(gt.userActivity.slice(1));
  const mean = a.reduce((x, y) => x + y, 0) / a.length;
  const sd = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean) < 0.04 && Math.abs(sd - 0.7) < 0.04, `activity mean ${mean}, sd ${sd}`);
  assert.equal(gt.userActivity[0], 0);
});

/**
 * sha256 of every generated array. The hashes below are those of the generator before item
 * popularity and user activity existed (commit c6dd9a7): with popularity = 0 and activity = 0
 * the generator must still produce exactly that data.
 */
function generatedHash(preset: string, size: string, seed: number, overrides: Record<string, unknown>): string {
  const g = generateSynthetic(
    resolveSyntheticOptions(preset, size, { ...overrides, popularity: 0, activity: 0 }),
    seed,
    { validFraction: 0.1, testFraction: 0.1 },
  );
  const h = createHash('sha256');
  const add = (a: ArrayBufferView) => h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  g.itemCats.forEach(add);
  add(g.sequences.offsets);
  add(g.sequences.items);
  for (const s of ['train', 'valid', 'test'] as const) {
    const t = g.splits[s];
    [t.user, t.target, t.label, t.histLen, g.groundTruth.clickProbability[s]].forEach(add);
  }
  add(g.groundTruth.trajectory);
  add(g.groundTruth.interestWeights);
  h.update(JSON.stringify(g.vocab));
  return h.digest('hex');
}

test('popularity 0 and activity 0 reproduce the data of the generator without them, byte for byte', () => {
  const cases: [string, string, number, Record<string, unknown>, string][] = [
    ['default', 'tiny', 1, {}, 'e6472f7645b0a57b71300048064d202cf07b181af78cac4ce11cdbe173dc3b75'],
    ['default', 'tiny', 2, {}, 'a8b50467e3f1ff2db101980c6adfb65f79922e34292b3abb450893887c2fccb7'],
    ['drift', 'tiny', 1, {}, 'a9e8068e0f7baed685604d28bffe14653d08b80d72eca43a2b48fe2300357923'],
    ['multi', 'tiny', 1, {}, '27ea026323ee1ad043dd69816b28f51f9817558a5d6458f05efaab9c07613d16'],
    ['hier', 'tiny', 1, {}, '87e03a02a85530423f1c0b3e1f17de34558d8fd032ce21a62e76d7a8b4dbebd5'],
    ['default', 'small', 1, {}, '5273be259a5c2215cc46551a14c72a207d8228964fb0e2e565e37c2a2d5f2879'],
    [
      'multi',
      'tiny',
      3,
      { clickRule: 'brandPair', subPerTop: 2, topSpread: 0.5 },
      'd058d461fa101970da3ea0b2b8dddc6a6f886349ca238b91571bb429a3f0f365',
    ],
    [
      'multi',
      'tiny',
      3,
      { clickRule: 'recentPair', subPerTop: 2, recentWindow: 5 },
      'fb5bf572dd051e5dc01abc56d8dad7c7abefea3f08ca332efb4430947d201b05',
    ],
    ['default', 'tiny', 4, { brands: 0, noise: 0 }, 'ce5e35623b8adac675f73253b6a7b5df4d4532eb7084ad0bcb77ef792d508442'],
  ];
  for (const [preset, size, seed, overrides, hash] of cases)
    assert.equal(
      generatedHash(preset, size, seed, overrides),
      hash,
      `${preset}:${size} seed ${seed} ${JSON.stringify(overrides)}`,
    );
  // with the defaults the data differs
  assert.notEqual(
    generateSynthetic(resolveSyntheticOptions('default', 'tiny'), 1, {
      validFraction: 0.1,
      testFraction: 0.1,
    }).sequences.items.join(),
    generateSynthetic(resolveSyntheticOptions('default', 'tiny', { popularity: 0, activity: 0 }), 1, {
      validFraction: 0.1,
      testFraction: 0.1,
    }).sequences.items.join(),
  );
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
  const ds = await loadDataset('synthetic:tiny', {
    synthetic: { interests: 4, dominantInterest: 0.7, behaviourNoise: 0, topSpread: 0, drift: 0 },
  });
  const gt = ds.groundTruth!;
  const K = 4;
  for (let u = 1; u < ds.sizes.users; u++)
    assert.deepEqual(
      Array.from(gt.interestWeights.subarray(u * K, u * K + K), (w) => Number(w.toFixed(6))),
      [0.7, 0.1, 0.1, 0.1],
    );
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

test('drift: interests move at the documented rate; recent behaviours predict clicks better than old', async () => {
  const changeRate = (ds: Dataset) => {
    const gt = ds.groundTruth!;
    let changes = 0;
    let n = 0;
    for (let u = 1; u < ds.sizes.users; u++) {
      for (let t = 1; t < gt.steps; t++) {
        for (let k = 0; k < gt.interests; k++) {
          n++;
          if (
            gt.trajectory[(u * gt.steps + t) * gt.interests + k] !==
            gt.trajectory[(u * gt.steps + t - 1) * gt.interests + k]
          )
            changes++;
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
  assert.ok(
    share(drift, true) > share(drift, false) + 0.1,
    `recent ${share(drift, true)} vs early ${share(drift, false)}`,
  );
  assert.ok(Math.abs(share(stable, true) - share(stable, false)) < 0.05);
});

test("click rules 'recentPair' and 'brandPair': p follows the rule, recomputed from the histories", async () => {
  const world = { subPerTop: 2, interests: 4, topSpread: 0.5, targetsPerUser: 8 };
  for (const clickRule of ['recentPair', 'brandPair'] as const) {
    const ds = await loadDataset('synthetic:small', { seed: 3, synthetic: { ...world, clickRule, recentWindow: 5 } });
    const subNames = ds.vocab.cats[0];
    // the partner of 'sub-T-S' is 'sub-T-(S xor 1)', looked up by name
    const partnerOf = (sub: number) =>
      subNames.indexOf(subNames[sub].replace(/-(\d+)$/, (_, s) => `-${Number(s) ^ 1}`));
    const t = ds.splits.train;
    const { offsets, items } = ds.sequences;
    const gtp = ds.groundTruth!.clickProbability.train;
    const shifts = logitShifts(ds, 'train');
    let positives = 0;
    for (let r = 0; r < t.user.length; r++) {
      const target = t.target[r];
      const sub = ds.itemCats[0][target];
      const history = Array.from(items.subarray(offsets[t.user[r]], offsets[t.user[r] + 1]));
      const considered =
        clickRule === 'recentPair'
          ? history.slice(-5)
          : history.filter((i) => ds.itemCats[2][i] === ds.itemCats[2][target]);
      const subs = considered.map((i) => ds.itemCats[0][i]);
      const both = subs.includes(sub) && subs.includes(partnerOf(sub));
      if (both) positives++;
      const p = sigmoid(logit(both ? 0.95 : 0.05) + shifts[r]);
      assert.ok(Math.abs(gtp[r] - p) < 1e-6, `${clickRule} row ${r}: p ${gtp[r]}, rule says ${both} (${p})`);
    }
    // both outcomes occur often enough to learn from (25,920 rows)
    assert.ok(
      positives > 0.1 * t.user.length && positives < 0.5 * t.user.length,
      `${clickRule}: ${positives} of ${t.user.length} rows match`,
    );
  }
  assert.throws(
    () => resolveSyntheticOptions('default', 'tiny', { clickRule: 'pairs' as never }),
    /clickRule=pairs is invalid; expected one of: interests, recentPair, brandPair/,
  );
  assert.throws(
    () => resolveSyntheticOptions('default', 'tiny', { clickRule: 'brandPair', subPerTop: 3 }),
    /needs an even subPerTop, got subPerTop=3/,
  );
  assert.throws(
    () => resolveSyntheticOptions('default', 'tiny', { clickRule: 'brandPair', subPerTop: 2, brands: 0 }),
    /brandPair needs brands > 0/,
  );
  assert.throws(
    () => resolveSyntheticOptions('default', 'tiny', { recentWindow: 0 }),
    /recentWindow=0 is invalid; expected an integer >= 1/,
  );
});

test('presets and sizes resolve as documented; bad knobs are rejected', () => {
  assert.equal(resolveSyntheticOptions('multi', 'default').interests, 4);
  assert.equal(resolveSyntheticOptions('hier', 'tiny').topWeight, 1);
  assert.equal(resolveSyntheticOptions('hier', 'tiny').dominantInterest, 0.7);
  assert.equal(resolveSyntheticOptions('default', 'tiny').users, 400);
  assert.equal(resolveSyntheticOptions('drift', 'default', { drift: 0.3 }).drift, 0.3);
  assert.throws(
    () => resolveSyntheticOptions('default', 'tiny', { noise: 0.6 }),
    /noise=0.6 is invalid; expected a number in \[0, 0.5\)/,
  );
  assert.throws(() => resolveSyntheticOptions('default', 'tiny', { users: 0 }), /users=0 is invalid/);
  assert.throws(
    () => resolveSyntheticOptions('default', 'tiny', { dominantInterest: 1.5 }),
    /dominantInterest=1.5 is invalid; expected a number in \[0, 1\]/,
  );
  assert.throws(
    () => resolveSyntheticOptions('default', 'tiny', { popularity: -1 }),
    /popularity=-1 is invalid; expected a finite number >= 0/,
  );
  assert.throws(
    () => resolveSyntheticOptions('default', 'tiny', { activity: Number.NaN }),
    /activity=NaN is invalid; expected a finite number >= 0/,
  );
});

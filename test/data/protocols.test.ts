/**
 * Both Amazon protocols on the hand-written fixture data/fixtures/amazon-tiny, against rows
 * derived by hand (see the comments), and the tie order of docs/papers.md §0.
 *
 * Fixture: ids are sorted keys + 1: ITEM-A..E = 1..5, U1..U3 = 1..3. Time-ordered sequences
 * (ties broken by line order in the reviews file):
 *   U1: A(100, line 3), C(200, line 1), B(200, line 6), D(300)  -> [1, 3, 2, 4]
 *   U2: B(50), D(60), A(70)                                     -> [2, 4, 1]
 *   U3: C(10), E(20)                                            -> [3, 5]
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../../src/data';
import { tinyAmazonDir } from './helpers';

const rows = (t: { user: Int32Array; target: Int32Array; label: Uint8Array; histLen: Int32Array }) =>
  Array.from(t.user, (u, i) => [u, t.target[i], t.label[i], t.histLen[i]]);

test('DIN protocol: prefixes k=1..n-2 -> train pos+neg, last -> test; uniform negatives, not positives', async () => {
  const ds = await loadDataset('amazon:Tiny', { dataDir: tinyAmazonDir(true), protocol: 'din', validFraction: 0 });
  assert.deepEqual(Array.from(ds.sequences.items), [1, 3, 2, 4, 2, 4, 1, 3, 5]);
  assert.deepEqual(Array.from(ds.sequences.offsets), [0, 0, 4, 7, 9]);
  const train = rows(ds.splits.train);
  const test = rows(ds.splits.test);
  // U2's negatives are drawn from {C, E} = {3, 5}; U3's from {A, B, D} = {1, 2, 4}; U1's can only be E = 5.
  const u2neg = train[5][1];
  assert.ok([3, 5].includes(u2neg), `U2 train negative ${u2neg}`);
  assert.deepEqual(train, [
    [1, 3, 1, 1],
    [1, 5, 0, 1],
    [1, 2, 1, 2],
    [1, 5, 0, 2],
    [2, 4, 1, 1],
    [2, u2neg, 0, 1],
  ]);
  assert.ok([3, 5].includes(test[3][1]));
  assert.ok([1, 2, 4].includes(test[5][1]));
  assert.deepEqual(test, [
    [1, 4, 1, 3],
    [1, 5, 0, 3],
    [2, 1, 1, 2],
    [2, test[3][1], 0, 2],
    [3, 5, 1, 1],
    [3, test[5][1], 0, 1],
  ]);
  // DIN category = categories[-1][-1]: A has paths [.., Face] and [.., Lips] -> Lips. Level-0 vocab sorted.
  assert.deepEqual(ds.vocab.cats[0], ['<pad>', 'Beauty', 'Eyes', 'Face', 'Lips']);
  assert.deepEqual(ds.vocab.cats[1], ['<pad>', 'Beauty', 'Makeup', 'Skin']);
  assert.deepEqual(Array.from(ds.itemCats[0]), [0, 4, 3, 4, 2, 1]);
  assert.deepEqual(Array.from(ds.itemCats[1]), [0, 2, 3, 2, 2, 1]);
  // Hierarchy: Lips -> Makeup, Face -> Skin, Eyes -> Makeup, Beauty -> Beauty.
  assert.deepEqual(Array.from(ds.hierarchy.parentOf[0]!), [0, 1, 2, 3, 2]);
  assert.equal(ds.hierarchy.parentOf[1], null);
  const s = ds.stats();
  assert.deepEqual([s.users, s.items, s.categories, s.samples, s.trainRows, s.testRows], [3, 5, 4, 9, 6, 6]);
});

test('DIN protocol: validation carves the last training pair of a seeded share of users', async () => {
  // Users with n >= 3: U1, U2; round(0.5 * 2) = 1 of them moves its k = n-2 pair to valid.
  const ds = await loadDataset('amazon:Tiny', { dataDir: tinyAmazonDir(false), protocol: 'din', validFraction: 0.5 });
  const valid = rows(ds.splits.valid);
  assert.equal(valid.length, 2);
  const u = valid[0][0];
  assert.ok(u === 1 || u === 2);
  assert.deepEqual(valid[0], u === 1 ? [1, 2, 1, 2] : [2, 4, 1, 1]);
  assert.equal(ds.splitSize('train'), 4);
  assert.equal(ds.stats().trainRows, 6);
});

test('DIEN protocol: one neg+pos at the last review per user, seeded user split, categories[0][-1]', async () => {
  // testFraction 1/3 of 3 users -> round(1) = 1 test user; validFraction 0.
  const ds = await loadDataset('amazon:Tiny', {
    dataDir: tinyAmazonDir(true),
    protocol: 'dien',
    validFraction: 0,
    testFraction: 1 / 3,
  });
  const all = [...rows(ds.splits.train), ...rows(ds.splits.test)].sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  assert.equal(ds.splitSize('test'), 2);
  assert.equal(ds.splitSize('train'), 4);
  // user -> [last item, history length]
  const last: Record<number, [number, number]> = { 1: [4, 3], 2: [1, 2], 3: [5, 1] };
  for (const [u, target, label, histLen] of all) {
    assert.equal(histLen, last[u][1]);
    if (label === 1) assert.equal(target, last[u][0]);
  }
  // Negatives are never among the user's own items by default: U1 owns 1..4 -> 5.
  assert.deepEqual(all[0], [1, 5, 0, 3]);
  // DIEN category = categories[0][-1]: A -> Face (parent Skin).
  assert.equal(ds.vocab.cats[0][ds.itemCats[0][1]], 'Face');
  assert.equal(ds.vocab.cats[1][ds.itemCats[1][1]], 'Skin');
});

test('DIEN protocol: allowOwnHistoryNegatives reproduces the official flaw (own-history negatives)', async () => {
  const dir = tinyAmazonDir(false);
  let own = 0;
  let total = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const ds = await loadDataset('amazon:Tiny', {
      dataDir: dir,
      protocol: 'dien',
      validFraction: 0,
      seed,
      allowOwnHistoryNegatives: true,
      negatives: 'uniform',
    });
    for (const split of ['train', 'test'] as const) {
      const t = ds.splits[split];
      for (let i = 0; i < t.user.length; i++) {
        if (t.label[i] === 1) continue;
        total++;
        const { offsets, items } = ds.sequences;
        const history = Array.from(items.subarray(offsets[t.user[i]], offsets[t.user[i]] + t.histLen[i]));
        if (history.includes(t.target[i])) own++;
      }
    }
  }
  // U1's history {1,3,2} covers 3 of the 4 allowed items: such negatives must show up.
  assert.ok(own > 0 && own < total, `own-history negatives ${own} of ${total}`);
});

test('behaviour log (TSV + item table) builds the same protocol with a two-level hierarchy', async () => {
  const path = await import('path');
  const { FIXTURES } = await import('./helpers');
  const ds = await loadDataset(`log:${path.join(FIXTURES, 'log-tiny/clicks.tsv')}`, {
    itemTable: path.join(FIXTURES, 'log-tiny/items.csv'),
    protocol: 'din',
    validFraction: 0,
  });
  // alice: i1(1), i3(2), i2(3); bob: i2(5), i1(6), i4(7). Items sorted i1..i4 = 1..4 (i5 never clicked: not in vocab).
  assert.deepEqual(ds.vocab.items, ['<pad>', 'i1', 'i2', 'i3', 'i4']);
  assert.deepEqual(Array.from(ds.sequences.items), [1, 3, 2, 2, 1, 4]);
  assert.deepEqual(ds.levelNames, ['leaf', 'top']);
  assert.equal(ds.splitSize('train'), 4); // 2 users x (3 - 2) positions x 2 rows
  assert.equal(ds.splitSize('test'), 4);
  const boots = ds.vocab.cats[0].indexOf('boots');
  assert.equal(ds.vocab.cats[1][ds.hierarchy.parentOf[0]![boots]], 'fashion');
});

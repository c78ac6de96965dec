/**
 * The real Amazon Beauty 5-core and MovieLens latest-small files (../shared/data), skipped with
 * a visible message when absent.
 *
 * Beauty: U = 22,363 users, I = 12,101 items, R = 198,502 reviews (data README); every user has
 * n >= 5 reviews.
 *  DIN protocol (validFraction 0): a user with n reviews gives n-2 training positions
 *   (k = 1..n-2) and 1 test position, each a positive and a negative row, so
 *   train = 2 * sum(n - 2) = 2 * (R - 2U) = 2 * (198,502 - 44,726) = 307,552 and
 *   test = 2U = 44,726.
 *   With validFraction 0.1: round(0.1 * 22,363) = 2,236 users move one pair each:
 *   valid = 4,472, train = 307,552 - 4,472 = 303,080.
 *  DIEN protocol (exact user split, testFraction 0.1): one (neg, pos) pair per user;
 *   test users = round(0.1 * 22,363) = 2,236 -> test = 4,472 rows;
 *   train users = 20,127 -> 40,254 rows with validFraction 0;
 *   with validFraction 0.1: valid users = round(0.1 * 20,127) = 2,013 -> valid 4,026, train 36,228.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'crypto';
import { Dataset, loadDataset } from '../../src/data';
import { BEAUTY_DIR, MOVIELENS_DIR, skipUnless } from './helpers';

const beautySkip = skipUnless(BEAUTY_DIR, ['reviews_Beauty_5.json.gz', 'meta_Beauty.json.gz']);
const mlSkip = skipUnless(MOVIELENS_DIR, ['ratings.csv', 'movies.csv']);

function assertNoTargetInOwnHistory(ds: Dataset): void {
  const t = ds.splits.test;
  const { offsets, items } = ds.sequences;
  for (let r = 0; r < t.user.length; r++) {
    const a = offsets[t.user[r]];
    for (let i = a; i < a + t.histLen[r]; i++) {
      if (items[i] === t.target[r])
        assert.fail(
          `test row ${r} (user ${t.user[r]}, label ${t.label[r]}): target ${t.target[r]} is in its own history`,
        );
    }
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test(
  'Amazon Beauty, DIN protocol: exact counts, no test target in its history, same seed -> same bytes',
  { skip: beautySkip },
  async () => {
    const ds = await loadDataset('amazon:Beauty', { dataDir: BEAUTY_DIR, protocol: 'din', validFraction: 0 });
    const s = ds.stats();
    assert.equal(s.users, 22363);
    assert.equal(s.items, 12101);
    assert.equal(s.samples, 198502);
    assert.equal(s.trainRows, 307552);
    assert.equal(s.testRows, 44726);
    assert.equal(s.categories, 38); // README: 38 second-level categories (the leaf of the single path)
    assert.equal(s.categoriesPerLevel[1], 11); // under 11 first-level parents
    assert.equal(s.positiveShare, 0.5);
    assertNoTargetInOwnHistory(ds);
    const again = await loadDataset('amazon:Beauty', { dataDir: BEAUTY_DIR, protocol: 'din', validFraction: 0 });
    assert.equal(sha(again.toBytes()), sha(ds.toBytes()));
    const other = await loadDataset('amazon:Beauty', {
      dataDir: BEAUTY_DIR,
      protocol: 'din',
      validFraction: 0,
      seed: 99,
    });
    assert.notEqual(other.checksum, ds.checksum);
    assert.notDeepEqual(other.splits.train.target, ds.splits.train.target); // other negatives
    const withValid = await loadDataset('amazon:Beauty', { dataDir: BEAUTY_DIR, protocol: 'din', validFraction: 0.1 });
    assert.deepEqual(
      [withValid.splitSize('train'), withValid.splitSize('valid'), withValid.splitSize('test')],
      [303080, 4472, 44726],
    );
  },
);

test(
  'Amazon Beauty, DIEN protocol: exact counts, no test target in its history, seeds change the user split',
  { skip: beautySkip },
  async () => {
    const ds = await loadDataset('amazon:Beauty', { dataDir: BEAUTY_DIR, protocol: 'dien', validFraction: 0 });
    const s = ds.stats();
    assert.deepEqual([s.users, s.items, s.trainRows, s.testRows], [22363, 12101, 40254, 4472]);
    assertNoTargetInOwnHistory(ds);
    const v = await loadDataset('amazon:Beauty', { dataDir: BEAUTY_DIR, protocol: 'dien' });
    assert.deepEqual([v.splitSize('train'), v.splitSize('valid'), v.splitSize('test')], [36228, 4026, 4472]);
    const testUsers = (d: Dataset) => [...new Set(d.splits.test.user)].sort((a, b) => a - b);
    const again = await loadDataset('amazon:Beauty', { dataDir: BEAUTY_DIR, protocol: 'dien', validFraction: 0 });
    assert.equal(sha(again.toBytes()), sha(ds.toBytes()));
    const other = await loadDataset('amazon:Beauty', {
      dataDir: BEAUTY_DIR,
      protocol: 'dien',
      validFraction: 0,
      seed: 7,
    });
    assert.equal(other.splitSize('test'), 4472);
    assert.notDeepEqual(testUsers(other), testUsers(ds));
    // Popularity negatives: the most clicked item is drawn far more often than a rarely clicked one.
    const clicks = new Int32Array(ds.sizes.items);
    for (const i of ds.sequences.items) clicks[i]++;
    const negs = new Int32Array(ds.sizes.items);
    for (const split of ['train', 'test'] as const) {
      const t = ds.splits[split];
      t.label.forEach((l, r) => l === 0 && negs[t.target[r]]++);
    }
    let top = 1;
    for (let i = 1; i < clicks.length; i++) if (clicks[i] > clicks[top]) top = i;
    const expectedTop = (clicks[top] / ds.sequences.items.length) * 22363;
    assert.ok(
      negs[top] > expectedTop * 0.5 && negs[top] < expectedTop * 1.5,
      `top item drawn ${negs[top]} times, expected about ${expectedTop.toFixed(0)}`,
    );
  },
);

test(
  'MovieLens latest-small builds: ratings >= 4 positive, genres as categories, seeded user split',
  { skip: mlSkip },
  async () => {
    const ds = await loadDataset('movielens', { dataDir: MOVIELENS_DIR });
    const s = ds.stats();
    assert.equal(s.users, 671);
    assert.equal(s.items, 9066);
    assert.equal(s.categories, 20);
    const rows = s.trainRows + s.testRows;
    // Every rating with at least one earlier positive of its user becomes a row: fewer than 100,004.
    assert.ok(rows > 90000 && rows < 100004, `rows ${rows}`);
    const testUsers = new Set(ds.splits.test.user).size;
    assert.ok(Math.abs(testUsers - 0.278 * 671) < 3, `test users ${testUsers}`);
    const trainUsers = new Set(ds.splits.train.user);
    for (const u of ds.splits.test.user) assert.ok(!trainUsers.has(u), `user ${u} is in train and test`);
    assert.ok(ds.multiLabel && ds.multiLabel.vocab.length === 21);
    // Toy Story (movieId 1): Adventure|Animation|Children|Comedy|Fantasy; level 0 = first genre.
    const toy = ds.vocab.items.indexOf('1');
    assert.equal(ds.vocab.cats[0][ds.itemCats[0][toy]], 'Adventure');
    const ml = ds.multiLabel!;
    assert.deepEqual(
      Array.from(ml.ids.subarray(ml.offsets[toy], ml.offsets[toy + 1]), (g) => ml.vocab[g]),
      ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'],
    );
  },
);

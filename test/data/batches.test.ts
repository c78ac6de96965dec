/**
 * Batches on the tiny Amazon fixture (sequences U1 [1,3,2,4], U2 [2,4,1], U3 [3,5]; see
 * protocols.test.ts): padding, masks, truncation to the latest maxLen, category columns,
 * auxiliary negatives, deterministic shuffles, MBA counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../../src/data';
import { tinyAmazonDir } from './helpers';

async function tiny(maxLen: number) {
  return loadDataset('amazon:Tiny', { dataDir: tinyAmazonDir(false), protocol: 'din', validFraction: 0, maxLen });
}

test('test batch: latest maxLen behaviours, post-padded, masks and categories built here', async () => {
  const ds = await tiny(2);
  const [b, extra] = [...ds.batches('test', 6, { shuffle: false })];
  assert.equal(extra, undefined);
  assert.equal(b.size, 6);
  assert.equal(b.maxLen, 2);
  assert.equal(b.levels, 2);
  assert.deepEqual(Array.from(b.users), [1, 1, 2, 2, 3, 3]);
  // U1 history [1,3,2] -> latest two [3,2]; U2 [2,4]; U3 [3] + padding.
  assert.deepEqual(Array.from(b.histItems), [3, 2, 3, 2, 2, 4, 2, 4, 3, 0, 3, 0]);
  assert.deepEqual(Array.from(b.histMask), [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0]);
  assert.deepEqual(Array.from(b.histLen), [2, 2, 2, 2, 1, 1]);
  assert.deepEqual(Array.from(b.labels), [1, 0, 1, 0, 1, 0]);
  assert.deepEqual(Array.from(b.targetItems.filter((_, i) => i % 2 === 0)), [4, 1, 5]);
  // Level-0 ids (DIN): A=Lips 4, B=Face 3, C=Lips 4, D=Eyes 2, E=Beauty 1.
  const cat0 = [0, 4, 3, 4, 2, 1];
  assert.deepEqual(
    Array.from(b.histCats[0]),
    Array.from(b.histItems, (i) => cat0[i]),
  );
  assert.deepEqual(
    Array.from(b.targetCats[0]),
    Array.from(b.targetItems, (i) => cat0[i]),
  );
});

test('aux negatives: one per real position, never the behaviour or a user item, 0 on padding, per epoch', async () => {
  const ds = await tiny(3);
  const b = [...ds.batches('test', 6, { shuffle: false, epoch: 0 })][0];
  const neg = b.negHistItems!;
  const owned: Record<number, number[]> = { 1: [1, 2, 3, 4], 2: [1, 2, 4], 3: [3, 5] };
  for (let r = 0; r < b.size; r++) {
    for (let t = 0; t < b.maxLen; t++) {
      const p = r * b.maxLen + t;
      if (b.histMask[p] === 0) assert.equal(neg[p], 0);
      else {
        assert.notEqual(neg[p], b.histItems[p]);
        assert.ok(!owned[b.users[r]].includes(neg[p]), `user ${b.users[r]} got own item ${neg[p]}`);
        assert.equal(b.negHistCats![0][p], ds.itemCats[0][neg[p]]);
      }
    }
  }
  // U1 owns 4 of 5 items: its aux negatives are all E = 5.
  assert.deepEqual(Array.from(neg.subarray(0, 3)), [5, 5, 5]);
  // U3 can draw 1, 2 or 4: across epochs the draws change, within an epoch they repeat.
  const u3 = (epoch: number) => [...ds.batches('test', 6, { shuffle: false, epoch })][0].negHistItems![4 * 3];
  const draws = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(u3));
  assert.ok(draws.size > 1, 'aux negatives should be re-sampled per epoch');
  assert.equal(u3(3), u3(3));
  const none = [...ds.batches('test', 6, { auxNegatives: false })][0];
  assert.equal(none.negHistItems, undefined);
});

test('shuffling is a permutation, deterministic by seed + epoch, and dropLast/numBatches agree', async () => {
  const ds = await loadDataset('synthetic:tiny', { seed: 3 });
  const ids = (epoch: number, seed = 7) => {
    const out: number[] = [];
    for (const b of ds.batches('train', 100, { seed, epoch, auxNegatives: false }))
      for (let i = 0; i < b.size; i++) out.push(b.users[i] * 10000 + b.targetItems[i]);
    return out;
  };
  const e0 = ids(0);
  assert.deepEqual(ids(0), e0);
  assert.notDeepEqual(ids(1), e0);
  assert.notDeepEqual(ids(0, 8), e0);
  const natural = Array.from(ds.splits.train.user, (u, i) => u * 10000 + ds.splits.train.target[i]);
  assert.deepEqual(
    [...e0].sort((a, b) => a - b),
    [...natural].sort((a, b) => a - b),
  );
  const n = ds.splitSize('train');
  assert.equal(ds.numBatches('train', 100), Math.ceil(n / 100));
  assert.equal([...ds.batches('train', 100, { dropLast: true, auxNegatives: false })].length, Math.floor(n / 100));
  assert.throws(() => [...ds.batches('train', 100, { shufle: true } as never)], /unknown option 'shufle'/);
  assert.throws(() => [...ds.batches('nope' as never, 100)], /unknown split 'nope'/);
});

test('itemCounts / catCounts count occurrences in the training rows (targets + capped histories)', async () => {
  const ds = await tiny(100);
  // Train rows: U1 ([1] -> 3), ([1] -> 5), ([1,3] -> 2), ([1,3] -> 5); U2 ([2] -> 4), ([2] -> neg).
  const neg = ds.splits.train.target[5];
  const expected = [0, 4, 3, 3, 1, 2];
  expected[neg]++;
  assert.deepEqual(Array.from(ds.itemCounts), expected);
  const cat0 = new Array(ds.sizes.cats[0]).fill(0);
  expected.forEach((n, i) => (cat0[ds.itemCats[0][i]] += n));
  assert.deepEqual(Array.from(ds.catCounts[0]), cat0);
  // maxLen 1 keeps only the latest history item: U1's [1,3] rows count 3, not 1.
  const capped = await tiny(1);
  assert.equal(capped.itemCounts[1], 2);
});

/**
 * MovieLens protocol on a hand-written file: ratings >= 4 positive; a sample per rating with at
 * least one earlier positive; history = earlier positives; ties in time keep file order.
 *
 *   user 1: 20 (t90, 3.0 neg), 10 (t100, 5.0 pos), 30 (t110, 4.0 pos)
 *   user 2: 20 (t5, 4.5 pos), 10 (t5, 2.0 neg; same time, later line), 30 (t7, 1.0 neg)
 * Movie ids sorted numerically: 10 -> 1, 20 -> 2, 30 -> 3. Positive sequences: u1 [1, 3], u2 [2].
 * Rows: u1 -> (target 3, label 1, history 1); u2 -> (1, 0, 1), (3, 0, 1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetStats, loadDataset } from '../../src/data';
import { writeFixture } from './helpers';
import { tmpDir } from '../helpers/tmpDir';

function movieLensDir(): string {
  const dir = tmpDir('ml');
  writeFixture(
    dir,
    'movies.csv',
    'movieId,title,genres\n10,"Comedy, The (1990)",Comedy|Drama\n20,Action Film ' +
      '(1991),Action\n30,Unknown (1992),(no genres listed)\n',
  );
  writeFixture(
    dir,
    'ratings.csv',
    'userId,movieId,rating,timestamp\n1,10,5.0,100\n1,20,3.0,90\n1,30,4.0,110\n2,20,4.5,5\n2,10,2.0,5\n2,30,1.0,7\n',
  );
  return dir;
}

test('MovieLens rows, histories, first genre and multi-label genres match the hand derivation', async () => {
  const ds = await loadDataset('movielens', { dataDir: movieLensDir(), testFraction: 0.5, validFraction: 0 });
  assert.deepEqual(ds.vocab.items, ['<pad>', '10', '20', '30']);
  assert.deepEqual(Array.from(ds.sequences.items), [1, 3, 2]);
  const rows: number[][] = [];
  for (const split of ['train', 'test'] as const) {
    const t = ds.splits[split];
    t.user.forEach((u, i) => rows.push([u, t.target[i], t.label[i], t.histLen[i]]));
  }
  rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  assert.deepEqual(rows, [
    [1, 3, 1, 1],
    [2, 1, 0, 1],
    [2, 3, 0, 1],
  ]);
  assert.equal(new Set(ds.splits.test.user).size, 1);
  assert.deepEqual(ds.vocab.cats[0], ['<pad>', '(no genres listed)', 'Action', 'Comedy', 'Drama']);
  assert.deepEqual(Array.from(ds.itemCats[0]), [0, 3, 2, 1]);
  const ml = ds.multiLabel!;
  assert.deepEqual(Array.from(ml.ids.subarray(ml.offsets[1], ml.offsets[2])), [3, 4]);
  // positiveRating moves the threshold: with 5, user 1's 30 (4.0) becomes a negative.
  const strict = await loadDataset('movielens', {
    dataDir: movieLensDir(),
    testFraction: 0.5,
    validFraction: 0,
    positiveRating: 5,
  });
  assert.deepEqual(Array.from(strict.sequences.items), [1]);
});

test('datasetStats gives the DIN Table 2 counts and onProgress reports the reading', async () => {
  const progress: [number, number, string][] = [];
  const s = await datasetStats('movielens', {
    dataDir: movieLensDir(),
    testFraction: 0.5,
    validFraction: 0,
    onProgress: (d, t, l) => progress.push([d, t, l]),
  });
  assert.deepEqual([s.users, s.items, s.categories, s.samples, s.trainRows + s.testRows], [2, 3, 4, 3, 3]);
  assert.equal(s.positiveShare, 1 / 3);
  const last = progress.filter((p) => p[2] === 'ratings').at(-1)!;
  assert.ok(last && last[0] === last[1] && last[1] > 0, JSON.stringify(progress));
});

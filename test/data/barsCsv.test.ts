/**
 * 'csv:<dir>', the BARS / FuxiCTR sample layout: hand-written files read back row for row
 * (histories truncated to the latest maxLen in the batches), gzip and the optional valid file,
 * file:line errors on bad rows, and the row counts of the shared peer files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { Batch, DataFormatError, loadDataset } from '../../src/data';
import { skipUnless, writeFixture } from './helpers';
import { tmpDir } from '../helpers/tmpDir';

const HEADER = 'label,user_id,item_id,cate_id,item_history,cate_history';
// user 7 clicks a(1) b(2) c(1) then is tested on d; user 9 clicks b(2) then is tested on e.
// Histories are the prefixes of each user's sequence, as the DIN protocol builds them.
const TRAIN = [
  HEADER,
  '1,7,b,2,a,1',
  '0,7,e,3,a,1',
  '1,7,c,1,a^b,1^2',
  '0,7,e,3,a^b,1^2',
  '1,9,a,1,b,2',
  '0,9,c,1,b,2',
].join('\n');
const TEST = [HEADER, '1,7,d,3,a^b^c,1^2^1', '0,7,a,1,a^b^c,1^2^1', '1,9,e,3,b,2', '0,9,d,3,b,2', ''].join('\n');

function csvDir(files: Record<string, string>): string {
  const dir = tmpDir('bars');
  for (const [name, text] of Object.entries(files)) writeFixture(dir, name, text);
  return dir;
}

/** Every row of a split as tokens: [label, user, item, history items] from the batches. */
async function rowsOf(dir: string, split: 'train' | 'valid' | 'test', maxLen: number): Promise<string[]> {
  const ds = await loadDataset(`csv:${dir}`, { maxLen, validFraction: 0 });
  const out: string[] = [];
  for (const b of ds.batches(split, 3, { shuffle: false, auxNegatives: false })) {
    for (let r = 0; r < b.size; r++) {
      const hist: string[] = [];
      for (let t = 0; t < b.histLen[r]; t++) hist.push(ds.vocab.items[b.histItems[r * maxLen + t]]);
      const cat = ds.vocab.cats[0][b.targetCats[0][r]];
      out.push(
        `${b.labels[r]},${ds.vocab.users[b.users[r]]},${ds.vocab.items[b.targetItems[r]]},${cat},${hist.join('^')}`,
      );
    }
  }
  return out;
}

test('csv:<dir> reads every row back: label, user, target, category, history oldest first', async () => {
  const dir = csvDir({ 'train.csv': TRAIN, 'test.csv.gz': TEST });
  assert.deepEqual(await rowsOf(dir, 'train', 10), [
    '1,7,b,2,a',
    '0,7,e,3,a',
    '1,7,c,1,a^b',
    '0,7,e,3,a^b',
    '1,9,a,1,b',
    '0,9,c,1,b',
  ]);
  assert.deepEqual(await rowsOf(dir, 'test', 10), ['1,7,d,3,a^b^c', '0,7,a,1,a^b^c', '1,9,e,3,b', '0,9,d,3,b']);
  // maxLen 2 keeps the latest two behaviours
  assert.deepEqual((await rowsOf(dir, 'test', 2)).slice(0, 2), ['1,7,d,3,b^c', '0,7,a,1,b^c']);
  const ds = await loadDataset(`csv:${dir}`, { maxLen: 10, validFraction: 0 });
  const s = ds.stats();
  assert.deepEqual([s.users, s.items, s.categories, s.fitRows, s.validRows, s.testRows], [2, 5, 3, 6, 0, 4]);
  assert.equal(ds.name, `csv:${path.basename(dir)}`);
  // the history categories come from cate_history (item a -> 1, b -> 2, c -> 1)
  const b = ds.batches('test', 4, { shuffle: false, auxNegatives: false }).next().value as Batch;
  assert.deepEqual(
    Array.from(b.histCats[0].subarray(0, 3)).map((c) => ds.vocab.cats[0][c]),
    ['1', '2', '1'],
  );
});

test('csv:<dir> reads valid.csv when present; validFraction > 0 without it is an error', async () => {
  const valid = [HEADER, '1,9,c,1,b^a,2^1', '0,9,e,3,b^a,2^1'].join('\n');
  const dir = csvDir({ 'train.csv.gz': TRAIN, 'valid.csv': valid, 'test.csv': TEST });
  assert.deepEqual(await rowsOf(dir, 'valid', 10), ['1,9,c,1,b^a', '0,9,e,3,b^a']);
  await assert.rejects(
    loadDataset(`csv:${csvDir({ 'train.csv': TRAIN, 'test.csv': TEST })}`, { validFraction: 0.1 }),
    /has no valid\.csv\[\.gz\]/,
  );
});

async function rejects(files: Record<string, string>, pattern: RegExp): Promise<void> {
  await assert.rejects(loadDataset(`csv:${csvDir(files)}`, { validFraction: 0 }), (err: Error) => {
    assert.ok(err instanceof DataFormatError, `${err.name}: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('bad rows: file:line and what was expected', async () => {
  const bad = (line: number, text: string) =>
    TRAIN.split('\n')
      .map((l, i) => (i === line - 1 ? text : l))
      .join('\n');
  await rejects(
    { 'train.csv': bad(3, '2,7,e,3,a,1'), 'test.csv': TEST },
    /train\.csv:3: label "2"; expected label 0 or 1/,
  );
  await rejects(
    { 'train.csv': bad(4, '1,7,c,1,a^b,1'), 'test.csv': TEST },
    /train\.csv:4: 2 items and 1 categories; expected item_history and cate_history of equal length/,
  );
  await rejects(
    { 'train.csv': bad(5, '0,7,e,4,a^b,1^2'), 'test.csv': TEST },
    /train\.csv:5: item e with category 4 in item_id\/cate_id; expected one category per item/,
  );
  await rejects(
    { 'train.csv': bad(5, '0,7,e,3,b^a,2^1'), 'test.csv': TEST },
    /train\.csv:5: position 1 holds item b where another row of the user has a; expected every history of user 7 to be a prefix/,
  );
  await rejects({ 'train.csv': bad(2, '1,7,b'), 'test.csv': TEST }, /train\.csv:2: 3 field\(s\); expected 6 fields/);
  await rejects(
    { 'train.csv': bad(1, 'label,user_id,item_id,cate_id,item_history'), 'test.csv': TEST },
    /train\.csv:1: missing column\(s\) cate_history/,
  );
  await rejects({ 'train.csv': TRAIN }, /test\.csv: file not found; expected test\.csv or test\.csv\.gz in /);
  await rejects(
    { 'train.csv': HEADER, 'test.csv': TEST },
    /train\.csv: no rows; expected at least one sample row after the header/,
  );
});

test('real data: the shared peer files hold 307,552 train and 44,726 test rows', async (t) => {
  const dir = path.resolve(__dirname, '../../../shared/data/amazon-beauty-din-csv');
  const skip = skipUnless(dir, ['train.csv.gz', 'test.csv.gz']);
  if (skip) return t.skip(skip);
  const ds = await loadDataset(`csv:${dir}`, { maxLen: 50, validFraction: 0 });
  const s = ds.stats();
  assert.deepEqual([s.fitRows, s.validRows, s.testRows], [307552, 0, 44726]);
  assert.equal(s.positiveShare, 0.5);
});

/**
 * Bad input: a malformed line, a missing required field, an unknown option, an empty file,
 * a truncated gzip -> an error naming the file, the line number and what was expected.
 * `skipBadLines` skips them and reports how many.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { DataFormatError, loadDataset } from '../../src/data';
import { AMAZON_TINY, writeFixture } from './helpers';
import { tmpDir } from '../helpers/tmpDir';

const META = fs.readFileSync(path.join(AMAZON_TINY, 'meta_Tiny.json'), 'utf8');
const REVIEWS = fs.readFileSync(path.join(AMAZON_TINY, 'reviews_Tiny_5.json'), 'utf8');

function amazonDir(reviews: string, meta = META, gzip = false): string {
  const dir = tmpDir('bad');
  writeFixture(dir, `reviews_Tiny_5.json${gzip ? '.gz' : ''}`, reviews);
  writeFixture(dir, `meta_Tiny.json${gzip ? '.gz' : ''}`, meta);
  return dir;
}

function replaceLine(text: string, lineNo: number, line: string): string {
  const lines = text.split('\n');
  lines[lineNo - 1] = line;
  return lines.join('\n');
}

async function rejectsWith(dir: string, pattern: RegExp, extra: Record<string, unknown> = {}): Promise<void> {
  await assert.rejects(loadDataset('amazon:Tiny', { dataDir: dir, ...extra }), (err: Error) => {
    assert.match(err.message, pattern);
    return true;
  });
}

test('malformed review line: file, line number and expected format', async () => {
  const dir = amazonDir(replaceLine(REVIEWS, 4, '{"reviewerID": "U3", "asin": "ITEM-E", '));
  await rejectsWith(
    dir,
    /reviews_Tiny_5\.json:4: malformed JSON .*expected one JSON object per line with reviewerID, asin, unixReviewTime/,
  );
});

test('malformed meta line (Python literal): file, line, column', async () => {
  const dir = amazonDir(REVIEWS, replaceLine(META, 2, "{'asin': 'ITEM-B', 'categories': [['Beauty', 'Skin', 'Face']]"));
  await rejectsWith(
    dir,
    /meta_Tiny\.json:2: malformed literal at column \d+: expected ',' or '}' in a dict.*expected one Python-literal dict per line/,
  );
});

test('missing required fields: reviewerID / unixReviewTime / categories', async () => {
  await rejectsWith(
    amazonDir(replaceLine(REVIEWS, 3, '{"asin": "ITEM-A", "unixReviewTime": 100}')),
    /reviews_Tiny_5\.json:3: missing field "reviewerID"; expected a non-empty string field "reviewerID"/,
  );
  await rejectsWith(
    amazonDir(replaceLine(REVIEWS, 5, '{"reviewerID": "U2", "asin": "ITEM-D"}')),
    /reviews_Tiny_5\.json:5: missing field "unixReviewTime"; expected a numeric field "unixReviewTime"/,
  );
  await rejectsWith(
    amazonDir(REVIEWS, replaceLine(META, 4, "{'asin': 'ITEM-C', 'title': 'no categories'}")),
    /meta_Tiny\.json:4: missing field 'categories'; expected a field 'categories'/,
  );
});

test('skipBadLines skips and reports the count instead of failing', async () => {
  const dir = amazonDir(replaceLine(replaceLine(REVIEWS, 2, 'not json'), 7, '{"asin": "x"}'));
  const warnings: string[] = [];
  const ds = await loadDataset('amazon:Tiny', {
    dataDir: dir,
    skipBadLines: true,
    validFraction: 0,
    onWarning: (m) => warnings.push(m),
  });
  assert.ok(
    warnings.some((w) => /skipped 2 bad line\(s\); first: .*:2:/.test(w)),
    warnings.join('\n'),
  );
  assert.equal(ds.sequences.items.length, 7);
});

test('unknown options and specs are errors listing what is accepted', async () => {
  await assert.rejects(
    loadDataset('synthetic:tiny', { sede: 1 } as never),
    /unknown option 'sede'; expected one of: seed, maxLen/,
  );
  await assert.rejects(
    loadDataset('amazon:Tiny', { dataDir: AMAZON_TINY, protocol: 'dmin' as never }),
    /option protocol="dmin" is invalid; expected 'din' or 'dien'/,
  );
  await assert.rejects(
    loadDataset('synthetic:tiny', { synthetic: { driftt: 0.1 } as never }),
    /synthetic: unknown option 'driftt'/,
  );
  await assert.rejects(loadDataset('synthetic:huge'), /unknown synthetic preset or size 'huge'/);
  await assert.rejects(loadDataset('amazon'), /expected 'amazon:<Category>'/);
  await assert.rejects(loadDataset('kaggle:x'), /unknown dataset spec 'kaggle:x'/);
  await assert.rejects(loadDataset('amazon:Tiny'), /needs the option dataDir/);
  await assert.rejects(
    loadDataset('amazon:Nope', { dataDir: AMAZON_TINY }),
    /neither reviews_Nope_5\.json\.gz nor reviews_Nope_5\.json in .*dil data amazon Nope/,
  );
});

test('empty files (plain, and gzip of nothing) name the file', async () => {
  await rejectsWith(amazonDir(''), /reviews_Tiny_5\.json: empty file; expected one JSON object per line/);
  await rejectsWith(
    amazonDir(REVIEWS, '', true),
    /meta_Tiny\.json\.gz: empty file \(no lines after decompression\); expected one Python-literal dict/,
  );
});

test('truncated gzip: the file, the line after the last complete one, and what to do', async () => {
  const dir = amazonDir(REVIEWS.repeat(200), META, true);
  const file = path.join(dir, 'reviews_Tiny_5.json.gz');
  const full = fs.readFileSync(file);
  fs.writeFileSync(file, full.subarray(0, full.length - 30));
  // How many lines survive the cut decides the line number in the message.
  let complete = 0;
  try {
    zlib
      .gunzipSync(full.subarray(0, full.length - 30), { finishFlush: zlib.constants.Z_SYNC_FLUSH })
      .toString()
      .split('\n')
      .slice(0, -1)
      .forEach(() => complete++);
  } catch {
    // not needed: finishFlush returns the partial output
  }
  await assert.rejects(loadDataset('amazon:Tiny', { dataDir: dir }), (err: Error) => {
    assert.ok(err instanceof DataFormatError);
    assert.match(
      err.message,
      /reviews_Tiny_5\.json\.gz:\d+: gzip error after line \d+ .*expected a complete gzip stream \(the file looks truncated or corrupt; download it again\)/,
    );
    assert.equal(err.line, complete + 1);
    return true;
  });
});

test('MovieLens and behaviour logs: missing columns and bad values name file and line', async () => {
  const dir = tmpDir('ml');
  writeFixture(
    dir,
    'movies.csv',
    'movieId,title,genres\n1,Toy Story (1995),Animation|Comedy\n2,"Heat, The (1995)",Action\n',
  );
  writeFixture(dir, 'ratings.csv', 'userId,movieId,rating,timestamp\n1,1,4.0,10\n1,2,oops,11\n');
  await assert.rejects(
    loadDataset('movielens', { dataDir: dir }),
    /ratings\.csv:3: bad rating "oops"; expected a numeric rating/,
  );
  writeFixture(dir, 'ratings.csv', 'userId,movieId,score,timestamp\n1,1,4.0,10\n');
  await assert.rejects(
    loadDataset('movielens', { dataDir: dir }),
    /ratings\.csv:1: missing column\(s\) rating .*expected a header with columns userId, movieId, rating, timestamp/,
  );
  writeFixture(dir, 'ratings.csv', 'userId,movieId,rating,timestamp\n1,1,4.0,10\n1,3,4.0,11\n');
  await assert.rejects(
    loadDataset('movielens', { dataDir: dir }),
    /ratings\.csv:3: unknown movieId 3; expected a movieId listed in/,
  );
  writeFixture(dir, 'log.csv', 'user,item,timestamp\na,x,1\nb,y\n');
  writeFixture(dir, 'items.csv', 'item,cat\nx,c1\ny,c2\n');
  await assert.rejects(
    loadDataset(`log:${path.join(dir, 'log.csv')}`, { itemTable: path.join(dir, 'items.csv') }),
    /log\.csv:3: only 2 field\(s\); expected a CSV\/TSV with a header and columns user, item, timestamp/,
  );
});

/**
 * Processed-dataset cache: keyed by source checksums + options, reused when both match,
 * rebuilt when either changes, written atomically, an unreadable cache is rebuilt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { deserializeDatasetParts, InMemoryDataset, loadDataset } from '../../src/data';
import { tinyAmazonDir } from './helpers';
import { tmpDir } from '../helpers/tmpDir';

test('cache: written once, reused, rebuilt when a source file or an option changes', async () => {
  const dataDir = tinyAmazonDir(true);
  const cacheDir = tmpDir('cache');
  const notes: string[] = [];
  const opts = { dataDir, cacheDir, onWarning: (m: string) => notes.push(m) };
  const first = await loadDataset('amazon:Tiny', opts);
  const files = fs.readdirSync(cacheDir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^amazon_Tiny-[0-9a-f]{16}\.dilds$/);
  assert.ok(files[0].includes(first.checksum));
  const second = await loadDataset('amazon:Tiny', opts);
  assert.ok(notes.some((n) => /loaded from cache/.test(n)));
  assert.deepEqual(second.toBytes(), first.toBytes());
  assert.equal(second.describe(), first.describe());
  // Another option -> another key and file.
  const dien = await loadDataset('amazon:Tiny', { ...opts, protocol: 'dien' });
  assert.notEqual(dien.checksum, first.checksum);
  assert.equal(fs.readdirSync(cacheDir).length, 2);
  // A changed source file -> another key, rebuilt from the new data.
  const meta = path.join(dataDir, 'meta_Tiny.json.gz');
  const zlib = await import('zlib');
  const text = zlib.gunzipSync(fs.readFileSync(meta)).toString().replace("'Eyes'", "'Brows'");
  fs.writeFileSync(meta, zlib.gzipSync(text));
  const changed = await loadDataset('amazon:Tiny', opts);
  assert.notEqual(changed.checksum, first.checksum);
  assert.ok(changed.vocab.cats[0].includes('Brows'));
  assert.equal(fs.readdirSync(cacheDir).filter((f) => f.includes('.tmp-')).length, 0);
});

test('cache: a truncated cache file is not trusted (rebuilt), and the byte form round-trips', async () => {
  const dataDir = tinyAmazonDir(false);
  const cacheDir = tmpDir('cache2');
  const ds = await loadDataset('amazon:Tiny', { dataDir, cacheDir });
  const file = path.join(cacheDir, fs.readdirSync(cacheDir)[0]);
  const fileBytes = fs.readFileSync(file);
  // the dataset's bytes, then their sha256
  const bytes = fileBytes.subarray(0, fileBytes.length - 32);
  assert.deepEqual(bytes, ds.toBytes());
  assert.deepEqual(fileBytes.subarray(bytes.length), crypto.createHash('sha256').update(bytes).digest());
  const round = new InMemoryDataset(deserializeDatasetParts(bytes));
  assert.deepEqual(round.toBytes(), bytes);
  assert.deepEqual([...round.batches('test', 4, { epoch: 2 })], [...ds.batches('test', 4, { epoch: 2 })]);
  assert.throws(
    () => deserializeDatasetParts(bytes.subarray(0, bytes.length - 16), file),
    /truncated dataset cache file/,
  );
  fs.writeFileSync(file, fileBytes.subarray(0, fileBytes.length - 16));
  const notes: string[] = [];
  const rebuilt = await loadDataset('amazon:Tiny', { dataDir, cacheDir, onWarning: (m) => notes.push(m) });
  assert.ok(!notes.some((n) => /loaded from cache/.test(n)));
  assert.ok(
    notes.some((n) => /is damaged .*; rebuilding it/.test(n)),
    notes.join('\n'),
  );
  assert.deepEqual(rebuilt.toBytes(), bytes);
  assert.deepEqual(fs.readFileSync(file), fileBytes);
});

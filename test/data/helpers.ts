/** Shared paths and small utilities for the data tests. */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { tmpDir } from '../helpers/tmpDir';

export const BEAUTY_DIR = path.resolve(__dirname, '../../../shared/data/amazon-beauty-5core');
export const MOVIELENS_DIR = path.resolve(__dirname, '../../../shared/data/movielens-latest-small');
export const FIXTURES = path.resolve(__dirname, '../../data/fixtures');
export const AMAZON_TINY = path.join(FIXTURES, 'amazon-tiny');

/** A skip reason (printed by the runner) when the real data is absent, else false. */
export function skipUnless(dir: string, files: string[]): string | false {
  const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length === 0) return false;
  const msg = `real data absent (${path.join(dir, missing[0])}): test skipped`;
  console.log(`# SKIP ${msg}`);
  return msg;
}

/** Writes `text` to dir/name, gzipped when name ends with .gz. */
export function writeFixture(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, name.endsWith('.gz') ? zlib.gzipSync(Buffer.from(text)) : text);
  return file;
}

/** Copies the tiny Amazon fixture into a fresh directory (optionally gzipped) and returns it. */
export function tinyAmazonDir(gzip: boolean): string {
  const dir = tmpDir('amazon');
  for (const base of ['reviews_Tiny_5.json', 'meta_Tiny.json']) {
    const text = fs.readFileSync(path.join(AMAZON_TINY, base), 'utf8');
    writeFixture(dir, gzip ? `${base}.gz` : base, text);
  }
  return dir;
}

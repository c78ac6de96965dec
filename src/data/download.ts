/**
 * Downloader of the Amazon 2014 dump files of one category (`dil data amazon <Category>`):
 * `reviews_<Category>_5.json.gz` and `meta_<Category>.json.gz` from the official URLs
 * (papers.md §0), a configurable base URL (option or DIL_AMAZON_BASE_URL), or a local
 * directory. Each file is written to `<name>.part`, its gzip stream is checked end to end,
 * and only then renamed: a half file never carries the final name.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import * as zlib from 'zlib';
import { pipeline } from 'stream/promises';
import type { ProgressCallback } from './types';

export const AMAZON_BASE_URL = 'http://snap.stanford.edu/data/amazon/productGraph/categoryFiles';

export interface DownloadAmazonOptions {
  /** Base URL holding the files; default DIL_AMAZON_BASE_URL or the official SNAP URL. */
  baseUrl?: string;
  /** Destination directory (created). Default 'data/raw'. */
  dataDir?: string;
  /** Copy from this local directory instead of downloading. */
  fromDir?: string;
  /** Re-download even when the file exists. Default false. */
  force?: boolean;
  onProgress?: ProgressCallback;
  /** Milliseconds without data before giving up. Default 60000. */
  timeoutMs?: number;
}

export interface DownloadResult {
  files: string[];
  /** Files that already existed and were kept. */
  skipped: string[];
}

export function amazonFileNames(category: string): string[] {
  if (!/^[A-Za-z0-9_&,-]+$/.test(category)) throw new Error(`downloadAmazon: bad category '${category}'; expected a name like Beauty, Electronics, Books`);
  return [`reviews_${category}_5.json.gz`, `meta_${category}.json.gz`];
}

/** Throws unless `file` is a complete gzip stream (decompresses it fully, discarding output). */
export async function verifyGzip(file: string): Promise<void> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  const n = fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  if (n < 2 || head[0] !== 0x1f || head[1] !== 0x8b) throw new Error(`${file}: not a gzip file (expected the bytes 1f 8b at the start)`);
  try {
    await pipeline(fs.createReadStream(file), zlib.createGunzip(), async function* (src) {
      for await (const _ of src) {
        // discard
      }
    });
  } catch (err) {
    throw new Error(`${file}: truncated or corrupt gzip stream (${(err as Error).message}); expected a complete gzip file`);
  }
}

function fetchToFile(url: string, dest: string, label: string, o: DownloadAmazonOptions, redirects = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= 5) return reject(new Error(`${url}: too many redirects`));
        const next = new URL(res.headers.location, url).toString();
        return fetchToFile(next, dest, label, o, redirects + 1).then(resolve, reject);
      }
      if (status !== 200) {
        res.resume();
        return reject(new Error(`${url}: HTTP ${status}; expected 200`));
      }
      const total = Number(res.headers['content-length'] ?? 0);
      let done = 0;
      res.on('data', (c: Buffer) => {
        done += c.length;
        o.onProgress?.(done, total, label);
      });
      // opened now, not lazily: a request error can reject (and the caller remove `dest`) before a
      // lazy open would have created the file, which then outlived the cleanup
      const out = fs.createWriteStream(dest, { fd: fs.openSync(dest, 'w') });
      pipeline(res, out).then(() => {
        if (total > 0 && done !== total) reject(new Error(`${url}: connection closed after ${done} of ${total} bytes`));
        else resolve();
      }, reject);
    });
    req.setTimeout(o.timeoutMs ?? 60000, () => req.destroy(new Error(`${url}: no data for ${(o.timeoutMs ?? 60000) / 1000} s`)));
    req.on('error', reject);
  });
}

/** Downloads (or copies) both files of a category; returns their final paths. */
export async function downloadAmazon(category: string, options: DownloadAmazonOptions = {}): Promise<DownloadResult> {
  const names = amazonFileNames(category);
  const dir = path.resolve(options.dataDir ?? path.join('data', 'raw'));
  fs.mkdirSync(dir, { recursive: true });
  const base = (options.baseUrl ?? process.env.DIL_AMAZON_BASE_URL ?? AMAZON_BASE_URL).replace(/\/+$/, '');
  const result: DownloadResult = { files: [], skipped: [] };
  for (const name of names) {
    const final = path.join(dir, name);
    if (fs.existsSync(final) && !options.force) {
      result.files.push(final);
      result.skipped.push(final);
      continue;
    }
    const part = `${final}.part`;
    fs.rmSync(part, { force: true });
    try {
      if (options.fromDir) {
        const src = path.join(options.fromDir, name);
        if (!fs.existsSync(src)) throw new Error(`downloadAmazon: ${src} not found; expected ${names.join(' and ')} in ${options.fromDir}`);
        const total = fs.statSync(src).size;
        fs.copyFileSync(src, part);
        options.onProgress?.(total, total, name);
      } else {
        await fetchToFile(`${base}/${name}`, part, name, options);
      }
      await verifyGzip(part);
      fs.renameSync(part, final);
    } catch (err) {
      fs.rmSync(part, { force: true });
      throw err;
    }
    result.files.push(final);
  }
  return result;
}

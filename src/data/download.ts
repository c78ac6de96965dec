/**
 * Downloader of the Amazon 2014 dump files of one category (`dil data amazon <Category>`):
 * `reviews_<Category>_5.json.gz` and `meta_<Category>.json.gz` from the official URLs
 * (docs/papers.md §0), a configurable base URL (option or DIL_AMAZON_BASE_URL), or a local
 * directory. Each file is written to `<name>.part`, its gzip stream is checked end to end,
 * its content must start like a dump file (a `{...}` record per line: an HTML error page that
 * a server sent gzipped is refused), its size must match a pinned size when one is known, and
 * only then it is renamed: a half or foreign file never carries the final name. Every network
 * error names the URL.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import * as zlib from 'zlib';
import { pipeline } from 'stream/promises';
import type { ProgressCallback } from './types';

export const AMAZON_BASE_URL = 'http://snap.stanford.edu/data/amazon/productGraph/categoryFiles';

/** What is known of an official dump file: its exact size in bytes and/or its sha256. */
export interface KnownDumpFile {
  bytes?: number;
  sha256?: string;
}

/**
 * Pinned sizes/checksums of the official dump files, by file name. Empty on purpose: no official
 * file has been measured against the official server for this kit (the shared Beauty files
 * are a re-packed copy, not the dump). Add `'reviews_<Cat>_5.json.gz': { bytes, sha256 }` only
 * from a file fetched from AMAZON_BASE_URL; until then the content check above is what guards.
 */
export const KNOWN_DUMP_FILES: Readonly<Record<string, KnownDumpFile>> = {};

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
  /** Pinned sizes/checksums by file name. Default KNOWN_DUMP_FILES. */
  knownFiles?: Readonly<Record<string, KnownDumpFile>>;
}

export interface DownloadResult {
  files: string[];
  /** Files that already existed and were kept. */
  skipped: string[];
}

export function amazonFileNames(category: string): string[] {
  if (!/^[A-Za-z0-9_&,-]+$/.test(category))
    throw new Error(`downloadAmazon: bad category '${category}'; expected a name like Beauty, Electronics, Books`);
  return [`reviews_${category}_5.json.gz`, `meta_${category}.json.gz`];
}

/** Throws unless `file` is a complete gzip stream (decompresses it fully, discarding output). */
export async function verifyGzip(file: string): Promise<void> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  const n = fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  if (n < 2 || head[0] !== 0x1f || head[1] !== 0x8b)
    throw new Error(`${file}: not a gzip file (expected the bytes 1f 8b at the start)`);
  try {
    // the last stage only drains the stream (pipeline accepts an async function as its sink)
    await pipeline(fs.createReadStream(file), zlib.createGunzip(), async (src: AsyncIterable<Buffer>) => {
      for await (const _ of src) {
        // discard
      }
    });
  } catch (err) {
    throw new Error(
      `${file}: truncated or corrupt gzip stream (${(err as Error).message}); expected a complete gzip file`,
      { cause: err },
    );
  }
}

/** The first decompressed bytes of a gzip file (at most `limit`). */
async function gunzipHead(file: string, limit = 4096): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const gunzip = zlib.createGunzip();
  const input = fs.createReadStream(file);
  try {
    for await (const chunk of input.pipe(gunzip)) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= limit) break;
    }
  } catch {
    // a truncated stream still yields its head; verifyGzip reports the damage
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/**
 * Throws unless the decompressed content of `file` starts like an Amazon dump file: its first
 * line a `{...}` record (JSON for reviews, a Python dict literal for meta). `origin` (the URL,
 * or "present") is named in the message.
 */
export async function verifyDumpContent(file: string, origin: string, name = path.basename(file)): Promise<void> {
  const head = await gunzipHead(file);
  const first = head.split('\n', 1)[0].trim();
  if (!first.startsWith('{')) {
    const shown = first.length > 60 ? `${first.slice(0, 60)}...` : first;
    const looksHtml = /^<(!doctype|html|head|body|\?xml)/i.test(first);
    throw new Error(
      `${name} from ${origin}: not an Amazon dump file (first line ` +
        `${JSON.stringify(shown)}${looksHtml ? ', an HTML page' : ''}); expected one ` +
        `{...} record per line`,
    );
  }
}

/** Throws when `file` does not have the pinned size/sha256 of `known` (nothing pinned: no check). */
export async function verifyPinned(
  file: string,
  known: KnownDumpFile | undefined,
  origin: string,
  name = path.basename(file),
): Promise<void> {
  if (!known) return;
  const size = fs.statSync(file).size;
  if (known.bytes !== undefined && size !== known.bytes) {
    throw new Error(`${name} from ${origin}: ${size} bytes; the official file has ${known.bytes} bytes`);
  }
  if (known.sha256 !== undefined) {
    const { fileSha256 } = await import('./checksum');
    const sum = await fileSha256(file);
    if (sum !== known.sha256)
      throw new Error(`${name} from ${origin}: sha256 ${sum}; the official file has ${known.sha256}`);
  }
}

/** `err` with the URL in front (unless it already names it). */
function withUrl(url: string, err: Error): Error {
  return err.message.includes(url) ? err : new Error(`${url}: ${err.message}`);
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
        void fetchToFile(next, dest, label, o, redirects + 1).then(resolve, reject);
        return;
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
      pipeline(res, out).then(
        () => {
          if (total > 0 && done !== total)
            reject(new Error(`${url}: connection closed after ${done} of ${total} bytes`));
          else resolve();
        },
        (err: Error) => reject(withUrl(url, err)),
      );
    });
    req.setTimeout(o.timeoutMs ?? 60000, () =>
      req.destroy(new Error(`${url}: no data for ${(o.timeoutMs ?? 60000) / 1000} s`)),
    );
    req.on('error', (err) => reject(withUrl(url, err)));
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
    const known = (options.knownFiles ?? KNOWN_DUMP_FILES)[name];
    if (fs.existsSync(final) && !options.force) {
      try {
        await verifyDumpContent(final, 'an earlier download');
        await verifyPinned(final, known, 'an earlier download');
      } catch (err) {
        throw new Error(
          `${(err as Error).message}; it is kept in ${dir}: pass --force (force: true) to download it again`,
          { cause: err },
        );
      }
      result.files.push(final);
      result.skipped.push(final);
      continue;
    }
    const part = `${final}.part`;
    fs.rmSync(part, { force: true });
    try {
      if (options.fromDir) {
        const src = path.join(options.fromDir, name);
        if (!fs.existsSync(src))
          throw new Error(`downloadAmazon: ${src} not found; expected ${names.join(' and ')} in ${options.fromDir}`);
        const total = fs.statSync(src).size;
        fs.copyFileSync(src, part);
        options.onProgress?.(total, total, name);
        await verifyGzip(part);
        await verifyDumpContent(part, src, name);
        await verifyPinned(part, known, src, name);
      } else {
        const url = `${base}/${name}`;
        await fetchToFile(url, part, name, options);
        try {
          await verifyGzip(part);
        } catch (err) {
          throw withUrl(url, err as Error);
        }
        await verifyDumpContent(part, url, name);
        await verifyPinned(part, known, url, name);
      }
      fs.renameSync(part, final);
    } catch (err) {
      fs.rmSync(part, { force: true });
      throw err;
    }
    result.files.push(final);
  }
  return result;
}

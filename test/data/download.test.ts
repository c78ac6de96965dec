/**
 * The Amazon downloader against a local HTTP server on 127.0.0.1 serving small fixture files:
 * complete files land under their final names; a truncated gzip, a connection cut short or an
 * HTTP error leave neither a final file nor a .part file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import * as zlib from 'zlib';
import { downloadAmazon, loadDataset } from '../../src/data';
import { AMAZON_TINY } from './helpers';
import { tmpDir } from '../helpers/tmpDir';

const reviewsGz = zlib.gzipSync(fs.readFileSync(path.join(AMAZON_TINY, 'reviews_Tiny_5.json')));
const metaGz = zlib.gzipSync(fs.readFileSync(path.join(AMAZON_TINY, 'meta_Tiny.json')));

type Mode = 'good' | 'truncated-gzip' | 'cut-connection' | 'missing';

async function withServer(mode: Mode, fn: (baseUrl: string, hits: string[]) => Promise<void>): Promise<void> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const name = path.basename(req.url ?? '');
    const body = name === 'reviews_Tiny_5.json.gz' ? reviewsGz : name === 'meta_Tiny.json.gz' ? metaGz : undefined;
    if (!body || mode === 'missing') {
      res.writeHead(404).end('not found');
      return;
    }
    if (mode === 'truncated-gzip') {
      const cut = body.subarray(0, body.length - 12);
      res.writeHead(200, { 'content-length': cut.length }).end(cut);
    } else if (mode === 'cut-connection') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 20), () => res.destroy());
    } else {
      res.writeHead(200, { 'content-length': body.length }).end(body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}/files/`, hits);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const listing = (dir: string) => fs.readdirSync(dir).sort();

test('downloads both files, checks gzip, renames .part, reports progress; the result loads', async () => {
  await withServer('good', async (baseUrl, hits) => {
    const dir = tmpDir('dl');
    const progress: [number, number, string][] = [];
    const res = await downloadAmazon('Tiny', {
      baseUrl,
      dataDir: dir,
      onProgress: (d, t, l) => progress.push([d, t, l]),
    });
    assert.deepEqual(listing(dir), ['meta_Tiny.json.gz', 'reviews_Tiny_5.json.gz']);
    assert.deepEqual(hits, ['/files/reviews_Tiny_5.json.gz', '/files/meta_Tiny.json.gz']);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'reviews_Tiny_5.json.gz')), reviewsGz);
    assert.deepEqual(
      res.files.map((f) => path.basename(f)),
      ['reviews_Tiny_5.json.gz', 'meta_Tiny.json.gz'],
    );
    const last = progress.filter((p) => p[2] === 'reviews_Tiny_5.json.gz').at(-1)!;
    assert.deepEqual(last, [reviewsGz.length, reviewsGz.length, 'reviews_Tiny_5.json.gz']);
    const ds = await loadDataset('amazon:Tiny', { dataDir: dir, validFraction: 0 });
    assert.equal(ds.splitSize('test'), 6);
    // A second call keeps existing files without a request; force re-downloads.
    const again = await downloadAmazon('Tiny', { baseUrl, dataDir: dir });
    assert.equal(again.skipped.length, 2);
    assert.equal(hits.length, 2);
    await downloadAmazon('Tiny', { baseUrl, dataDir: dir, force: true });
    assert.equal(hits.length, 4);
  });
});

test('the base URL can come from DIL_AMAZON_BASE_URL', async () => {
  await withServer('good', async (baseUrl, hits) => {
    const dir = tmpDir('dl-env');
    process.env.DIL_AMAZON_BASE_URL = baseUrl;
    try {
      await downloadAmazon('Tiny', { dataDir: dir });
    } finally {
      delete process.env.DIL_AMAZON_BASE_URL;
    }
    assert.equal(hits.length, 2);
    assert.deepEqual(listing(dir), ['meta_Tiny.json.gz', 'reviews_Tiny_5.json.gz']);
  });
});

test('a truncated gzip is rejected and leaves no file that looks complete', async () => {
  await withServer('truncated-gzip', async (baseUrl) => {
    const dir = tmpDir('dl-trunc');
    await assert.rejects(
      downloadAmazon('Tiny', { baseUrl, dataDir: dir }),
      /reviews_Tiny_5\.json\.gz\.part: truncated or corrupt gzip stream .*expected a complete gzip file/,
    );
    assert.deepEqual(listing(dir), []);
  });
});

test('a connection cut short is rejected and leaves nothing behind', async () => {
  await withServer('cut-connection', async (baseUrl) => {
    const dir = tmpDir('dl-cut');
    await assert.rejects(downloadAmazon('Tiny', { baseUrl, dataDir: dir }));
    assert.deepEqual(listing(dir), []);
  });
});

test('an HTTP error names the URL and status', async () => {
  await withServer('missing', async (baseUrl) => {
    const dir = tmpDir('dl-404');
    await assert.rejects(
      downloadAmazon('Tiny', { baseUrl, dataDir: dir }),
      /127\.0\.0\.1:\d+\/files\/reviews_Tiny_5\.json\.gz: HTTP 404; expected 200/,
    );
    assert.deepEqual(listing(dir), []);
  });
});

test('fromDir copies local files (checked like downloads)', async () => {
  const src = tmpDir('dl-src');
  fs.writeFileSync(path.join(src, 'reviews_Tiny_5.json.gz'), reviewsGz);
  fs.writeFileSync(path.join(src, 'meta_Tiny.json.gz'), metaGz);
  const dir = tmpDir('dl-from');
  await downloadAmazon('Tiny', { fromDir: src, dataDir: dir });
  assert.deepEqual(listing(dir), ['meta_Tiny.json.gz', 'reviews_Tiny_5.json.gz']);
  fs.writeFileSync(path.join(src, 'meta_Tiny.json.gz'), 'plain text, not gzip');
  const dir2 = tmpDir('dl-from2');
  await assert.rejects(downloadAmazon('Tiny', { fromDir: src, dataDir: dir2 }), /not a gzip file/);
  assert.deepEqual(listing(dir2), ['reviews_Tiny_5.json.gz']);
  await assert.rejects(downloadAmazon('../etc', { fromDir: src, dataDir: dir2 }), /bad category/);
});

test('pinned sizes: a file of another size is refused and not kept; the pinned size passes', async () => {
  await withServer('good', async (baseUrl) => {
    const dir = tmpDir('dl-pinned');
    const wrong = { 'reviews_Tiny_5.json.gz': { bytes: reviewsGz.length + 1 } };
    await assert.rejects(
      downloadAmazon('Tiny', { baseUrl, dataDir: dir, knownFiles: wrong }),
      new RegExp(
        `reviews_Tiny_5\\.json\\.gz from ${baseUrl}reviews_Tiny_5\\.json\\.gz: ` +
          `${reviewsGz.length} bytes; the official file has ${reviewsGz.length + 1} bytes`,
      ),
    );
    assert.deepEqual(listing(dir), []);
    const right = {
      'reviews_Tiny_5.json.gz': { bytes: reviewsGz.length },
      'meta_Tiny.json.gz': { sha256: crypto.createHash('sha256').update(metaGz).digest('hex') },
    };
    await downloadAmazon('Tiny', { baseUrl, dataDir: dir, knownFiles: right });
    assert.deepEqual(listing(dir), ['meta_Tiny.json.gz', 'reviews_Tiny_5.json.gz']);
    // a present file is held to the pin too
    await assert.rejects(
      downloadAmazon('Tiny', { baseUrl, dataDir: dir, knownFiles: wrong }),
      /from an earlier download: .* bytes; the official file has .*; it is kept in .*: pass --force/,
    );
  });
});

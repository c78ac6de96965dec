/**
 * Data-build benchmark (not a test): build time and peak memory of the Amazon Beauty 5-core
 * data under both protocols (one child process each, so peaks do not mix), plus one epoch of
 * batching, and a projection to Books 5-core (8,898,041 reviews, 603,668 users, 367,982 items;
 * docs/papers.md §0) by scaling with the number of reviews.
 *
 * Run: `node --import tsx bench/data-build.ts [--data-dir ../shared/data/amazon-beauty-5core]`
 * Writes results/bench/data-build.json (atomically) and prints a table.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadDataset } from '../src/data';
import { writeFileAtomic } from '../src/atomicWrite';
import { checkPositionals, runScriptMain } from '../src/bench/script';
import { CommandSpec, flagString } from '../src/cli/args';

const BEAUTY_REVIEWS = 198502;
const BOOKS = { reviews: 8898041, users: 603668, items: 367982 };
const MEMORY_LIMIT_MB = 1024;

const COMMAND: CommandSpec = {
  name: 'data-build',
  label: 'bench/data-build.ts',
  summary:
    'Build time and peak memory of the Amazon Beauty 5-core data under both ' +
    'protocols, one epoch of batching, and a projection to Books 5-core.',
  usage: 'node --import tsx bench/data-build.ts [--data-dir DIR]',
  flags: [
    {
      name: 'data-dir',
      type: 'string',
      description: 'folder of reviews_Beauty_5.json.gz',
      defaultText: '<repo>/../shared/data/amazon-beauty-5core',
    },
    {
      name: 'child',
      type: 'string',
      values: ['din', 'dien'],
      description: 'one protocol only, printed as one JSON line (what the script runs per protocol)',
    },
  ],
  examples: ['node --import tsx bench/data-build.ts --data-dir ../shared/data/amazon-beauty-5core'],
};

interface ChildResult {
  protocol: string;
  buildMs: number;
  batchMs: number;
  trainRows: number;
  testRows: number;
  baselineRssMb: number;
  peakRssMb: number;
  /** heapUsed + arrayBuffers after a forced GC, minus the same before the build: what the dataset keeps. */
  retainedMb: number;
  datasetBytesMb: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
function retainedBytes(): number {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function child(protocol: 'din' | 'dien', dataDir: string): Promise<void> {
  const baseRetained = retainedBytes();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const ds = await loadDataset('amazon:Beauty', { dataDir, protocol, validFraction: 0.1 });
  const buildMs = performance.now() - t0;
  const t1 = performance.now();
  let rows = 0;
  for (const b of ds.batches('train', 128, { epoch: 0 })) rows += b.size;
  const batchMs = performance.now() - t1;
  const bytes = ds.toBytes().length;
  if (ds.splitSize('test') === 0) throw new Error('empty test split');
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(timer);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const s = ds.stats();
  const result: ChildResult = {
    protocol,
    buildMs,
    batchMs,
    trainRows: s.trainRows,
    testRows: s.testRows,
    baselineRssMb: baseline / 2 ** 20,
    peakRssMb: Math.max(peak, maxRss) / 2 ** 20,
    retainedMb: (retainedBytes() - baseRetained) / 2 ** 20,
    datasetBytesMb: bytes / 2 ** 20,
  };
  if (rows !== s.fitRows) throw new Error(`batched ${rows} rows, expected ${s.fitRows}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function main(dataDirFlag: string | undefined): void {
  const dataDir = path.resolve(dataDirFlag ?? path.resolve(__dirname, '../../shared/data/amazon-beauty-5core'));
  if (!fs.existsSync(path.join(dataDir, 'reviews_Beauty_5.json.gz'))) {
    console.log(`data-build bench: ${dataDir}/reviews_Beauty_5.json.gz not found; pass --data-dir`);
    process.exit(1);
  }
  const results: ChildResult[] = [];
  for (const protocol of ['din', 'dien']) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', __filename, '--child', protocol, '--data-dir', dataDir],
      { encoding: 'utf8' },
    );
    results.push(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
  }
  const scale = BOOKS.reviews / BEAUTY_REVIEWS;
  const lines = [
    `Amazon Beauty 5-core (${BEAUTY_REVIEWS} reviews), ${new Date().toISOString()}, node ${process.version}`,
    'protocol | build s | batch epoch s (B=128) | train rows | test rows | peak RSS ' +
      'MB | retained MB | dataset bytes MB',
    ...results.map(
      (r) =>
        `${r.protocol} | ${(r.buildMs / 1000).toFixed(2)} | ` +
        `${(r.batchMs / 1000).toFixed(2)} | ${r.trainRows} | ${r.testRows} | ` +
        `${r.peakRssMb.toFixed(0)} | ${r.retainedMb.toFixed(0)} | ` +
        `${r.datasetBytesMb.toFixed(1)}`,
    ),
    `Books 5-core projection (x${scale.toFixed(1)} reviews, linear in reviews). ` +
      `Memory: retained structures scaled (lower bound)`,
    `to the whole RSS growth scaled (upper bound: it also scales per-line garbage the GC has not collected yet):`,
  ];
  const projections = results.map((r) => {
    const growth = r.peakRssMb - r.baselineRssMb;
    const p = {
      protocol: r.protocol,
      buildSeconds: (r.buildMs / 1000) * scale,
      batchEpochSeconds: (r.batchMs / 1000) * scale,
      peakRssMbUpper: r.baselineRssMb + growth * scale,
      retainedMbLower: r.baselineRssMb + r.retainedMb * scale,
      trainRows: r.protocol === 'din' ? 2 * (BOOKS.reviews - 2 * BOOKS.users) : 2 * Math.round(0.9 * BOOKS.users),
    };
    lines.push(
      `${p.protocol} | build ~${p.buildSeconds.toFixed(0)} s | batch epoch ` +
        `~${p.batchEpochSeconds.toFixed(0)} s | memory ` +
        `~${p.retainedMbLower.toFixed(0)}-${p.peakRssMbUpper.toFixed(0)} MB | protocol ` +
        `train rows ${p.trainRows}`,
    );
    return p;
  });
  const over = results.filter((r) => r.peakRssMb > MEMORY_LIMIT_MB);
  lines.push(
    over.length
      ? `OVER the ${MEMORY_LIMIT_MB} MB budget on Beauty: ${over.map((r) => r.protocol).join(', ')}`
      : `Beauty peak memory within the ${MEMORY_LIMIT_MB} MB budget.`,
  );
  console.log(lines.join('\n'));
  const file = path.resolve(__dirname, '../results/bench/data-build.json');
  writeFileAtomic(file, `${JSON.stringify({ beauty: results, booksProjection: projections }, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), file)}`);
}

runScriptMain(COMMAND, (args) => {
  checkPositionals(COMMAND, args, 0);
  const protocol = flagString(args, 'child') as 'din' | 'dien' | undefined;
  if (protocol) return child(protocol, path.resolve(flagString(args, 'data-dir') ?? ''));
  main(flagString(args, 'data-dir'));
});

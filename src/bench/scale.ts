/**
 * `npm run bench -- --scale`: data at the size of Amazon Electronics (src/bench/scaleData.ts)
 * and fractions of it. For each fraction, in a fresh child process (so that its peak memory is
 * its own): the DIN protocol and the dataset build (time, memory), the first batch of a
 * shuffled epoch and the batch building, then DIN training steps (bench config) on those
 * batches. The printed table gives the per-row costs; growing worse than linearly shows as a
 * per-row cost that rises with the size.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useBestBackend } from '../backend';
import { writeFileAtomic } from '../atomicWrite';
import {
  commandLabel,
  CommandSpec,
  flagAtLeast,
  flagBool,
  flagList,
  flagNumber,
  flagString,
  parseArgs,
  UsageError,
} from '../cli/args';
import type { Batch } from '../data/batch';
import { InMemoryDataset } from '../data/dataset';
import { deserializeDatasetParts, serializeDatasetParts } from '../data/datasetBytes';
import { dinProtocol } from '../data/protocols';
import { createModel } from '../models';
import { fastWasmKernelsInstalled, installFastWasmKernels } from '../ops';
import { createOptimizer } from '../train/optimizers';
import { trainStep } from '../train/step';
import { BENCH_OPTIMIZER, benchModelOverrides } from './shape';
import { summarize } from './stats';
import { AMAZON_ELECTRONICS, electronicsLikeLog } from './scaleData';

/** History length of the scale runs (the bench shape's). */
export const SCALE_MAX_LEN = 50;
export const SCALE_FRACTIONS: readonly number[] = [0.125, 0.25, 0.5, 1];

export interface ScalePoint {
  fraction: number;
  users: number;
  items: number;
  behaviours: number;
  trainRows: number;
  testRows: number;
  /** Generating the synthetic log (not the kit's work). */
  logMs: number;
  /** The kit's DIN protocol on the log. */
  protocolMs: number;
  /** InMemoryDataset construction. */
  datasetMs: number;
  /** Serialising the dataset for the processed-data cache, and loading it back (in memory, no disk). */
  cacheWriteMs: number;
  cacheLoadMs: number;
  cacheBytes: number;
  /** First batch of a shuffled epoch (includes shuffling the row order). */
  firstBatchMs: number;
  /** Median time to build one further batch of 128 (CPU time). */
  batchMs: number;
  /** DIN training steps on the dataset's batches: median samples/s. */
  trainSamplesPerSecond: number;
  trainSteps: number;
  /** The same by this process's CPU time per step (what a step costs with a core to itself). */
  trainCpuSamplesPerSecond: number;
  /** RSS before the log, after the dataset build, and the process's peak (bytes). */
  rssBaseBytes: number;
  rssBuiltBytes: number;
  peakRssBytes: number;
}

/** One fraction, in this process (the child's work). */
export async function measureScalePoint(
  fraction: number,
  options: { seed: number; warmup: number; steps: number },
): Promise<ScalePoint> {
  const backend = await useBestBackend({ quiet: true });
  if (backend.name === 'wasm' && !fastWasmKernelsInstalled()) installFastWasmKernels();
  const rssBaseBytes = process.memoryUsage().rss;
  // Stage times by this process's CPU time: the machine is shared, wall times wait for a core.
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  let t = cpu();
  const lap = () => {
    const now = cpu();
    const ms = now - t;
    t = now;
    return ms;
  };
  const log = electronicsLikeLog(fraction, options.seed);
  const logMs = lap();
  const splits = dinProtocol(log, {
    protocol: 'din',
    seed: options.seed,
    validFraction: 0,
    testFraction: 0,
    userSplit: 'exact',
    negatives: 'uniform',
    allowOwnHistoryNegatives: false,
  });
  const protocolMs = lap();
  const dataset = new InMemoryDataset({
    name: log.name,
    protocol: 'din',
    seed: options.seed,
    maxLen: SCALE_MAX_LEN,
    levelNames: log.levelNames,
    parentLevels: [false],
    vocab: { users: log.users, items: log.items, cats: log.cats },
    itemCats: log.itemCats,
    sequences: log.sequences,
    splits,
    checksum: 'scale',
    options: {},
    behaviours: log.sequences.items.length,
    auxNegatives: 'uniform',
    allowOwnHistoryNegatives: false,
  });
  const datasetMs = lap();
  const rssBuiltBytes = process.memoryUsage().rss;
  const bytes = serializeDatasetParts(dataset.parts);
  const cacheWriteMs = lap();
  deserializeDatasetParts(bytes);
  const cacheLoadMs = lap();
  const cacheBytes = bytes.length;
  const batches = dataset.batches('train', 128, { shuffle: true, epoch: 0, auxNegatives: false });
  const first = batches.next();
  const firstBatchMs = lap();
  if (first.done) throw new Error('measureScalePoint: the training split is empty');
  const need = options.warmup + options.steps;
  const kept: Batch[] = [first.value];
  const batchTimes: number[] = [];
  for (let i = 1; i < need; i++) {
    const t0 = cpu();
    const b = batches.next();
    batchTimes.push(cpu() - t0);
    if (b.done) break;
    kept.push(b.value);
  }
  const model = createModel('din', benchModelOverrides('din'), dataset.sizes, options.seed);
  const optimizer = createOptimizer({ ...BENCH_OPTIMIZER });
  const stepMs: number[] = [];
  const stepCpuMs: number[] = [];
  try {
    kept.forEach((b, i) => {
      const [t0, c0] = [performance.now(), cpu()];
      trainStep(model, b, optimizer);
      if (i >= options.warmup) {
        stepMs.push(performance.now() - t0);
        stepCpuMs.push(cpu() - c0);
      }
    });
  } finally {
    model.dispose();
  }
  if (stepMs.length === 0)
    throw new Error(`measureScalePoint: fewer than ${options.warmup + 1} training batches at fraction ${fraction}`);
  return {
    fraction,
    users: log.users.length - 1,
    items: log.items.length - 1,
    behaviours: log.sequences.items.length,
    trainRows: dataset.splitSize('train'),
    testRows: dataset.splitSize('test'),
    logMs,
    protocolMs,
    datasetMs,
    cacheWriteMs,
    cacheLoadMs,
    cacheBytes,
    firstBatchMs,
    batchMs: batchTimes.length > 0 ? summarize(batchTimes).median : 0,
    trainSamplesPerSecond: (128 * 1000) / summarize(stepMs).median,
    trainSteps: stepMs.length,
    trainCpuSamplesPerSecond: (128 * 1000) / summarize(stepCpuMs).median,
    rssBaseBytes,
    rssBuiltBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/**
 * Per-row costs of a point: per training row, the build time (protocol + dataset), the cache
 * load, the memory of the built data and the epoch start (shuffle + first batch); per sample,
 * building a batch and a DIN training step (by CPU time).
 */
export function perRow(p: ScalePoint): {
  buildUsPerRow: number;
  cacheLoadUsPerRow: number;
  bytesPerRow: number;
  epochStartUsPerRow: number;
  batchUsPerRow: number;
  trainUsPerRow: number;
} {
  return {
    buildUsPerRow: ((p.protocolMs + p.datasetMs) * 1000) / p.trainRows,
    cacheLoadUsPerRow: (p.cacheLoadMs * 1000) / p.trainRows,
    epochStartUsPerRow: (p.firstBatchMs * 1000) / p.trainRows,
    bytesPerRow: (p.rssBuiltBytes - p.rssBaseBytes) / p.trainRows,
    batchUsPerRow: (p.batchMs * 1000) / 128,
    trainUsPerRow: 1e6 / p.trainCpuSamplesPerSecond,
  };
}

/**
 * Growth of each per-row cost from the smallest to the largest fraction (largest / smallest):
 * about 1 when the cost grows linearly with the data, > 1 when worse. `worse` lists the costs
 * whose growth exceeds `tolerance` (noise allowance of timings on a shared machine).
 */
export function scaleGrowth(
  points: ScalePoint[],
  tolerance = 1.5,
): { growth: Record<string, number>; worse: string[] } {
  if (points.length < 2) throw new Error('scaleGrowth needs at least two sizes');
  const sorted = [...points].sort((a, b) => a.fraction - b.fraction);
  const lo = perRow(sorted[0]);
  const hi = perRow(sorted[sorted.length - 1]);
  const growth: Record<string, number> = {};
  for (const k of Object.keys(lo) as (keyof typeof lo)[])
    growth[k] = lo[k] > 0 ? hi[k] / lo[k] : hi[k] > 0 ? Infinity : 1;
  return { growth, worse: Object.keys(growth).filter((k) => growth[k] > tolerance) };
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

/** The printed table of the scale points. */
export function formatScaleTable(points: ScalePoint[]): string {
  const header = [
    'fraction',
    'users',
    'items',
    'behaviours',
    'train rows',
    'protocol s',
    'dataset s',
    'build us/row',
    'cache load s',
    'data bytes/row',
    'first batch ms',
    'batch ms',
    'DIN train/s (by CPU)',
    'RSS built MB',
    'peak RSS MB',
  ];
  const rows = points.map((p) => {
    const r = perRow(p);
    return [
      String(p.fraction),
      p.users.toLocaleString('en-US'),
      p.items.toLocaleString('en-US'),
      p.behaviours.toLocaleString('en-US'),
      p.trainRows.toLocaleString('en-US'),
      (p.protocolMs / 1000).toFixed(2),
      (p.datasetMs / 1000).toFixed(2),
      r.buildUsPerRow.toFixed(2),
      (p.cacheLoadMs / 1000).toFixed(2),
      r.bytesPerRow.toFixed(0),
      p.firstBatchMs.toFixed(0),
      p.batchMs.toFixed(2),
      `${Math.round(p.trainSamplesPerSecond).toLocaleString('en-US')} ` +
        `(${Math.round(p.trainCpuSamplesPerSecond).toLocaleString('en-US')})`,
      mb(p.rssBuiltBytes),
      mb(p.peakRssBytes),
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const out = [line(header), line(header.map(() => '---')), ...rows.map(line), ''];
  out.push(
    `Full size = Amazon Electronics 5-core ` +
      `(${AMAZON_ELECTRONICS.users.toLocaleString('en-US')} users, ` +
      `${AMAZON_ELECTRONICS.items.toLocaleString('en-US')} items, ` +
      `${AMAZON_ELECTRONICS.behaviours.toLocaleString('en-US')} behaviours), synthetic; ` +
      `DIN protocol, no validation split; history ${SCALE_MAX_LEN}; DIN in the bench ` +
      `config, batch 128; each size in a fresh process.`,
  );
  out.push(
    "Times by this process's CPU time (the machine is shared), except DIN train/s, " +
      'wall clock with CPU time in brackets. build us/row = (protocol + dataset) per ' +
      'training row; cache load = reading the serialised dataset back (in memory); data ' +
      'bytes/row = (RSS after the build - RSS before the log) per training row; first ' +
      "batch = shuffling an epoch's row order + one batch; batch = one more batch of 128.",
  );
  if (points.length >= 2) {
    const { growth, worse } = scaleGrowth(points);
    const g = Object.entries(growth)
      .map(([k, v]) => `${k} x${v.toFixed(2)}`)
      .join(', ');
    out.push(
      `Per-row cost, largest / smallest size: ${g}. ` +
        (worse.length === 0
          ? 'Nothing grows worse than linearly (every ratio <= 1.5).'
          : `Worse than linear (> 1.5): ${worse.join(', ')}.`),
    );
  }
  return out.join('\n');
}

/**
 * Runs every fraction in a child process (`<node> <execArgv> <command> --scale-child <f>`,
 * `command` being how this process was started, e.g. `bench/run.ts` or `bin/dil.js bench`) and
 * prints the table; writes `<resultsDir>/scale-<time>.json` unless `noWrite`.
 */
export function runScaleBench(options: Omit<ScaleCommandOptions, 'child'>): {
  points: ScalePoint[];
  table: string;
  file?: string;
} {
  const loadAverageAtStart = os.loadavg();
  const points: ScalePoint[] = [];
  for (const f of options.fractions) {
    if (options.verbose) console.log(`bench --scale: fraction ${f} in a child process ...`);
    const args = [
      ...process.execArgv,
      ...options.command,
      '--scale-child',
      String(f),
      '--seed',
      String(options.seed),
      '--warmup',
      String(options.warmup),
      '--steps',
      String(options.steps),
    ];
    const res = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      timeout: 1_800_000,
    });
    if (res.status !== 0)
      throw new Error(
        `runScaleBench: the child for fraction ${f} failed (${res.status}): ` +
          `${(res.stderr || res.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`,
      );
    const json = res.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop();
    if (!json) throw new Error(`runScaleBench: the child for fraction ${f} printed no JSON line`);
    const p = JSON.parse(json) as ScalePoint;
    points.push(p);
    if (options.verbose)
      console.log(
        `bench --scale: ${p.trainRows.toLocaleString('en-US')} training rows built in ` +
          `${((p.protocolMs + p.datasetMs) / 1000).toFixed(1)} s, DIN ` +
          `${Math.round(p.trainSamplesPerSecond)} samples/s, peak RSS ` +
          `${mb(p.peakRssBytes)} MB`,
      );
  }
  const table = formatScaleTable(points);
  let file: string | undefined;
  if (!options.noWrite) {
    fs.mkdirSync(options.resultsDir, { recursive: true });
    file = path.join(options.resultsDir, `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileAtomic(
      file,
      `${JSON.stringify({ createdAt: new Date().toISOString(), loadAverageAtStart, points }, null, 2)}\n`,
    );
  }
  return { points, table, file };
}

export const SCALE_COMMAND: CommandSpec = {
  name: 'bench --scale',
  summary:
    'Data at the size of Amazon Electronics and fractions of it: build time, memory ' +
    'and DIN training per size, each size in a fresh process.',
  usage: 'dil bench --scale [flags]   (or: npm run bench -- --scale [flags])',
  flags: [
    { name: 'scale', type: 'boolean', description: 'this benchmark' },
    {
      name: 'fractions',
      type: 'list',
      description: 'sizes as fractions of Amazon Electronics, each in (0, 1]',
      defaultText: SCALE_FRACTIONS.join(','),
    },
    { name: 'steps', type: 'int', description: 'timed DIN training steps per size', defaultText: '30' },
    { name: 'warmup', type: 'int', description: 'untimed steps first', defaultText: '5' },
    { name: 'seed', type: 'seed', description: 'data and weight seed', defaultText: '1' },
    { name: 'results', type: 'string', description: 'folder of the JSON record', defaultText: '<repo>/results/bench' },
    { name: 'no-write', type: 'boolean', description: 'do not write the JSON record' },
    { name: 'quiet', type: 'boolean', description: 'no progress lines' },
    {
      name: 'scale-child',
      type: 'number',
      description: 'one size only, printed as one JSON line (what --scale runs in each child process)',
    },
  ],
  examples: ['dil bench --scale --fractions 0.125,0.25 --steps 20', 'npm run bench -- --scale --no-write'],
};

export interface ScaleCommandOptions {
  fractions: number[];
  seed: number;
  warmup: number;
  steps: number;
  resultsDir: string;
  noWrite: boolean;
  verbose: boolean;
  /** How this process was started, without the bench flags (the children run the same). */
  command: string[];
  /** `--scale-child`: measure this fraction only. */
  child?: number;
}

/** Parses `--scale` flags; throws a UsageError naming the flag on bad input. */
export function parseScaleArgs(argv: string[], resultsDir: string): ScaleCommandOptions {
  const args = parseArgs(SCALE_COMMAND, argv);
  const label = commandLabel(SCALE_COMMAND);
  if (args.positionals.length > 0)
    throw new UsageError(`${label}: unexpected argument "${args.positionals[0]}"; see ${label} --help`);
  const fraction = (flag: string, raw: string | number): number => {
    const f = Number(raw);
    if (!(f > 0 && f <= 1)) throw new UsageError(`${label}: --${flag} expects fractions in (0, 1], got "${raw}"`);
    return f;
  };
  const fractions = flagList(args, 'fractions');
  if (fractions?.length === 0) throw new UsageError(`${label}: --fractions needs at least one fraction in (0, 1]`);
  const child = flagNumber(args, 'scale-child');
  const results = flagString(args, 'results');
  return {
    fractions: fractions ? fractions.map((f) => fraction('fractions', f)) : [...SCALE_FRACTIONS],
    seed: flagNumber(args, 'seed') ?? 1,
    warmup: flagAtLeast(SCALE_COMMAND, args, 'warmup', 0) ?? 5,
    steps: flagAtLeast(SCALE_COMMAND, args, 'steps', 1) ?? 30,
    resultsDir: results === undefined ? resultsDir : path.resolve(results),
    noWrite: flagBool(args, 'no-write'),
    verbose: !flagBool(args, 'quiet'),
    // argv is process.argv's tail
    command: process.argv.slice(1, process.argv.length - argv.length),
    child: child === undefined ? undefined : fraction('scale-child', child),
  };
}

/** `--scale` (all sizes, table) and `--scale-child <fraction>` (one size, one JSON line). */
export async function runScaleCommand(o: ScaleCommandOptions): Promise<number> {
  if (o.child !== undefined) {
    console.log(JSON.stringify(await measureScalePoint(o.child, o)));
    return 0;
  }
  const { table, file } = runScaleBench(o);
  console.log(`\n${table}`);
  if (file) console.log(`\nwrote ${file}`);
  return 0;
}

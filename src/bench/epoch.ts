/**
 * `npm run bench -- --epoch`: the wall time of one real-data training epoch of DIN, DIEN and
 * DMIN on Amazon Beauty (read in place from the shared data folder), beside the epoch times
 * of the independent PyTorch implementation in ../shared/reference/peer.md (FuxiCTR 2.3.10,
 * one process with 2 torch threads on a 2-core machine).
 *
 * Rows: the peer's own files (`csv:<dir>`, ../shared/data/amazon-beauty-din-csv: 307,552
 * training rows). Settings: the kit's 'fuxictr' run preset (src/experiments/runPresets.ts),
 * i.e. the peer's: history 50, batch 128, dense Adam 1e-3, clip 10, no auxiliary loss, its
 * model options. The epoch time counts batch building and training steps, not loading or
 * evaluation. `--max-steps N` times the first N steps only and extrapolates to the epoch
 * from the steps after the first EPOCH_WARMUP_STEPS (said so in the output).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
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
import { loadDataset } from '../data/load';
import { createModel } from '../models';
import { fastWasmKernelsInstalled, installFastWasmKernels } from '../ops';
import { createOptimizer } from '../train/optimizers';
import { trainStep } from '../train/step';
import { RUN_PRESETS, runPresetModelOptions } from '../experiments/runPresets';

/** Seconds per training epoch of the peer (peer.md: 2-core machine, 2 torch threads). */
export const PEER_EPOCH_SECONDS: Readonly<Record<string, number>> = Object.freeze({
  base: 11,
  din: 55,
  dien: 190,
  dmin: 485,
});

export type EpochModel = 'din' | 'dien' | 'dmin';
export const EPOCH_MODELS: readonly EpochModel[] = ['din', 'dien', 'dmin'];

export interface EpochResult {
  model: EpochModel;
  trainRows: number;
  stepsInEpoch: number;
  stepsTimed: number;
  /** Wall seconds of the timed steps (batch building + training). */
  timedSeconds: number;
  /** CPU seconds of this process over the timed steps. */
  timedCpuSeconds: number;
  /** The epoch's wall seconds: measured when every step ran, else extrapolated from the timed ones. */
  epochSeconds: number;
  epochCpuSeconds: number;
  extrapolated: boolean;
  peerEpochSeconds: number;
  /** peer seconds / ours (> 1: we are faster), by wall clock and by our CPU time (a core to ourselves). */
  speedup: number;
  speedupCpu: number;
  lossFirst: number;
  lossLast: number;
}

/** Steps at the start of an epoch whose time is kept as measured when extrapolating (heap growth, caches). */
export const EPOCH_WARMUP_STEPS = 10;

/**
 * Epoch seconds from the first `steps` of `total` steps: `warmupSeconds` for the first
 * min(EPOCH_WARMUP_STEPS, steps) steps, `seconds` for all of them; the steps after the
 * warm-up stand for the rest of the epoch. The measured time when every step ran.
 */
export function extrapolateEpoch(seconds: number, warmupSeconds: number, steps: number, total: number): number {
  if (!(steps >= 1 && total >= steps))
    throw new Error(`extrapolateEpoch: need 1 <= timed steps <= steps in the epoch, got ${steps} of ${total}`);
  if (steps === total) return seconds;
  const warm = Math.min(EPOCH_WARMUP_STEPS, steps);
  if (steps === warm) return (seconds * total) / steps;
  return warmupSeconds + ((seconds - warmupSeconds) * (total - warm)) / (steps - warm);
}

export const EPOCH_COMMAND: CommandSpec = {
  name: 'bench --epoch',
  summary:
    "One real-data training epoch of DIN, DIEN and DMIN on the peer's Amazon Beauty " +
    "rows, beside the peer's epoch times.",
  usage: 'dil bench --epoch [flags]   (or: npm run bench -- --epoch [flags])',
  flags: [
    { name: 'epoch', type: 'boolean', description: 'this benchmark' },
    { name: 'models', type: 'list', values: EPOCH_MODELS, description: 'models to time', defaultText: 'all three' },
    {
      name: 'data-dir',
      type: 'string',
      description: "the peer's BARS-layout CSV files",
      defaultText: '<repo>/../shared/data/amazon-beauty-din-csv',
    },
    {
      name: 'max-steps',
      type: 'int',
      description: 'time the first N steps of the epoch and extrapolate',
      defaultText: 'the whole epoch',
    },
    { name: 'seed', type: 'seed', description: 'data and weight seed', defaultText: '1234' },
    { name: 'results', type: 'string', description: 'folder of the JSON record', defaultText: '<repo>/results/bench' },
    { name: 'no-write', type: 'boolean', description: 'do not write the JSON record' },
  ],
  examples: ['dil bench --epoch --models din --max-steps 300', 'npm run bench -- --epoch --no-write'],
};

export interface EpochOptions {
  models: EpochModel[];
  dataDir: string;
  /** Steps timed; 0 = the whole epoch. */
  maxSteps: number;
  seed: number;
  resultsDir: string;
  noWrite: boolean;
}

/** Parses `--epoch` flags; throws a UsageError naming the flag on bad input. */
export function parseEpochArgs(argv: string[], repoRoot: string): EpochOptions {
  const args = parseArgs(EPOCH_COMMAND, argv);
  const label = commandLabel(EPOCH_COMMAND);
  if (args.positionals.length > 0)
    throw new UsageError(`${label}: unexpected argument "${args.positionals[0]}"; see ${label} --help`);
  const models = flagList(args, 'models');
  if (models?.length === 0) throw new UsageError(`${label}: --models needs at least one of ${EPOCH_MODELS.join(', ')}`);
  const dataDir = flagString(args, 'data-dir');
  const results = flagString(args, 'results');
  return {
    models: models ? (models as EpochModel[]) : [...EPOCH_MODELS],
    dataDir:
      dataDir === undefined
        ? path.resolve(repoRoot, '..', 'shared', 'data', 'amazon-beauty-din-csv')
        : path.resolve(dataDir),
    maxSteps: flagAtLeast(EPOCH_COMMAND, args, 'max-steps', 1) ?? 0,
    seed: flagNumber(args, 'seed') ?? 1234,
    resultsDir: results === undefined ? path.join(repoRoot, 'results', 'bench') : path.resolve(results),
    noWrite: flagBool(args, 'no-write'),
  };
}

/** Runs the epochs; prints a table; returns the exit code. */
export async function runEpochCommand(o: EpochOptions): Promise<number> {
  const backend = await useBestBackend({ quiet: true });
  if (backend.name === 'wasm' && !fastWasmKernelsInstalled()) installFastWasmKernels();
  const loadAverageAtStart = os.loadavg();
  const t0 = performance.now();
  const preset = RUN_PRESETS.fuxictr;
  const dataset = await loadDataset(`csv:${o.dataDir}`, { ...preset.data, seed: o.seed });
  const loadSeconds = (performance.now() - t0) / 1000;
  const trainRows = dataset.splitSize('train');
  const total = dataset.numBatches('train', 128);
  console.log(
    `bench --epoch: csv:${o.dataDir} loaded in ${loadSeconds.toFixed(1)} s: ` +
      `${trainRows.toLocaleString('en-US')} training rows, ${total} steps of 128`,
  );
  const results: EpochResult[] = [];
  for (const name of o.models) {
    const model = createModel(name, runPresetModelOptions('fuxictr', name), dataset.sizes, o.seed);
    const optimizer = createOptimizer({
      kind: preset.train.optimizer,
      learningRate: preset.train.learningRate,
      embeddingAdam: preset.train.embeddingAdam,
    });
    const cpu = () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1e6;
    };
    const limit = o.maxSteps > 0 ? Math.min(o.maxSteps, total) : total;
    let steps = 0;
    let lossFirst = NaN;
    let lossLast = NaN;
    const [w0, c0] = [performance.now(), cpu()];
    let [warmWall, warmCpu] = [0, 0];
    try {
      for (const batch of dataset.batches('train', 128, {
        shuffle: true,
        seed: o.seed,
        epoch: 0,
        auxNegatives: false,
      })) {
        const r = trainStep(model, batch, optimizer, { clipNorm: preset.train.clipNorm });
        if (steps === 0) lossFirst = r.loss;
        lossLast = r.loss;
        steps += 1;
        if (steps === EPOCH_WARMUP_STEPS) [warmWall, warmCpu] = [(performance.now() - w0) / 1000, cpu() - c0];
        if (steps % 500 === 0)
          console.log(
            `bench --epoch: ${name}: ${steps} / ${limit} steps, ${((performance.now() - w0) / 1000).toFixed(0)} s`,
          );
        if (steps >= limit) break;
      }
    } finally {
      model.dispose();
    }
    const timedSeconds = (performance.now() - w0) / 1000;
    const timedCpuSeconds = cpu() - c0;
    const epochSeconds = extrapolateEpoch(timedSeconds, warmWall, steps, total);
    const peer = PEER_EPOCH_SECONDS[name];
    const r: EpochResult = {
      model: name,
      trainRows,
      stepsInEpoch: total,
      stepsTimed: steps,
      timedSeconds,
      timedCpuSeconds,
      epochSeconds,
      epochCpuSeconds: extrapolateEpoch(timedCpuSeconds, warmCpu, steps, total),
      extrapolated: steps < total,
      peerEpochSeconds: peer,
      speedup: peer / epochSeconds,
      speedupCpu: peer / extrapolateEpoch(timedCpuSeconds, warmCpu, steps, total),
      lossFirst,
      lossLast,
    };
    results.push(r);
    console.log(
      `bench --epoch: ${name}: ${r.epochSeconds.toFixed(0)} s per epoch` +
        `${r.extrapolated ? ` (extrapolated from ${steps} steps)` : ''}; peer ${peer} s`,
    );
  }
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const header = [
    'model',
    'steps timed',
    'epoch s (wall)',
    'epoch s (CPU time)',
    'peer epoch s',
    'peer / ours (wall)',
    'peer / ours (CPU time)',
    'loss first -> last step',
  ];
  const out = [line(header), line(header.map(() => '---'))];
  for (const r of results) {
    out.push(
      line([
        r.model,
        `${r.stepsTimed} of ${r.stepsInEpoch}`,
        `${r.epochSeconds.toFixed(0)}${r.extrapolated ? ' (extrapolated)' : ''}`,
        r.epochCpuSeconds.toFixed(0),
        String(r.peerEpochSeconds),
        `${r.speedup.toFixed(2)}x`,
        `${r.speedupCpu.toFixed(2)}x`,
        `${r.lossFirst.toFixed(3)} -> ${r.lossLast.toFixed(3)}`,
      ]),
    );
  }
  out.push('');
  out.push(
    `One training epoch on the peer's Beauty rows ` +
      `(${trainRows.toLocaleString('en-US')}), the 'fuxictr' run preset (dense Adam ` +
      `1e-3, batch 128, history 50, clip 10, no auxiliary loss); ${backend.name} ` +
      `backend, 1 thread; peer: FuxiCTR 2.3.10, 2 torch threads, 2-core machine ` +
      `(../shared/reference/peer.md). Load average at start ` +
      `${loadAverageAtStart[0].toFixed(1)} on ${os.cpus().length} cores.`,
  );
  console.log(`\n${out.join('\n')}`);
  if (!o.noWrite) {
    fs.mkdirSync(o.resultsDir, { recursive: true });
    const file = path.join(o.resultsDir, `epoch-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileAtomic(
      file,
      JSON.stringify(
        { createdAt: new Date().toISOString(), loadAverageAtStart, loadSeconds, backend: backend.name, results },
        null,
        2,
      ) + '\n',
    );
    console.log(`\nwrote ${file}`);
  }
  return 0;
}

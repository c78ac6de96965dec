/**
 * The agreement benchmark: the kit's models trained with `--preset fuxictr` on the peer's own
 * rows (shared/data/amazon-beauty-din-csv), several seeds each, beside the FuxiCTR peer's test
 * metrics (shared/reference/peer.md): ours mean ± std, the peer's mean, the gap, and the
 * ordering of the models by each metric.
 *
 * Each finished run is a run record under `<results>/runs/agreement/fuxictr/`, so a rerun only
 * trains what is missing (a change of config changes the record's hash and trains again).
 *
 * Entry point: `node --import tsx bench/agreement.ts [flags]` (`--help`).
 */
import * as path from 'path';
import {
  commandLabel,
  CommandSpec,
  flagAtLeast,
  flagBool,
  flagList,
  flagString,
  formatHelp,
  parseArgs,
  UsageError,
} from '../cli/args';
import { executePlannedRun } from '../experiments/executeRun';
import { resolveRunConfig, runConfigHash } from '../experiments/runConfig';
import { applyRunPreset } from '../experiments/runPresets';
import { isRunRecorded, readRunRecord, RunKey, runRecordPath } from '../experiments/runRecord';
import type { PlannedRun } from '../experiments/spec';
import { mean, sampleStd } from '../metrics/describe';
import { repoRoot } from './runBench';

export interface AgreementModel {
  /** Variant name in run records and on the command line. */
  name: string;
  label: string;
  model: string;
  /** On top of the preset's options for `model`. */
  modelOptions: Record<string, unknown>;
  /** The peer's test metrics after epoch 2, one entry per seed it ran (peer.md). */
  peer: { seed: number; auc: number; gauc: number }[];
}

export const AGREEMENT_MODELS: readonly AgreementModel[] = [
  {
    name: 'base',
    label: 'BaseModel (sum pooling)',
    model: 'base',
    modelOptions: {},
    peer: [
      { seed: 2021, auc: 0.798, gauc: 0.776 },
      { seed: 2022, auc: 0.7968, gauc: 0.7732 },
    ],
  },
  {
    name: 'din-none',
    label: 'DIN, no softmax',
    model: 'din',
    modelOptions: { attention: { normalize: 'none' } },
    peer: [
      { seed: 2021, auc: 0.8055, gauc: 0.7829 },
      { seed: 2022, auc: 0.8074, gauc: 0.7854 },
    ],
  },
  {
    name: 'din-softmax',
    label: 'DIN, softmax',
    model: 'din',
    modelOptions: { attention: { normalize: 'softmax' } },
    peer: [
      { seed: 2021, auc: 0.8148, gauc: 0.7914 },
      { seed: 2022, auc: 0.8164, gauc: 0.7924 },
    ],
  },
  {
    name: 'dien-augru',
    label: 'DIEN (AUGRU, aux off)',
    model: 'dien',
    modelOptions: { evolution: 'AUGRU', auxWeight: 0 },
    peer: [
      { seed: 2021, auc: 0.8081, gauc: 0.786 },
      { seed: 2022, auc: 0.8019, gauc: 0.7785 },
    ],
  },
  {
    name: 'dmin',
    label: 'DMIN (4 heads, refiner, aux off)',
    model: 'dmin',
    modelOptions: { interestHeads: 4, refiner: true, auxWeight: 0 },
    peer: [{ seed: 2021, auc: 0.7891, gauc: 0.7672 }],
  },
];

export const AGREEMENT_PRESET = 'fuxictr';
export const AGREEMENT_DEFAULT_SEEDS = [2021, 2022, 2023];
/** The largest gap to the peer accepted in AUC and gAUC. */
export const AGREEMENT_TOLERANCE = 0.005;

export const AGREEMENT_COMMAND: CommandSpec = {
  name: 'agreement',
  label: 'bench/agreement.ts',
  summary:
    'Train the kit with --preset fuxictr on the FuxiCTR peer rows and compare with ' +
    'the peer (shared/reference/peer.md).',
  usage: 'node --import tsx bench/agreement.ts [flags]',
  flags: [
    {
      name: 'data',
      type: 'string',
      description: 'folder of the peer rows (train.csv.gz, test.csv.gz)',
      defaultText: '../shared/data/amazon-beauty-din-csv',
    },
    {
      name: 'models',
      type: 'list',
      values: AGREEMENT_MODELS.map((m) => m.name),
      description: 'models to run (comma-separated)',
      defaultText: 'all',
    },
    { name: 'seeds', type: 'int', description: 'number of seeds per model, from 2021 upwards', defaultText: '3' },
    {
      name: 'results',
      type: 'string',
      description: 'results folder (run records under runs/agreement/fuxictr)',
      defaultText: 'results',
    },
    { name: 'report-only', type: 'boolean', description: 'train nothing; tabulate the run records that exist' },
    {
      name: 'embedding-adam',
      type: 'string',
      values: ['lazy', 'dense'],
      description: "override the preset's embedding Adam (default: the preset's, dense)",
    },
  ],
  examples: [
    'node --import tsx bench/agreement.ts --models base,din-none,din-softmax --seeds 3',
    'node --import tsx bench/agreement.ts --report-only',
  ],
};

export interface AgreementOptions {
  dataDir: string;
  models: AgreementModel[];
  seeds: number[];
  resultsDir: string;
  reportOnly: boolean;
  train: Record<string, unknown>;
}

export function parseAgreementArgs(argv: string[], root: string = repoRoot()): AgreementOptions | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const args = parseArgs(AGREEMENT_COMMAND, argv);
  if (args.positionals.length)
    throw new UsageError(`${commandLabel(AGREEMENT_COMMAND)}: unexpected argument "${args.positionals[0]}"`);
  const names = flagList(args, 'models');
  const seedCount = flagAtLeast(AGREEMENT_COMMAND, args, 'seeds', 1) ?? AGREEMENT_DEFAULT_SEEDS.length;
  const embeddingAdam = flagString(args, 'embedding-adam');
  return {
    dataDir: path.resolve(flagString(args, 'data') ?? path.join(root, '..', 'shared', 'data', 'amazon-beauty-din-csv')),
    models: names ? AGREEMENT_MODELS.filter((m) => names.includes(m.name)) : [...AGREEMENT_MODELS],
    seeds: Array.from({ length: seedCount }, (_, i) => 2021 + i),
    resultsDir: path.resolve(flagString(args, 'results') ?? path.join(root, 'results')),
    reportOnly: flagBool(args, 'report-only'),
    train: embeddingAdam ? { embeddingAdam } : {},
  };
}

/** The planned run of one model and seed (the preset's settings, then the model's options). */
export function agreementRun(
  m: AgreementModel,
  seed: number,
  dataDir: string,
  train: Record<string, unknown> = {},
): PlannedRun {
  const config = resolveRunConfig(
    applyRunPreset(AGREEMENT_PRESET, {
      model: m.model,
      modelOptions: m.modelOptions,
      dataset: `csv:${dataDir}`,
      train,
      seed,
    }),
  );
  const variant = Object.keys(train).length ? `${m.name}+${Object.values(train).join('+')}` : m.name;
  const key: RunKey = {
    paper: 'agreement',
    experiment: AGREEMENT_PRESET,
    variant,
    seed,
    configHash: runConfigHash(config),
  };
  return { key, label: m.label, config };
}

export interface AgreementRow {
  name: string;
  label: string;
  seeds: number[];
  auc: number[];
  gauc: number[];
  peerAuc: number;
  peerGauc: number;
}

/** One row per model: our per-seed metrics beside the peer's means. */
export function agreementRow(m: AgreementModel, ours: { seed: number; auc: number; gauc: number }[]): AgreementRow {
  return {
    name: m.name,
    label: m.label,
    seeds: ours.map((o) => o.seed),
    auc: ours.map((o) => o.auc),
    gauc: ours.map((o) => o.gauc),
    peerAuc: mean(m.peer.map((p) => p.auc)),
    peerGauc: mean(m.peer.map((p) => p.gauc)),
  };
}

/** Names ordered by a metric, best first. */
export function ordering(rows: { name: string; value: number }[]): string[] {
  return rows
    .filter((r) => Number.isFinite(r.value))
    .sort((a, b) => b.value - a.value)
    .map((r) => r.name);
}

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '—');
const signed = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}` : '—');

/** The markdown table, the ordering lines and whether every gap is within the tolerance. */
export function formatAgreement(rows: AgreementRow[]): string {
  const lines = [
    '| model | seeds | ours AUC (mean ± std) | peer AUC | gap | ours gAUC (mean ± std) | peer gAUC | gap |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const a = mean(r.auc);
    const g = mean(r.gauc);
    lines.push(
      `| ${r.label} | ${r.seeds.join(', ') || 'none'} | ${f4(a)} ± ` +
        `${f4(sampleStd(r.auc))} | ${f4(r.peerAuc)} | ${signed(a - r.peerAuc)} | ${f4(g)} ` +
        `± ${f4(sampleStd(r.gauc))} | ${f4(r.peerGauc)} | ${signed(g - r.peerGauc)} |`,
    );
  }
  const done = rows.filter((r) => r.auc.length > 0);
  lines.push('');
  for (const metric of done.length ? (['auc', 'gauc'] as const) : []) {
    const ours = ordering(done.map((r) => ({ name: r.name, value: mean(r[metric]) })));
    const peer = ordering(done.map((r) => ({ name: r.name, value: metric === 'auc' ? r.peerAuc : r.peerGauc })));
    const same = ours.join() === peer.join();
    lines.push(
      `ordering by ${metric === 'auc' ? 'AUC' : 'gAUC'}: ours ${ours.join(' > ')}; ` +
        `peer ${peer.join(' > ')} (${same ? 'same' : 'DIFFERENT'})`,
    );
  }
  const within = done.every(
    (r) =>
      Math.abs(mean(r.auc) - r.peerAuc) <= AGREEMENT_TOLERANCE &&
      Math.abs(mean(r.gauc) - r.peerGauc) <= AGREEMENT_TOLERANCE,
  );
  lines.push(`every gap within ${AGREEMENT_TOLERANCE}: ${done.length === 0 ? 'no runs yet' : within ? 'yes' : 'NO'}`);
  return lines.join('\n');
}

/** Trains what is missing (unless reportOnly), then prints the table. */
export async function runAgreement(
  options: AgreementOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<string> {
  const rows: AgreementRow[] = [];
  for (const m of options.models) {
    const ours: { seed: number; auc: number; gauc: number }[] = [];
    for (const seed of options.seeds) {
      const run = agreementRun(m, seed, options.dataDir, options.train);
      const file = runRecordPath(options.resultsDir, run.key);
      if (!isRunRecorded(options.resultsDir, run.key)) {
        if (options.reportOnly) continue;
        log(`training ${m.label}, seed ${seed} -> ${file}`);
        await executePlannedRun(run, options.resultsDir);
      }
      const record = readRunRecord(file);
      ours.push({ seed, auc: record.best.test.auc, gauc: record.best.test.gauc });
      log(`${m.label}, seed ${seed}: test AUC ${f4(record.best.test.auc)}, gAUC ${f4(record.best.test.gauc)}`);
    }
    rows.push(agreementRow(m, ours));
  }
  return formatAgreement(rows);
}

export async function runAgreementCommand(argv: string[]): Promise<number> {
  const options = parseAgreementArgs(argv);
  if (options === 'help') {
    process.stdout.write(`${formatHelp(AGREEMENT_COMMAND)}\n`);
    return 0;
  }
  process.stdout.write(`${await runAgreement(options)}\n`);
  return 0;
}

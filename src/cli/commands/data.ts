/** `dil data amazon|stats`: builds (and caches) a dataset and prints its statistics. */
import { loadDataset } from '../../data';
import { ProgressBar } from '../../progress';
import { CommandSpec, flagBool, flagString, formatHelp, parseArgs, UsageError } from '../args';
import type { CliCommand, CliIo } from '../io';
import { DATA_FLAGS, dataOptionsFromFlags } from './dataFlags';
import { applyProgressFlag } from './train';

export const DATA_COMMAND: CommandSpec = {
  name: 'data',
  summary: 'Build a dataset from raw files (cached) and print its statistics (DIN Table 2 style).',
  usage: 'dil data <amazon|stats> [flags]',
  flags: [
    { name: 'category', type: 'string', description: "Amazon category for 'dil data amazon' (e.g. Beauty, Electronics, Books)" },
    ...DATA_FLAGS,
    { name: 'seed', type: 'int', description: 'seed of negatives and splits', defaultText: '1234' },
    { name: 'progress', type: 'string', values: ['auto', 'off', 'log'], description: 'progress bars', defaultText: 'auto' },
    { name: 'json', type: 'boolean', description: 'print the statistics as one JSON object last' },
  ],
  examples: [
    'dil data amazon --category Beauty --data-dir ../shared/data/amazon-beauty-5core --protocol dien --cache-dir .cache',
    'dil data stats --dataset synthetic:hier:small --json',
  ],
  details: [
    'amazon: reads reviews_<Category>_5.json(.gz) and meta_<Category>.json(.gz) from --data-dir (download them from',
    'http://snap.stanford.edu/data/amazon/productGraph/categoryFiles/; see data/README.md).',
  ],
};

const SUBCOMMANDS = ['amazon', 'stats'];

async function runData(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(DATA_COMMAND, argv);
  const sub = args.positionals[0];
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    throw new UsageError(`dil data: expected a subcommand, one of: ${SUBCOMMANDS.join(', ')}${sub ? ` (got "${sub}")` : ''}`);
  }
  applyProgressFlag(args);
  let spec: string;
  if (sub === 'amazon') {
    const category = flagString(args, 'category');
    if (!category) throw new UsageError('dil data amazon: --category is required (e.g. Beauty, Electronics, Books)');
    if (!flagString(args, 'data-dir')) throw new UsageError('dil data amazon: --data-dir is required (folder with the reviews and meta files)');
    spec = `amazon:${category}`;
  } else {
    const dataset = flagString(args, 'dataset');
    if (!dataset) throw new UsageError('dil data stats: --dataset is required, e.g. --dataset synthetic:default:tiny');
    spec = dataset;
  }
  const bars = new Map<string, ProgressBar>();
  const seed = args.flags.seed as number | undefined;
  const dataset = await loadDataset(spec, {
    ...dataOptionsFromFlags(args),
    ...(seed !== undefined ? { seed } : {}),
    onProgress: (done, total, label) => {
      let bar = bars.get(label);
      if (!bar) bars.set(label, (bar = new ProgressBar({ label, total, unit: 'units' })));
      bar.update(done);
      if (done >= total) bar.finish();
    },
    onWarning: (message) => io.err(`warning: ${message}`),
  });
  for (const bar of bars.values()) bar.finish();
  io.err(dataset.describe());
  if (flagBool(args, 'json')) io.out(JSON.stringify(dataset.stats()));
  return 0;
}

export const dataCommand: CliCommand = {
  name: 'data',
  summary: DATA_COMMAND.summary,
  run: (argv, io) => (argv.includes('--help') || argv.includes('-h') ? Promise.resolve((io.out(formatHelp(DATA_COMMAND)), 0)) : runData(argv, io)),
};

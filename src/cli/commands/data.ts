/**
 * `dil data amazon <Category>`: downloads the category's two 2014 dump files (unless present),
 * builds the dataset and prints its statistics. `dil data stats`: statistics of any dataset spec.
 */
import { downloadAmazon, loadDataset } from '../../data';
import { ProgressBar } from '../../progress';
import { CommandSpec, didYouMean, flagBool, flagString, formatHelp, parseArgs, UsageError } from '../args';
import type { CliCommand, CliIo } from '../io';
import { DATA_FLAGS, checkDataFlags, dataOptionsFromFlags } from './dataFlags';
import { applyProgressFlag, PROGRESS_FLAG } from './progressFlag';

export const DATA_COMMAND: CommandSpec = {
  name: 'data',
  summary: 'Build a dataset from raw files (cached) and print its statistics (DIN Table 2 style).',
  usage: 'dil data amazon <Category> [flags] | dil data stats --dataset <spec> [flags]',
  flags: [
    {
      name: 'category',
      type: 'string',
      description:
        "Amazon category for 'dil data amazon' (e.g. Beauty, Electronics, Books); or give it as the argument",
    },
    {
      name: 'base-url',
      type: 'string',
      description: 'where to download the Amazon files from',
      defaultText: 'DIL_AMAZON_BASE_URL or the official URL',
    },
    {
      name: 'from-dir',
      type: 'string',
      description: 'copy the Amazon files from this local folder instead of downloading',
    },
    { name: 'force', type: 'boolean', description: 'download again even when the files are present' },
    ...DATA_FLAGS,
    { name: 'seed', type: 'seed', description: 'seed of negatives and splits', defaultText: '1234' },
    PROGRESS_FLAG,
    { name: 'json', type: 'boolean', description: 'print the statistics as one JSON object last' },
  ],
  examples: [
    'dil data amazon Electronics --data-dir data/raw --protocol din --json',
    'dil data amazon --category Beauty --data-dir ../shared/data/amazon-beauty-5core ' +
      '--protocol dien --cache-dir .cache',
    'dil data stats --dataset synthetic:hier:small --json',
  ],
  details: [
    'amazon: fetches reviews_<Category>_5.json.gz and meta_<Category>.json.gz into ' +
      '--data-dir (default data/raw) unless',
    'they are there (written as .part, gzip-checked, then renamed), then builds the dataset; see data/README.md.',
  ],
};

const SUBCOMMANDS = ['amazon', 'stats'];

async function runData(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(DATA_COMMAND, argv);
  const sub = args.positionals[0];
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    throw new UsageError(
      `dil data: expected a subcommand, one of: ${SUBCOMMANDS.join(', ')}` +
        (sub ? ` (got "${sub}"${didYouMean(sub, SUBCOMMANDS)})` : ''),
    );
  }
  checkDataFlags(`dil data ${sub}`, sub === 'stats' ? flagString(args, 'dataset') : undefined, args);
  applyProgressFlag(args);
  let spec: string;
  let amazonDataDir: string | undefined;
  const amazonPresent: string[] = [];
  if (sub === 'amazon') {
    const category = flagString(args, 'category') ?? args.positionals[1];
    if (!category) throw new UsageError('dil data amazon: the category is required (e.g. dil data amazon Beauty)');
    const dataDir = flagString(args, 'data-dir') ?? 'data/raw';
    amazonDataDir = dataDir;
    const downloadBars = new Map<string, ProgressBar>();
    const fetched = await downloadAmazon(category, {
      dataDir,
      baseUrl: flagString(args, 'base-url'),
      fromDir: flagString(args, 'from-dir'),
      force: flagBool(args, 'force'),
      onProgress: (done, total, label) => {
        let bar = downloadBars.get(label);
        if (!bar) downloadBars.set(label, (bar = new ProgressBar({ label, total, unit: 'bytes' })));
        bar.update(done);
      },
    });
    for (const bar of downloadBars.values()) bar.finish();
    for (const file of fetched.files) io.err(`${fetched.skipped.includes(file) ? 'present' : 'fetched'}: ${file}`);
    amazonPresent.push(...fetched.skipped);
    spec = `amazon:${category}`;
  } else {
    const dataset = flagString(args, 'dataset');
    if (!dataset) throw new UsageError('dil data stats: --dataset is required, e.g. --dataset synthetic:default:tiny');
    spec = dataset;
  }
  const bars = new Map<string, ProgressBar>();
  const seed = args.flags.seed as number | undefined;
  // a stage's first report comes after its first chunk: its bar starts when the previous stage
  // reported last, so the rate is not that chunk over a few microseconds
  let lastReportMs = performance.now();
  let dataset: Awaited<ReturnType<typeof loadDataset>>;
  try {
    dataset = await loadDataset(spec, {
      ...dataOptionsFromFlags(args),
      ...(amazonDataDir !== undefined ? { dataDir: amazonDataDir } : {}),
      ...(seed !== undefined ? { seed } : {}),
      onProgress: (done, total, label) => {
        let bar = bars.get(label);
        if (!bar) {
          const startMs = lastReportMs;
          let first = true;
          const now = () => (first ? ((first = false), startMs) : performance.now());
          // file stages report bytes read; the protocol stage reports steps
          bars.set(
            label,
            (bar = new ProgressBar({ label, total, unit: label.startsWith('protocol') ? 'steps' : 'bytes', now })),
          );
        }
        bar.update(done);
        if (done >= total) bar.finish();
        lastReportMs = performance.now();
      },
      onWarning: (message) => io.err(`warning: ${message}`),
    });
  } catch (err) {
    // a file kept from an earlier download may be what fails to parse: say how to fetch it again
    if (amazonPresent.length > 0) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(
        `${message}\n(${amazonPresent.join(' and ')} ` +
          `${amazonPresent.length > 1 ? 'were' : 'was'} already present and not downloaded ` +
          `again; \`dil data amazon ${spec.slice('amazon:'.length)} --force\` downloads ` +
          `${amazonPresent.length > 1 ? 'them' : 'it'} again)`,
        { cause: err },
      );
    }
    throw err;
  }
  for (const bar of bars.values()) bar.finish();
  // the statistics are the command's result: stdout (with --json, the JSON object comes last)
  io.out(dataset.describe());
  if (flagBool(args, 'json')) io.out(JSON.stringify(dataset.stats()));
  return 0;
}

export const dataCommand: CliCommand = {
  name: 'data',
  summary: DATA_COMMAND.summary,
  run: (argv, io) =>
    argv.includes('--help') || argv.includes('-h')
      ? Promise.resolve((io.out(formatHelp(DATA_COMMAND)), 0))
      : runData(argv, io),
};

/** `dil reproduce`: executes the paper notebooks headless (REPORT's notebook executor). */
import * as path from 'path';
import { executeNotebooks, listNotebooks, NOTEBOOK_PROFILES, NotebookProfile } from '../../report/executeNotebooks';
import { CommandSpec, flagBool, flagList, flagNumber, flagString, formatHelp, parseArgs, UsageError } from '../args';
import type { CliCommand, CliIo } from '../io';

export const REPRODUCE_COMMAND: CommandSpec = {
  name: 'reproduce',
  summary: 'Execute the notebooks (00-data, 01-din, 02-dien, 03-dmin, 04-dhan) with Jupyter; figures and tables land in the results folder.',
  usage: 'dil reproduce [flags]',
  flags: [
    { name: 'profile', type: 'string', values: NOTEBOOK_PROFILES, description: 'size of the runs inside the notebooks', defaultText: 'default' },
    { name: 'notebooks', type: 'list', description: 'only notebooks whose file name starts with one of these (e.g. 01,02)' },
    { name: 'dataset', type: 'string', description: 'dataset spec passed to the notebooks (DIL_DATASET)' },
    { name: 'data-dir', type: 'string', description: 'raw data folder (DIL_DATA_DIR)' },
    { name: 'seeds', type: 'int', description: 'seeds per variant (DIL_SEEDS)' },
    { name: 'jobs', type: 'int', description: 'parallel runs (DIL_JOBS)' },
    { name: 'results', type: 'string', description: 'results folder', defaultText: 'results' },
    { name: 'in-place', type: 'boolean', description: 'overwrite the notebooks with their executed versions' },
    { name: 'keep-going', type: 'boolean', description: 'run the remaining notebooks after a failure' },
    { name: 'timeout', type: 'int', description: 'seconds per notebook', defaultText: '3600' },
  ],
  examples: ['dil reproduce --profile smoke', 'dil reproduce --notebooks 02 --dataset amazon:Beauty --data-dir ../shared/data/amazon-beauty-5core --seeds 3'],
};

async function runReproduce(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(REPRODUCE_COMMAND, argv);
  if (args.positionals.length > 0) throw new UsageError(`dil reproduce: unexpected argument "${args.positionals[0]}"`);
  let notebooks = listNotebooks();
  const only = flagList(args, 'notebooks');
  if (only) {
    notebooks = notebooks.filter((n) => only.some((prefix) => path.basename(n).startsWith(prefix)));
    if (notebooks.length === 0) throw new UsageError(`dil reproduce: no notebook matches --notebooks ${only.join(',')}; available: ${listNotebooks().map((n) => path.basename(n)).join(', ')}`);
  }
  const runs = await executeNotebooks({
    notebooks,
    inPlace: flagBool(args, 'in-place'),
    parameters: {
      profile: (flagString(args, 'profile') ?? 'default') as NotebookProfile,
      dataset: flagString(args, 'dataset'),
      dataDir: flagString(args, 'data-dir') ? path.resolve(flagString(args, 'data-dir')!) : undefined,
      seeds: flagNumber(args, 'seeds'),
      jobs: flagNumber(args, 'jobs'),
      resultsDir: path.resolve(flagString(args, 'results') ?? 'results'),
    },
    timeoutSeconds: flagNumber(args, 'timeout'),
    keepGoing: flagBool(args, 'keep-going'),
    onProgress: (line) => io.err(line),
  });
  const failed = runs.filter((r) => !r.ok);
  for (const f of failed) io.err(`${path.basename(f.notebook)} failed:\n${f.error ?? ''}`);
  return failed.length > 0 ? 1 : 0;
}

export const reproduceCommand: CliCommand = {
  name: 'reproduce',
  summary: REPRODUCE_COMMAND.summary,
  run: (argv, io) => (argv.includes('--help') || argv.includes('-h') ? Promise.resolve((io.out(formatHelp(REPRODUCE_COMMAND)), 0)) : runReproduce(argv, io)),
};

/**
 * `dil reproduce`: runs the sweeps of the selected paper notebooks in the terminal (progress
 * bar, both cores, resumable), then executes the notebooks headless; the notebooks plan the
 * same runs and find them recorded, so they only summarise, draw and write.
 */
import * as path from 'path';
import { runAblation } from '../../experiments/ablation';
import { PAPER_NAMES, PaperName } from '../../experiments/spec';
import { gitCommit, KIT_ROOT } from '../../experiments/provenance';
import { loadRunRecords } from '../../experiments/runRecord';
import {
  executeNotebooks,
  listNotebooks,
  NotebookParameters,
  notebookEnvironment,
} from '../../report/executeNotebooks';
import { PROFILE_NAMES, ProfileName } from '../../experiments/spec';
import { notebookAblationOptions, notebookSettings } from '../../report/notebookSession';
import {
  machineDescription,
  referenceRunDirProblem,
  ReferenceRunProvenance,
  writeReferenceRun,
} from '../../report/referenceRun';
import { CommandSpec, flagBool, flagList, flagNumber, flagString, formatHelp, parseArgs, UsageError } from '../args';
import type { CliCommand, CliIo } from '../io';
import { shellQuote } from './ablate';
import { applyProgressFlag } from './progressFlag';

export const REPRODUCE_COMMAND: CommandSpec = {
  name: 'reproduce',
  summary:
    "Run each paper's ablation sweeps, then execute the notebooks (00-data, 01-din, " +
    '02-dien, 03-dmin, 04-dhan) with Jupyter; figures and tables land in the ' +
    'results folder.',
  usage: 'dil reproduce [flags]',
  flags: [
    {
      name: 'profile',
      type: 'string',
      values: PROFILE_NAMES,
      description: 'size of the runs inside the notebooks',
      defaultText: 'default',
    },
    {
      name: 'notebooks',
      type: 'list',
      description: 'only notebooks whose file name starts with one of these (e.g. 01,02)',
    },
    { name: 'dataset', type: 'string', description: 'dataset spec passed to the notebooks (DIL_DATASET)' },
    { name: 'data-dir', type: 'string', description: 'raw data folder (DIL_DATA_DIR)' },
    { name: 'seeds', type: 'int', description: 'seeds per variant (DIL_SEEDS)' },
    { name: 'jobs', type: 'int', description: 'parallel runs (DIL_JOBS)' },
    { name: 'results', type: 'string', description: 'results folder', defaultText: 'results' },
    { name: 'in-place', type: 'boolean', description: 'overwrite the notebooks with their executed versions' },
    { name: 'keep-going', type: 'boolean', description: 'run the remaining notebooks after a failure' },
    { name: 'timeout', type: 'int', description: 'seconds per notebook (after its sweeps ran)', defaultText: '3600' },
    {
      name: 'progress',
      type: 'string',
      values: ['auto', 'off', 'log'],
      description: 'progress bars of the sweeps',
      defaultText: 'auto',
    },
    {
      name: 'reference-run',
      type: 'string',
      description:
        'also write light copies of the executed notebooks (PNG figures, under 2 MB ' +
        'each) with a README of provenance to this folder',
    },
    {
      name: 'sweeps-first',
      type: 'boolean',
      description:
        "run each paper's sweeps in the terminal before its notebook (--sweeps-first=false: inside the notebook)",
      defaultText: 'true',
    },
  ],
  examples: [
    'dil reproduce --profile smoke',
    'dil reproduce --notebooks 02 --dataset amazon:Beauty --data-dir ../shared/data/amazon-beauty-5core --seeds 3',
    'dil reproduce --dataset amazon:Beauty --data-dir ' +
      '../shared/data/amazon-beauty-5core --reference-run docs/reference-run',
  ],
  details: [
    "Each paper notebook's sweeps (every experiment of the paper, all variants x seeds) run first, in the terminal,",
    'with a progress bar and `--jobs` workers; an interrupted run resumes from its run records.',
    '`--reference-run DIR` writes what a reader sees without running anything: each executed notebook with one PNG per',
    'figure (no interactive plotly.js), every figure as a PNG file, and a README.md ' +
      'with date, commit, machine, backend,',
    'dataset and this command. It needs all notebooks (no --notebooks, no --keep-going failures).',
  ],
};

/** The paper a notebook reruns, from its file name (`01-din.ipynb` -> din); undefined for 00-data. */
export function notebookPaper(notebook: string): PaperName | undefined {
  const match = /^\d+-([a-z]+)/.exec(path.basename(notebook));
  return match && (PAPER_NAMES as readonly string[]).includes(match[1]) ? (match[1] as PaperName) : undefined;
}

/**
 * Runs every experiment of `paper` exactly as its notebook will plan them (the notebook's own
 * settings, read from the environment the notebook gets). Returns the number of failed runs.
 */
async function runNotebookSweeps(paper: PaperName, parameters: NotebookParameters, io: CliIo): Promise<number> {
  const settings = notebookSettings({ ...process.env, ...notebookEnvironment(parameters) });
  const options = notebookAblationOptions(undefined, settings);
  io.err(
    `dil reproduce: ${paper} sweeps (profile ${settings.profile}, ${settings.jobs} ` +
      `job(s), records in ${path.join(settings.resultsDir, 'runs')})`,
  );
  const result = await runAblation(paper, { ...options, log: (line) => io.err(line) });
  for (const f of result.failures)
    io.err(`  ${f.run.key.experiment}/${f.run.key.variant} seed ${f.run.key.seed} failed: ${f.error}`);
  return result.failures.length;
}

async function runReproduce(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(REPRODUCE_COMMAND, argv);
  if (args.positionals.length > 0) throw new UsageError(`dil reproduce: unexpected argument "${args.positionals[0]}"`);
  // the kit's own notebooks, wherever the command is run from (npm link, a global install)
  const notebookDir = path.join(KIT_ROOT, 'notebooks');
  let notebooks = listNotebooks(notebookDir);
  const only = flagList(args, 'notebooks');
  if (only) {
    notebooks = notebooks.filter((n) => only.some((prefix) => path.basename(n).startsWith(prefix)));
    if (notebooks.length === 0)
      throw new UsageError(
        `dil reproduce: no notebook matches --notebooks ${only.join(',')}; available: ${listNotebooks(notebookDir)
          .map((n) => path.basename(n))
          .join(', ')}`,
      );
  }
  const parameters: NotebookParameters = {
    profile: (flagString(args, 'profile') ?? 'default') as ProfileName,
    dataset: flagString(args, 'dataset'),
    dataDir: flagString(args, 'data-dir') ? path.resolve(flagString(args, 'data-dir')!) : undefined,
    seeds: flagNumber(args, 'seeds'),
    jobs: flagNumber(args, 'jobs'),
    resultsDir: path.resolve(flagString(args, 'results') ?? 'results'),
  };
  const keepGoing = flagBool(args, 'keep-going');
  const referenceRun = flagString(args, 'reference-run');
  if (referenceRun !== undefined) {
    // checked before hours of sweeps, not after
    const problem = referenceRunDirProblem(path.resolve(referenceRun));
    if (problem) throw new UsageError(`dil reproduce: --reference-run ${problem}`);
    if (only) throw new UsageError('dil reproduce: --reference-run needs every notebook; drop --notebooks');
  }
  applyProgressFlag(args);
  if (flagBool(args, 'sweeps-first', true)) {
    for (const paper of notebooks.map(notebookPaper).filter((p): p is PaperName => p !== undefined)) {
      const failedRuns = await runNotebookSweeps(paper, parameters, io);
      if (failedRuns > 0 && !keepGoing) {
        io.err(
          `dil reproduce: ${failedRuns} ${paper} run(s) failed; fix them or pass ` +
            `--keep-going (their notebook would retry them)`,
        );
        return 1;
      }
    }
  }
  const runs = await executeNotebooks({
    notebooks,
    inPlace: flagBool(args, 'in-place'),
    parameters,
    timeoutSeconds: flagNumber(args, 'timeout'),
    keepGoing,
    onProgress: (line) => io.err(line),
  });
  const failed = runs.filter((r) => !r.ok);
  for (const f of failed) io.err(`${path.basename(f.notebook)} failed:\n${f.error ?? ''}`);
  if (failed.length > 0) return 1;
  if (referenceRun !== undefined) {
    const written = writeReferenceRun({
      notebooks: runs.map((r) => r.output!),
      outDir: referenceRun,
      provenance: referenceRunProvenance(argv, parameters, flagString(args, 'data-dir')),
    });
    io.err(
      `dil reproduce: reference run written to ${path.dirname(written.readme)} ` +
        `(${written.notebooks.length} notebooks, ${written.figures.length} figures)`,
    );
  }
  return 0;
}

/** Counts of each value, most frequent first: `wasm (310), cpu (2)`. */
function tally(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => `${v} (${n})`)
    .join(', ');
}

/**
 * Provenance of a finished reproduce run; backend, datasets and commits also as the results folder's run records say.
 */
export function referenceRunProvenance(
  argv: string[],
  parameters: NotebookParameters,
  dataDir: string | undefined,
): ReferenceRunProvenance {
  const { records } = loadRunRecords(parameters.resultsDir!);
  const recorded =
    records.length === 0 ? 'no run records' : `run records: ${tally(records.map((r) => r.config.dataset))}`;
  const commit = gitCommit();
  // resumed sweeps reuse records made at earlier commits: say so
  const otherCommits = records.some((r) => r.gitCommit !== commit);
  return {
    date: new Date().toISOString(),
    commit: otherCommits ? `${commit} (run records: ${tally(records.map((r) => r.gitCommit))})` : commit,
    machine: machineDescription(),
    backend: records.length === 0 ? 'no run records' : `${tally(records.map((r) => r.backend))} run records`,
    dataset: `${parameters.dataset ?? "each experiment's preset"}${dataDir ? ` from ${dataDir}` : ''} (${recorded})`,
    command: ['dil', 'reproduce', ...argv].map(shellQuote).join(' '),
  };
}

export const reproduceCommand: CliCommand = {
  name: 'reproduce',
  summary: REPRODUCE_COMMAND.summary,
  run: (argv, io) =>
    argv.includes('--help') || argv.includes('-h')
      ? Promise.resolve((io.out(formatHelp(REPRODUCE_COMMAND)), 0))
      : runReproduce(argv, io),
};

/** `dil ablate <paper>`: runs (or resumes) a paper's ablation sweep and prints its summary tables. */
import * as path from 'path';
import { paperExperiments } from '../../experiments/papers';
import { ablationSpecs, AblationOptions, runAblation } from '../../experiments/ablation';
import { defaultJobs } from '../../experiments/runner';
import {
  ExperimentSpec,
  PAPER_NAMES,
  PaperName,
  planExperiment,
  PlannedRun,
  PROFILE_NAMES,
  ProfileName,
} from '../../experiments/spec';
import { formatSummaryText, VariantSummary } from '../../experiments/summary';
import type { TrainConfig } from '../../train/trainConfig';
import {
  CommandSpec,
  didYouMean,
  flagBool,
  flagList,
  flagNumber,
  flagString,
  formatHelp,
  parseArgs,
  ParsedArgs,
  UsageError,
} from '../args';
import type { CliCommand, CliIo } from '../io';
import { checkOutputFolder } from '../outputPaths';
import { DATA_FLAGS, PATH_FLAGS, checkDataFlags, dataOptionsFromFlags } from './dataFlags';
import { checkModelOptions } from './modelOptions';
import { addOptionEntries } from './optionFlags';
import { applyProgressFlag, PROGRESS_FLAG } from './progressFlag';

export const ABLATE_COMMAND: CommandSpec = {
  name: 'ablate',
  summary:
    "Run a paper's ablations (variants x seeds), resumable; print mean ± std, " +
    'p-values (paired t-test vs the base) and RelaImpr.',
  usage: 'dil ablate <din|dien|dmin|dhan> [flags]',
  flags: [
    {
      name: 'profile',
      type: 'string',
      values: PROFILE_NAMES,
      description: 'smoke (CI), default (synthetic, all ablations), full (paper data and settings)',
      defaultText: 'default',
    },
    { name: 'experiment', type: 'list', description: 'only these experiments of the paper (e.g. table4)' },
    { name: 'variants', type: 'list', description: 'only these variants (names as in --list)' },
    ...DATA_FLAGS.map((f) => (f.name === 'cache-dir' ? { ...f, defaultText: '<results>/cache for real data' } : f)),
    { name: 'seeds', type: 'int', description: 'number of seeds (1..K)' },
    { name: 'seed', type: 'seed', description: 'run only this seed (what --emit-jobs uses)' },
    { name: 'epochs', type: 'int', description: 'epochs per run' },
    { name: 'max-steps', type: 'int', description: 'stop each epoch after this many steps' },
    {
      name: 'aux-weight',
      type: 'number',
      description: "auxiliary-loss weight alpha of every variant (a variant's own setting wins)",
    },
    {
      name: 'option',
      type: 'string',
      repeatable: true,
      description:
        "model option of every variant as key=value, nested keys with dots (a variant's own setting wins); repeatable",
    },
    {
      name: 'select-on',
      type: 'string',
      values: ['valid', 'test'],
      description: "split that picks the best epoch ('test' = official repos, flagged)",
      defaultText: 'valid',
    },
    {
      name: 'jobs',
      type: 'int',
      description: 'parallel worker processes (each its own backend)',
      defaultText: 'number of cores',
    },
    {
      name: 'results',
      type: 'string',
      description: 'results folder (records under <results>/runs)',
      defaultText: 'results',
    },
    {
      name: 'emit-jobs',
      type: 'boolean',
      description: 'print one self-contained command per (variant, seed) run and exit',
    },
    { name: 'list', type: 'boolean', description: 'list experiments and variants and exit' },
    PROGRESS_FLAG,
    {
      name: 'json',
      type: 'boolean',
      description: 'print one JSON summary last (variants[{variant, meanAuc, stdAuc, runs, pValue}], skippedRuns)',
    },
  ],
  examples: [
    'dil ablate dien --profile smoke',
    'dil ablate dien --dataset amazon:Beauty --data-dir ../shared/data/amazon-beauty-5core --seeds 3',
    'dil ablate din --experiment table3 --seeds 5 --jobs 2 --results results/',
    'dil ablate dmin --emit-jobs --seeds 3 | parallel -j 8     # or one Slurm array task per line',
  ],
  details: [
    'Each finished run is one JSON record under <results>/runs/<paper>/<experiment>/; rerunning skips recorded runs,',
    'so a killed sweep resumes where it stopped. `dil report <results>` merges ' +
      'records written by any number of machines.',
  ],
};

/** `value` as one shell word (quoted only when it needs it). */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** Ablation options of the command line. */
export function ablationOptionsFromArgs(args: ParsedArgs): AblationOptions {
  const train: Partial<TrainConfig> = {};
  const selectOn = flagString(args, 'select-on');
  if (selectOn) train.selectOn = selectOn as TrainConfig['selectOn'];
  const maxSteps = flagNumber(args, 'max-steps');
  if (maxSteps !== undefined) train.maxStepsPerEpoch = maxSteps;
  const aux = flagNumber(args, 'aux-weight');
  if (aux !== undefined) train.auxWeight = aux;
  const optionEntries = flagList(args, 'option');
  const seeds = flagNumber(args, 'seeds');
  if (seeds !== undefined && seeds < 1) throw new UsageError(`dil ablate: --seeds ${seeds}; expected an integer >= 1`);
  const seed = flagNumber(args, 'seed');
  return {
    profile: (flagString(args, 'profile') ?? 'default') as ProfileName,
    experiments: flagList(args, 'experiment'),
    variants: flagList(args, 'variants'),
    dataset: flagString(args, 'dataset'),
    data: dataOptionsFromFlags(args),
    seeds,
    seedList: seed !== undefined ? [seed] : undefined,
    epochs: flagNumber(args, 'epochs'),
    train,
    modelOptions: optionEntries ? addOptionEntries({}, optionEntries, 'dil ablate: --option') : undefined,
  };
}

/** Experiments of the command line, with every override applied. */
export function experimentsFromArgs(
  paper: PaperName,
  args: ParsedArgs,
): { profile: ProfileName; specs: ExperimentSpec[]; notes: string[] } {
  const options = ablationOptionsFromArgs(args);
  checkSelection(paper, options.profile!, args);
  let result: { specs: ExperimentSpec[]; notes: string[] };
  try {
    result = ablationSpecs(paper, options);
  } catch (err) {
    throw new UsageError(`dil ablate: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (options.modelOptions) checkSweepModelOptions(result.specs, options.modelOptions);
  return { profile: options.profile!, ...result };
}

/** --experiment and --variants name things of the paper: unknown names list what exists (nearest first). */
function checkSelection(paper: PaperName, profile: ProfileName, args: ParsedArgs): void {
  let specs = paperExperiments(paper, profile);
  const experiments = flagList(args, 'experiment');
  if (experiments) {
    const known = specs.map((s) => s.name);
    for (const name of experiments) {
      if (!known.includes(name))
        throw new UsageError(
          `dil ablate: --experiment: unknown experiment "${name}" of ` +
            `${paper}${didYouMean(name, known)}; expected one of: ${known.join(', ')}`,
        );
    }
    specs = specs.filter((s) => experiments.includes(s.name));
  }
  const variants = flagList(args, 'variants');
  if (variants) {
    const known = [...new Set(specs.flatMap((s) => s.variants.map((v) => v.name)))];
    for (const name of variants) {
      if (!known.includes(name)) {
        const where = experiments ? `experiment(s) ${experiments.join(', ')}` : paper;
        throw new UsageError(
          `dil ablate: --variants: unknown variant "${name}" of ` +
            `${where}${didYouMean(name, known)}; variants: ${known.join(', ')} (dil ablate ` +
            `${paper} --list shows them per experiment)`,
        );
      }
    }
  }
}

/** --option keys must be fields of at least one model of the sweep (a variant's own setting may drop a field). */
function checkSweepModelOptions(specs: ExperimentSpec[], modelOptions: Record<string, unknown>): void {
  const models = [...new Set(specs.flatMap((s) => s.variants.map((v) => v.overrides.model ?? s.base.model)))];
  let firstError: unknown;
  for (const model of models) {
    try {
      checkModelOptions('dil ablate', model, modelOptions, () => '--option');
      return;
    } catch (err) {
      firstError ??= err;
    }
  }
  if (firstError) throw firstError;
}

/** This kit's `dil` launcher (bin/dil.js), from src/cli/commands or dist/cli/commands alike. */
export function kitBin(): string {
  return path.resolve(__dirname, '..', '..', '..', 'bin', 'dil.js');
}

/**
 * The self-contained command of one run (for --emit-jobs): every given flag but the sweep-level
 * ones, plus the run's identity. It runs as printed from any directory, without `dil` on PATH:
 * this Node and this kit's launcher by absolute path, and every path flag made absolute.
 */
export function emitJobCommand(paper: string, args: ParsedArgs, run: PlannedRun, resultsDir: string): string {
  const drop = new Set(['emit-jobs', 'experiment', 'variants', 'seed', 'jobs', 'results', 'json', 'list', 'progress']);
  const parts = [process.execPath, kitBin(), 'ablate', paper];
  for (const [name, raw] of Object.entries(args.flags)) {
    if (drop.has(name)) continue;
    let value = raw;
    if (PATH_FLAGS.includes(name) && typeof value === 'string') value = path.resolve(value);
    if (name === 'dataset' && typeof value === 'string' && value.startsWith('log:'))
      value = `log:${path.resolve(value.slice(4))}`;
    if (value === true) parts.push(`--${name}`);
    else if (value === false) parts.push(`--${name}=false`);
    else if (Array.isArray(value) && ABLATE_COMMAND.flags.some((f) => f.name === name && f.repeatable))
      for (const v of value) parts.push(`--${name}`, v);
    else parts.push(`--${name}`, Array.isArray(value) ? value.join(',') : String(value));
  }
  parts.push(
    '--experiment',
    run.key.experiment,
    '--variants',
    run.key.variant,
    '--seed',
    String(run.key.seed),
    '--jobs',
    '1',
    '--results',
    path.resolve(resultsDir),
    '--progress',
    'log',
  );
  return parts.map(shellQuote).join(' ');
}

interface AblateJsonVariant extends Pick<VariantSummary, 'variant' | 'meanAuc' | 'stdAuc' | 'runs' | 'pValue'> {
  experiment: string;
  label: string;
  meanGauc: number;
  stdGauc: number;
  diffAuc: number;
  relaImpr: number;
}

async function runAblate(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(ABLATE_COMMAND, argv);
  const paper = args.positionals[0];
  if (!paper) throw new UsageError(`dil ablate: which paper? expected one of: ${PAPER_NAMES.join(', ')}`);
  if (!(PAPER_NAMES as readonly string[]).includes(paper)) {
    throw new UsageError(
      `dil ablate: unknown paper "${paper}"${didYouMean(paper, PAPER_NAMES)}; expected ` +
        `one of: ${PAPER_NAMES.join(', ')}`,
    );
  }
  if (args.positionals.length > 1) throw new UsageError(`dil ablate: unexpected argument "${args.positionals[1]}"`);
  checkDataFlags('dil ablate', flagString(args, 'dataset'), args);
  applyProgressFlag(args);
  const { profile, specs, notes } = experimentsFromArgs(paper as PaperName, args);
  const resultsDir = flagString(args, 'results') ?? 'results';
  // emitted jobs may write to a folder that exists only where they run
  if (!flagBool(args, 'list') && !flagBool(args, 'emit-jobs')) checkOutputFolder('dil ablate: --results', resultsDir);
  const plans = specs.map((spec) => ({ spec, runs: planExperiment(spec) }));
  if (flagBool(args, 'list')) {
    for (const { spec } of plans) {
      io.out(`${spec.paper}/${spec.name}: ${spec.title} [${spec.dataset}, seeds ${spec.seeds.join(',')}]`);
      for (const v of spec.variants)
        io.out(`  ${v.name.padEnd(22)} ${v.label}${v.name === spec.baseVariant ? '  (base)' : ''}`);
    }
    return 0;
  }
  if (flagBool(args, 'emit-jobs')) {
    for (const note of notes) io.err(`note: ${note}`);
    for (const { runs } of plans) for (const run of runs) io.out(emitJobCommand(paper, args, run, resultsDir));
    return 0;
  }
  const jobs = flagNumber(args, 'jobs') ?? defaultJobs();
  if (jobs < 1) throw new UsageError(`dil ablate: --jobs ${jobs}; expected an integer >= 1`);
  const runCount = plans.reduce((n, p) => n + p.runs.length, 0);
  io.err(
    `dil ablate ${paper} (profile ${profile}): ${runCount} runs in ${plans.length} ` +
      `experiment(s), ${jobs} job(s), records in ${path.join(resultsDir, 'runs')}`,
  );
  const result = await runAblation(paper as PaperName, {
    ...ablationOptionsFromArgs(args),
    jobs,
    resultsDir,
    log: (line) => io.err(line),
  });
  const jsonVariants: AblateJsonVariant[] = [];
  const experiments: unknown[] = [];
  // the tables go to stdout, unless stdout carries the --json summary
  const json = flagBool(args, 'json');
  const printTable = (line: string) => (json ? io.err(line) : io.out(line));
  for (const { spec, summary } of result.experiments) {
    printTable('');
    printTable(formatSummaryText(summary, `${spec.title} — ${spec.dataset}, ${spec.seeds.length} seed(s)`).trimEnd());
    experiments.push({
      experiment: spec.name,
      title: spec.title,
      dataset: spec.dataset,
      baseVariant: spec.baseVariant,
      selectedOnTest: summary.selectedOnTest,
      variants: summary.variants,
    });
    for (const v of summary.variants) {
      jsonVariants.push({
        experiment: spec.name,
        variant: v.variant,
        label: v.label,
        meanAuc: v.meanAuc,
        stdAuc: v.stdAuc,
        meanGauc: v.meanGauc,
        stdGauc: v.stdGauc,
        diffAuc: v.diffAuc,
        relaImpr: v.relaImpr,
        runs: v.runs,
        pValue: v.pValue,
      });
    }
  }
  if (result.failures.length > 0) {
    io.err(`${result.failures.length} run(s) failed:`);
    for (const f of result.failures)
      io.err(`  ${f.run.key.experiment}/${f.run.key.variant} seed ${f.run.key.seed}: ${f.error}`);
  }
  if (json) {
    io.out(
      JSON.stringify({
        paper,
        profile,
        variants: jsonVariants,
        skippedRuns: result.skipped,
        executedRuns: result.executed,
        reusedRuns: result.reused,
        failedRuns: result.failures.length,
        experiments,
      }),
    );
  }
  return result.failures.length > 0 ? 1 : 0;
}

export const ablateCommand: CliCommand = {
  name: 'ablate',
  summary: ABLATE_COMMAND.summary,
  run: (argv, io) =>
    argv.includes('--help') || argv.includes('-h')
      ? Promise.resolve((io.out(formatHelp(ABLATE_COMMAND)), 0))
      : runAblate(argv, io),
};

/** `dil eval`: scores a dataset split with a saved checkpoint. */
import { useBestBackend } from '../../backend';
import { datasetForRun } from '../../experiments/executeRun';
import { resolveRunConfig, RunConfig } from '../../experiments/runConfig';
import { loadCheckpoint, readCheckpoint } from '../../train/checkpoint';
import { evaluateSplit } from '../../train/evaluate';
import { CommandSpec, flagBool, flagNumber, flagString, formatHelp, parseArgs, UsageError } from '../args';
import type { CliCommand, CliIo } from '../io';
import { DATA_FLAGS, checkDataFlags, dataOptionsFromFlags } from './dataFlags';

export const EVAL_COMMAND: CommandSpec = {
  name: 'eval',
  summary: 'Score a dataset split with a checkpoint written by `dil train --save`.',
  usage: 'dil eval --load <dir> [--dataset <spec>] [flags]',
  flags: [
    { name: 'load', type: 'string', description: 'checkpoint folder' },
    ...DATA_FLAGS,
    { name: 'seed', type: 'seed', description: 'dataset seed (splits, negatives)', defaultText: "the checkpoint's" },
    {
      name: 'split',
      type: 'string',
      values: ['train', 'valid', 'test'],
      description: 'split to score',
      defaultText: 'test',
    },
    { name: 'batch-size', type: 'int', description: 'scoring batch size', defaultText: '512' },
    { name: 'json', type: 'boolean', description: 'print one JSON object last (auc, gauc, logloss, rows)' },
  ],
  examples: [
    'dil eval --load checkpoints/din',
    'dil eval --load checkpoints/dien --dataset amazon:Beauty --data-dir ' +
      '../shared/data/amazon-beauty-5core --protocol dien --json',
  ],
  details: ['Without --dataset the checkpoint is scored on the dataset (spec, options and seed) it was trained on.'],
};

async function runEval(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(EVAL_COMMAND, argv);
  if (args.positionals.length > 0)
    throw new UsageError(`dil eval: unexpected argument "${args.positionals[0]}"; see dil eval --help`);
  const dir = flagString(args, 'load');
  if (!dir) throw new UsageError('dil eval: --load <checkpoint folder> is required');
  const json = flagBool(args, 'json');
  checkDataFlags('dil eval', flagString(args, 'dataset'), args);
  await useBestBackend({ quiet: json });
  const { meta } = readCheckpoint(dir);
  const saved = meta.runConfig as RunConfig | undefined;
  const datasetSpec = flagString(args, 'dataset') ?? saved?.dataset;
  if (!datasetSpec) throw new UsageError(`dil eval: checkpoint ${dir} records no dataset; give --dataset`);
  const config = resolveRunConfig({
    model: meta.model,
    dataset: datasetSpec,
    data: { ...(flagString(args, 'dataset') ? {} : (saved?.data ?? {})), ...dataOptionsFromFlags(args) },
    seed: flagNumber(args, 'seed') ?? saved?.seed ?? meta.seed,
  });
  const dataset = await datasetForRun(config);
  const { model } = loadCheckpoint(dir, dataset.sizes);
  try {
    const split = (flagString(args, 'split') ?? 'test') as 'train' | 'valid' | 'test';
    const metrics = evaluateSplit(model, dataset, split, flagNumber(args, 'batch-size') ?? 512);
    if (meta.dataset.checksum !== dataset.checksum) {
      io.err(
        `note: dataset checksum ${dataset.checksum} differs from the training data's ` +
          `${meta.dataset.checksum} (same vocabularies)`,
      );
    }
    io.err(
      `${split}: AUC ${metrics.auc.toFixed(4)} gAUC ${metrics.gauc.toFixed(4)} logloss ` +
        `${metrics.logloss.toFixed(4)} (${metrics.rows} rows)`,
    );
    if (json)
      io.out(
        JSON.stringify({
          model: meta.model,
          dataset: dataset.name,
          datasetChecksum: dataset.checksum,
          split,
          ...metrics,
        }),
      );
  } finally {
    model.dispose();
  }
  return 0;
}

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: EVAL_COMMAND.summary,
  run: (argv, io) =>
    argv.includes('--help') || argv.includes('-h')
      ? Promise.resolve((io.out(formatHelp(EVAL_COMMAND)), 0))
      : runEval(argv, io),
};

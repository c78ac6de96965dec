/** `dil train`: trains one model, prints per-epoch metrics, optionally saves a checkpoint. */
import { useBestBackend } from '../../backend';
import { MODEL_NAMES } from '../../models/model';
import { datasetForRun } from '../../experiments/executeRun';
import { resolveRunConfig } from '../../experiments/runConfig';
import { modelOptionsForRun, trainRun } from '../../experiments/runModel';
import { applyRunPreset, RUN_PRESET_NAMES } from '../../experiments/runPresets';
import { formatSummaryLineOfEpoch } from './format';
import { saveCheckpoint } from '../../train/checkpoint';
import { TrainConfig, TRAIN_PRESET_NAMES, TrainPresetName } from '../../train/trainConfig';
import {
  CommandSpec,
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
import { checkModelOptions } from './modelOptions';
import { addOptionEntries } from './optionFlags';
import { checkOutputFolder } from '../outputPaths';
import { DATA_FLAGS, checkDataFlags, dataOptionsFromFlags } from './dataFlags';
import { applyProgressFlag, PROGRESS_FLAG } from './progressFlag';

// reproduce.ts still imports it from here

export const TRAIN_COMMAND: CommandSpec = {
  name: 'train',
  summary: 'Train one model on a dataset; report validation/test AUC, gAUC, logloss per epoch.',
  usage: 'dil train --model <name> --dataset <spec> [flags]',
  flags: [
    { name: 'model', type: 'string', values: MODEL_NAMES, description: 'model to train' },
    ...DATA_FLAGS,
    {
      name: 'preset',
      type: 'string',
      values: [...TRAIN_PRESET_NAMES, ...RUN_PRESET_NAMES],
      description:
        'optimizer/schedule of an official repo (default: din for din, dmin for dmin, ' +
        "dhan for dhan, dien for the others); 'fuxictr' = the FuxiCTR peer protocol " +
        '(train, data and model settings together)',
    },
    { name: 'epochs', type: 'int', description: 'training epochs' },
    {
      name: 'seed',
      type: 'seed',
      description: 'seed of initialisation, shuffling, negatives and splits',
      defaultText: '1',
    },
    { name: 'batch-size', type: 'int', description: 'training batch size' },
    { name: 'lr', type: 'number', description: 'initial learning rate' },
    { name: 'optimizer', type: 'string', values: ['sgd', 'adam'], description: 'optimizer' },
    {
      name: 'embedding-adam',
      type: 'string',
      values: ['lazy', 'dense'],
      description:
        "Adam on the embedding tables: 'dense' (every row, as TF1/PyTorch Adam) or 'lazy' (rows of the batch only)",
      defaultText: 'dense',
    },
    { name: 'clip-norm', type: 'number', description: 'clip gradients by global norm (0 = off)' },
    { name: 'dropout', type: 'number', description: 'dropout rate in the MLP' },
    { name: 'l2', type: 'number', description: 'L2 on the embedding rows of each batch' },
    { name: 'mba', type: 'number', description: 'mini-batch aware regularization lambda (DIN: 0.01)' },
    { name: 'aux-weight', type: 'number', description: 'auxiliary-loss weight alpha (DIEN: 1; 0 = off)' },
    {
      name: 'gru',
      type: 'string',
      values: ['attention', 'AIGRU', 'AGRU', 'AUGRU'],
      description: "interest evolution of dien ('attention' = two-layer GRU attention); sets option evolution",
    },
    {
      name: 'activation',
      type: 'string',
      values: ['dice', 'prelu', 'sigmoid', 'relu'],
      description: 'MLP activation (sets option mlp.activation)',
    },
    { name: 'heads', type: 'int', description: 'number of interest heads H_E of dmin (sets option interestHeads)' },
    {
      name: 'pooling',
      type: 'string',
      values: ['flat', 'hierarchical'],
      description: 'interest pooling of dhan (sets option pooling)',
    },
    {
      name: 'option',
      type: 'string',
      repeatable: true,
      description:
        'any model option as key=value, nested keys with dots (mlp.hidden=[80,40]); ' +
        'value parsed as JSON when possible; repeatable',
    },
    {
      name: 'select-on',
      type: 'string',
      values: ['valid', 'test', 'last'],
      description: "split that picks the best epoch ('test' = official-code behaviour, flagged; 'last' = no selection)",
      defaultText: 'valid',
    },
    { name: 'max-steps', type: 'int', description: 'stop each epoch after this many steps (smoke runs)' },
    {
      name: 'save',
      type: 'string',
      description: 'write a checkpoint (weights + config) of the best epoch to this folder',
    },
    PROGRESS_FLAG,
    {
      name: 'json',
      type: 'boolean',
      description: 'print one JSON object last (test.auc, test.gauc, test.logloss, samplesPerSecond, ...)',
    },
  ],
  examples: [
    'dil train --model din --activation dice --dataset synthetic:default:tiny --epochs 1',
    'dil train --model dien --gru AUGRU --aux-weight 1 --dataset amazon:Beauty ' +
      '--data-dir ../shared/data/amazon-beauty-5core --protocol dien --epochs 3 --seed 1',
    'dil train --model dmin --heads 4 --dataset synthetic:multi --save checkpoints/dmin --json',
    'dil train --model din --dataset csv:../shared/data/amazon-beauty-din-csv --preset fuxictr --seed 2021 --json',
  ],
  details: [
    'The best epoch is chosen on the validation split unless --select-on test or ' +
      'last is given (--preset fuxictr: last); --json prints the summary object as the ' +
      'last stdout line.',
  ],
};

/**
 * Default training preset per model: the optimizer of the repository whose code the model's
 * default config follows. DIN: the DIN repo's SGD. The baselines (lr, base, wdl, pnn, deepfm)
 * default to the DIEN repo's rows (sum pooling, 18-d embeddings, 200-80 PReLU), so they take
 * its Adam: under SGD at lr 1.0 their sum-pooled linear parts diverge (docs/findings/baselines.md).
 */
export function defaultPresetFor(model: string): TrainPresetName {
  if (model === 'din') return 'din';
  if (model === 'dmin') return 'dmin';
  if (model === 'dhan') return 'dhan';
  return 'dien';
}

/** The named flags that set one model option each (the rest comes from --option). */
const MODEL_OPTION_FLAGS: Record<string, string> = {
  evolution: 'gru',
  'mlp.activation': 'activation',
  interestHeads: 'heads',
  pooling: 'pooling',
};

/**
 * Named flags whose values mean something for these models only (other models may have a field of that name with other
 * values).
 */
const NAMED_FLAG_MODELS: Record<string, readonly string[]> = { pooling: ['dhan'] };

/** Throws when a named model flag was given for a model it does not apply to. */
export function checkNamedModelFlags(args: ParsedArgs, model: string): void {
  for (const [flag, models] of Object.entries(NAMED_FLAG_MODELS)) {
    if (args.flags[flag] !== undefined && !models.includes(model)) {
      throw new UsageError(`dil train: --${flag} applies to ${models.join(', ')}, not to --model ${model}`);
    }
  }
}

/** The flag that set the model option `keyPath`: the named one when given, else --option. */
export function flagOfModelOption(args: ParsedArgs, keyPath: string): string {
  const named = MODEL_OPTION_FLAGS[keyPath];
  return named !== undefined && args.flags[named] !== undefined ? `--${named}` : '--option';
}

/** Model options from --gru/--activation/--heads/--pooling/--option. */
export function modelOptionsFromFlags(args: ParsedArgs): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const gru = flagString(args, 'gru');
  if (gru !== undefined) options.evolution = gru;
  const activation = flagString(args, 'activation');
  if (activation !== undefined) options.mlp = { activation };
  const heads = flagNumber(args, 'heads');
  if (heads !== undefined) options.interestHeads = heads;
  const pooling = flagString(args, 'pooling');
  if (pooling !== undefined) options.pooling = pooling;
  return addOptionEntries(options, flagList(args, 'option') ?? [], 'dil train: --option');
}

/** Train-config overrides from the training flags. */
export function trainOverridesFromFlags(args: ParsedArgs): Partial<TrainConfig> {
  const o: Partial<TrainConfig> = {};
  const set = <K extends keyof TrainConfig>(key: K, value: TrainConfig[K] | undefined) => {
    if (value !== undefined) o[key] = value;
  };
  set('epochs', flagNumber(args, 'epochs'));
  set('batchSize', flagNumber(args, 'batch-size'));
  set('learningRate', flagNumber(args, 'lr'));
  set('optimizer', flagString(args, 'optimizer') as TrainConfig['optimizer'] | undefined);
  set('embeddingAdam', flagString(args, 'embedding-adam') as TrainConfig['embeddingAdam'] | undefined);
  set('clipNorm', flagNumber(args, 'clip-norm'));
  set('dropout', flagNumber(args, 'dropout'));
  set('l2', flagNumber(args, 'l2'));
  set('mba', flagNumber(args, 'mba'));
  set('auxWeight', flagNumber(args, 'aux-weight'));
  set('selectOn', flagString(args, 'select-on') as TrainConfig['selectOn'] | undefined);
  set('maxStepsPerEpoch', flagNumber(args, 'max-steps'));
  // A learning rate given without a schedule keeps the preset's schedule shape.
  return o;
}

async function runTrain(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(TRAIN_COMMAND, argv);
  if (args.positionals.length > 0)
    throw new UsageError(`dil train: unexpected argument "${args.positionals[0]}"; see dil train --help`);
  const model = flagString(args, 'model');
  if (!model) throw new UsageError(`dil train: --model is required (one of: ${MODEL_NAMES.join(', ')})`);
  const dataset = flagString(args, 'dataset');
  if (!dataset)
    throw new UsageError(
      'dil train: --dataset is required, e.g. --dataset synthetic:default:tiny or ' +
        '--dataset amazon:Beauty --data-dir DIR',
    );
  // every value is checked before the dataset is built or a step is trained
  checkDataFlags('dil train', dataset, args);
  const modelOptions = modelOptionsFromFlags(args);
  checkNamedModelFlags(args, model);
  checkModelOptions('dil train', model, modelOptions, (keyPath) => flagOfModelOption(args, keyPath));
  const save = flagString(args, 'save');
  if (save !== undefined) checkOutputFolder('dil train: --save', save);
  applyProgressFlag(args);
  const json = flagBool(args, 'json');
  const preset = flagString(args, 'preset') ?? defaultPresetFor(model);
  const input = {
    model,
    modelOptions,
    dataset,
    data: dataOptionsFromFlags(args),
    train: trainOverridesFromFlags(args),
    seed: flagNumber(args, 'seed') ?? 1,
  };
  const config = resolveRunConfig(
    RUN_PRESET_NAMES.includes(preset)
      ? applyRunPreset(preset, input)
      : { ...input, trainPreset: preset as TrainPresetName },
  );
  const backend = await useBestBackend({ quiet: json });
  const data = await datasetForRun(config);
  io.err(data.describe());
  const { outcome, model: trained } = await trainRun(config, data, {
    progress: true,
    onEpoch: (m) => io.err(formatSummaryLineOfEpoch(m)),
  });
  try {
    const best = outcome.best;
    io.err(
      `${outcome.selectedOn === 'last' ? 'last' : 'best'} epoch ` +
        `${outcome.bestEpoch + 1} (selected on ` +
        `${outcome.selectedOn}${outcome.selectedOn === 'test' ? ' — OFFICIAL-CODE BEHAVIOUR, optimistic' : ''}): ` +
        `test AUC ${best.test.auc.toFixed(4)}, gAUC ${best.test.gauc.toFixed(4)}, ` +
        `logloss ${best.test.logloss.toFixed(4)}; ` +
        `${outcome.samplesPerSecond.toFixed(0)} samples/s`,
    );
    if (save) {
      saveCheckpoint(save, {
        model: trained,
        modelOptions: modelOptionsForRun(config),
        sizes: data.sizes,
        seed: config.seed,
        dataset: { name: data.name, checksum: data.checksum, maxLen: data.maxLen, levels: data.levels },
        runConfig: config,
        metrics: best,
      });
      io.err(`checkpoint written to ${save}`);
    }
    if (json) {
      io.out(
        JSON.stringify({
          model: config.model,
          dataset: data.name,
          datasetChecksum: data.checksum,
          seed: config.seed,
          backend: backend.name,
          bestEpoch: outcome.bestEpoch,
          selectedOn: outcome.selectedOn,
          test: best.test,
          valid: best.valid ?? null,
          samplesPerSecond: outcome.samplesPerSecond,
          wallSeconds: outcome.wallSeconds,
          history: outcome.history,
          config,
        }),
      );
    }
  } finally {
    trained.dispose();
  }
  return 0;
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: TRAIN_COMMAND.summary,
  run: (argv, io) =>
    argv.includes('--help') || argv.includes('-h')
      ? Promise.resolve((io.out(formatHelp(TRAIN_COMMAND)), 0))
      : runTrain(argv, io),
};

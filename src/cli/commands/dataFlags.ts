/** Flags shared by commands that load a dataset, their translation to loader options, and their checks. */
import type { FlagSpec, ParsedArgs } from '../args';
import { flagList, flagNumber, flagString, UsageError } from '../args';
import { addOptionEntries } from './optionFlags';
import { parseDatasetSpec } from '../../data/load';
import type { RunDataOptions } from '../../experiments/runConfig';

export const DATA_FLAGS: FlagSpec[] = [
  {
    name: 'dataset',
    type: 'string',
    description:
      "dataset spec: 'synthetic[:default|drift|multi|hier][:tiny|small|default]', " +
      "'amazon:<Category>', 'movielens', 'log:<path>', 'csv:<dir>' (BARS/FuxiCTR sample files)",
  },
  { name: 'data-dir', type: 'string', description: 'directory holding the raw files (amazon, movielens)' },
  {
    name: 'item-table',
    type: 'string',
    description: 'log:<path>: CSV/TSV with a header, the item column then category columns (finest first)',
  },
  { name: 'user-col', type: 'string', description: 'log:<path>: user column of the log', defaultText: 'user' },
  {
    name: 'item-col',
    type: 'string',
    description: 'log:<path>: item column of the log and of the item table',
    defaultText: 'item',
  },
  {
    name: 'time-col',
    type: 'string',
    description: 'log:<path>: timestamp column of the log (numbers)',
    defaultText: 'timestamp',
  },
  {
    name: 'category-cols',
    type: 'list',
    description: 'log:<path>: category columns of the item table, finest first',
    defaultText: 'every column but the item column',
  },
  { name: 'protocol', type: 'string', values: ['din', 'dien'], description: 'sample-building protocol for real data' },
  { name: 'max-len', type: 'int', description: 'history length fed to the models (latest behaviours kept)' },
  {
    name: 'valid-fraction',
    type: 'number',
    description: 'share of training users carved out for model selection',
    defaultText: '0.1',
  },
  { name: 'cache-dir', type: 'string', description: 'processed-dataset cache directory', defaultText: 'no cache' },
  {
    name: 'synthetic',
    type: 'string',
    repeatable: true,
    description:
      'a synthetic-data option as key=value (a field of SyntheticOptions: users=12000, ' +
      'clickRule=brandPair); repeatable',
  },
];

/** Flags whose value is a path (made absolute in emitted job lines). */
export const PATH_FLAGS: readonly string[] = ['data-dir', 'item-table', 'cache-dir'];

const LOG_FLAGS = ['item-table', 'user-col', 'item-col', 'time-col', 'category-cols'];

/** Loader options from the shared data flags (undefined entries omitted). */
export function dataOptionsFromFlags(args: ParsedArgs): RunDataOptions {
  const options: RunDataOptions = {};
  const dataDir = flagString(args, 'data-dir');
  if (dataDir !== undefined) options.dataDir = dataDir;
  const protocol = flagString(args, 'protocol');
  if (protocol !== undefined) options.protocol = protocol as 'din' | 'dien';
  const maxLen = flagNumber(args, 'max-len');
  if (maxLen !== undefined) options.maxLen = maxLen;
  const validFraction = flagNumber(args, 'valid-fraction');
  if (validFraction !== undefined) options.validFraction = validFraction;
  const cacheDir = flagString(args, 'cache-dir');
  if (cacheDir !== undefined) options.cacheDir = cacheDir;
  const itemTable = flagString(args, 'item-table');
  if (itemTable !== undefined) options.itemTable = itemTable;
  const columns: NonNullable<RunDataOptions['logColumns']> = {};
  const userCol = flagString(args, 'user-col');
  if (userCol !== undefined) columns.user = userCol;
  const itemCol = flagString(args, 'item-col');
  if (itemCol !== undefined) {
    columns.item = itemCol;
    columns.itemTableItem = itemCol;
  }
  const timeCol = flagString(args, 'time-col');
  if (timeCol !== undefined) columns.timestamp = timeCol;
  const categoryCols = flagList(args, 'category-cols');
  if (categoryCols !== undefined) columns.categoryColumns = categoryCols;
  if (Object.keys(columns).length > 0) options.logColumns = columns;
  const synthetic = flagList(args, 'synthetic');
  // values parsed as JSON when possible (users=12000 -> 12000); the generator checks names and values
  if (synthetic !== undefined)
    options.synthetic = addOptionEntries({}, synthetic, '--synthetic') as RunDataOptions['synthetic'];
  return options;
}

/**
 * Checks the data flags against the dataset spec before anything is built, naming the flags:
 * the spec's form, --data-dir for amazon/movielens, --item-table for log:, value ranges.
 * `dataset` is the spec in use (from --dataset or elsewhere); `command` prefixes messages.
 */
export function checkDataFlags(command: string, dataset: string | undefined, args: ParsedArgs): void {
  const maxLen = flagNumber(args, 'max-len');
  if (maxLen !== undefined && maxLen < 1)
    throw new UsageError(`${command}: --max-len ${maxLen}; expected an integer >= 1`);
  const validFraction = flagNumber(args, 'valid-fraction');
  if (validFraction !== undefined && !(validFraction >= 0 && validFraction < 1)) {
    throw new UsageError(`${command}: --valid-fraction ${validFraction}; expected a number in [0, 1)`);
  }
  if (dataset === undefined) return;
  let spec: ReturnType<typeof parseDatasetSpec>;
  try {
    spec = parseDatasetSpec(dataset);
  } catch (err) {
    throw new UsageError(`${command}: --dataset: ${err instanceof Error ? err.message : String(err)}`);
  }
  if ((spec.kind === 'amazon' || spec.kind === 'movielens') && flagString(args, 'data-dir') === undefined) {
    const files =
      spec.kind === 'amazon'
        ? `reviews_${spec.category}_5.json(.gz) and meta_${spec.category}.json(.gz)`
        : 'ratings.csv and movies.csv';
    throw new UsageError(`${command}: --dataset ${dataset} needs --data-dir <folder holding ${files}>`);
  }
  if (spec.kind === 'log') {
    if (flagString(args, 'item-table') === undefined) {
      throw new UsageError(
        `${command}: --dataset ${dataset} needs --item-table <CSV/TSV with a header: ` +
          `item column, then category columns>`,
      );
    }
  } else {
    const given = LOG_FLAGS.filter((f) => args.flags[f] !== undefined);
    if (given.length > 0)
      throw new UsageError(`${command}: --${given[0]} applies to --dataset log:<path> only, not to ${dataset}`);
  }
}

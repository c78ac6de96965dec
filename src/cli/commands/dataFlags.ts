/** Flags shared by commands that load a dataset, and their translation to loader options. */
import type { FlagSpec, ParsedArgs } from '../args';
import { flagList, flagNumber, flagString } from '../args';
import { addOptionEntries } from './optionFlags';
import type { RunDataOptions } from '../../experiments/runConfig';

export const DATA_FLAGS: FlagSpec[] = [
  {
    name: 'dataset',
    type: 'string',
    description: "dataset spec: 'synthetic[:default|drift|multi|hier][:tiny|small|default]', 'amazon:<Category>', 'movielens', 'log:<path>', 'csv:<dir>' (BARS/FuxiCTR sample files)",
  },
  { name: 'data-dir', type: 'string', description: 'directory holding the raw files (amazon, movielens)' },
  { name: 'protocol', type: 'string', values: ['din', 'dien'], description: 'sample-building protocol for real data' },
  { name: 'max-len', type: 'int', description: 'history length fed to the models (latest behaviours kept)' },
  { name: 'valid-fraction', type: 'number', description: 'share of training users carved out for model selection', defaultText: '0.1' },
  { name: 'cache-dir', type: 'string', description: 'processed-dataset cache directory', defaultText: 'no cache' },
  {
    name: 'synthetic',
    type: 'string',
    repeatable: true,
    description: 'a synthetic-data option as key=value (users=12000, clickRule=brandPair; see src/data/synthetic.ts); repeatable',
  },
];

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
  const synthetic = flagList(args, 'synthetic');
  // values parsed as JSON when possible (users=12000 -> 12000); the generator checks names and values
  if (synthetic !== undefined) options.synthetic = addOptionEntries({}, synthetic, '--synthetic') as RunDataOptions['synthetic'];
  return options;
}

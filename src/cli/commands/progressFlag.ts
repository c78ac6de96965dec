/** The `--progress` flag of the commands that train or build data: its spec and its effect. */
import { flagString } from '../args';
import type { FlagSpec, ParsedArgs } from '../args';

export const PROGRESS_FLAG: FlagSpec = {
  name: 'progress',
  type: 'string',
  values: ['auto', 'off', 'log'],
  description: 'progress bars',
  defaultText: 'auto',
};

/** `--progress off|log` sets DIL_PROGRESS, which every progress sink of the process reads. */
export function applyProgressFlag(args: ParsedArgs): void {
  const progress = flagString(args, 'progress');
  if (progress && progress !== 'auto') process.env.DIL_PROGRESS = progress;
}

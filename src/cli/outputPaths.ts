/** Output folders given on the command line, checked before any work starts. */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './args';

/**
 * Throws a UsageError naming `flag` unless `dir` is a writable folder or can be created as one
 * (its nearest existing ancestor is a writable folder). Nothing is created.
 */
export function checkOutputFolder(flag: string, dir: string): void {
  let probe = path.resolve(dir);
  let missing = false;
  while (!fs.existsSync(probe)) {
    missing = true;
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  if (!fs.statSync(probe).isDirectory()) {
    throw new UsageError(
      missing
        ? `${flag} ${dir}: ${probe} is a file, so the folder cannot be created there; expected a folder path`
        : `${flag} ${dir} is an existing file; expected a folder (created if missing)`,
    );
  }
  try {
    fs.accessSync(probe, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${dir}: ${probe} is not writable`);
  }
}

/**
 * Atomic file writes for everything the kit writes (dataset caches, run records, checkpoints,
 * tables, figures, benchmark records): write `<file>.tmp-<pid>` next to the target, then rename over it, so a reader
 * never sees a half-written file and an interrupted run leaves the previous version intact.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Writes `data` to `file` atomically, creating parent folders. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // the temporary file may not exist; nothing to clean up
    }
    throw err;
  }
}

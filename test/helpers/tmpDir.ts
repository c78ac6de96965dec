/** Temporary directories for the tests (not a test file), removed when the test process exits. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory `dil-<label>-XXXXXX` under the system's temporary directory. */
export function tmpDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dil-${label}-`));
  created.push(dir);
  return dir;
}

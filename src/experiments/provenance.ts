/** Facts recorded with every run: git commit, host, backend. */
import { execFileSync } from 'child_process';
import * as os from 'os';

let cachedCommit: string | undefined;

/** `git rev-parse HEAD` of the working directory (with "+dirty" when files changed), or "unknown". */
export function gitCommit(cwd: string = process.cwd()): string {
  if (cachedCommit !== undefined) return cachedCommit;
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    cachedCommit = status ? `${head}+dirty` : head;
  } catch {
    cachedCommit = 'unknown';
  }
  return cachedCommit;
}

export function hostDescription(): string {
  return `${os.hostname()} (${os.platform()} ${os.arch()}, ${os.cpus().length} cores, node ${process.version})`;
}

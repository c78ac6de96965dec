/** Facts recorded with every run: the kit's version (git commit or package version), host, backend. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The kit's own folder (holding its package.json), from src/experiments or dist/experiments alike. */
export const KIT_ROOT = path.resolve(__dirname, '..', '..');

let cachedCommit: string | undefined;

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
}

/**
 * The version of the kit that ran: `git rev-parse HEAD` of the kit's own checkout (with
 * "+dirty" when tracked files changed), never that of the repository the shell stands in.
 * When the kit is not the top of a git checkout (installed from a package, or inside another
 * project's node_modules) it is `<name>@<version>` from the kit's package.json.
 */
export function gitCommit(kitRoot: string = KIT_ROOT): string {
  if (cachedCommit !== undefined && kitRoot === KIT_ROOT) return cachedCommit;
  let version: string;
  try {
    const top = git(['rev-parse', '--show-toplevel'], kitRoot);
    if (fs.realpathSync(top) !== fs.realpathSync(kitRoot)) throw new Error('the kit is not the top of this checkout');
    const head = git(['rev-parse', 'HEAD'], kitRoot);
    const status = git(['status', '--porcelain', '--untracked-files=no'], kitRoot);
    version = status ? `${head}+dirty` : head;
  } catch {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(kitRoot, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      version = `${manifest.name ?? 'deep-interest-lab'}@${manifest.version ?? 'unknown'}`;
    } catch {
      version = 'unknown';
    }
  }
  if (kitRoot === KIT_ROOT) cachedCommit = version;
  return version;
}

export function hostDescription(): string {
  return `${os.hostname()} (${os.platform()} ${os.arch()}, ${os.cpus().length} cores, node ${process.version})`;
}

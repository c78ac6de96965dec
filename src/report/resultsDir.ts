/**
 * Where report outputs go. Notebooks run with their own folder as working directory, the CLI
 * from anywhere inside the project, so the default is found by walking up to the project's
 * package.json rather than taken from the working directory.
 */
import * as fs from 'fs';
import * as path from 'path';

const PACKAGE_NAME = 'deep-interest-lab';

/** The nearest folder at or above `start` whose package.json is named deep-interest-lab, or undefined. */
export function findProjectRoot(start: string = process.cwd()): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
        if (parsed.name === PACKAGE_NAME) return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `DIL_RESULTS` (resolved against the working directory) or `<project root>/results` or `./results`. */
export function reportResultsDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DIL_RESULTS?.trim();
  if (configured) return path.resolve(configured);
  return path.join(findProjectRoot() ?? process.cwd(), 'results');
}

/**
 * What some test files need from the machine beyond Node: Jupyter (nbconvert and nbclient, with
 * the kit's dil-tslab kernel registered by `npm run setup`), a headless Chromium, GNU parallel. Where one is
 * missing, `skipWithout(...)` gives the one-line skip reason saying what to install, so that
 * `npm test` passes on a fresh machine. Under CI (the CI variable set) nothing is skipped: CI
 * installs both, and a missing one must fail.
 */
import { spawnSync } from 'node:child_process';
import { findChromium } from '../src/report/chromium';
import { findJupyterPython } from '../src/report/executeNotebooks';

export type Requirement = 'jupyter' | 'chromium' | 'parallel';

const INSTALL: Record<Requirement, string> = {
  jupyter:
    'apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel, then npm ' +
    'run setup (registers the dil-tslab kernel)',
  chromium: 'apt-get install chromium (or set DIL_CHROMIUM=/path/to/chromium)',
  parallel: 'apt-get install parallel',
};

const found = new Map<Requirement, string | undefined>();

/** Why `what` is unusable here, or undefined when it is there. */
export function missing(what: Requirement): string | undefined {
  if (found.has(what)) return found.get(what);
  let reason: string | undefined;
  if (what === 'parallel') {
    if (spawnSync('parallel', ['--version'], { encoding: 'utf8' }).status !== 0) reason = 'no GNU parallel';
  } else if (what === 'chromium') {
    try {
      findChromium();
    } catch {
      reason = 'no Chromium';
    }
  } else {
    const version = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
    if (version.status !== 0) reason = 'no jupyter nbconvert on PATH';
    else {
      try {
        findJupyterPython();
        const kernels = spawnSync('jupyter', ['kernelspec', 'list', '--json'], { encoding: 'utf8' });
        if (!(kernels.status === 0 && /"dil-tslab"/.test(kernels.stdout)))
          reason = 'the dil-tslab kernel is not registered';
      } catch {
        reason = 'no Python with nbclient';
      }
    }
  }
  found.set(what, reason);
  return reason;
}

/**
 * The skip option of a test or suite that needs `needs`: false when all are there (or CI is
 * set), else one line naming what is missing and how to install it.
 */
export function skipWithout(...needs: Requirement[]): string | false {
  if (process.env.CI) return false;
  const absent = needs.filter((n) => missing(n) !== undefined);
  if (absent.length === 0) return false;
  return absent.map((n) => `${missing(n)}: ${INSTALL[n]}`).join('; ');
}

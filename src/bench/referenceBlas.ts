/**
 * A fair PyTorch reference: Debian's python3-torch links the unoptimised reference BLAS unless
 * an optimised one (libopenblas0-pthread) is installed, and then runs 3-5x slower (a 1024x1024
 * matmul at ~6 GFLOP/s instead of ~80 on one core of this project's machines). The reference
 * reports the BLAS speed of each run (`env.blas_gflops`); a ratio against a reference below
 * MIN_REFERENCE_BLAS_GFLOPS is refused, saying why.
 */
import { spawnSync } from 'node:child_process';

/** Below this matmul speed (GFLOP/s) the reference is taken to run on the unoptimised BLAS. */
export const MIN_REFERENCE_BLAS_GFLOPS = 20;

/** The Debian package that gives python3-torch an optimised BLAS. */
export const OPTIMISED_BLAS_PACKAGE = 'libopenblas0-pthread';

/** Debian packages that each provide an optimised libblas.so.3 alternative. */
const OPTIMISED_BLAS_PACKAGES = [
  'libopenblas0-pthread',
  'libopenblas0-openmp',
  'libopenblas0-serial',
  'libblis4-pthread',
  'libblis4-openmp',
  'libmkl-rt',
];

/**
 * Why a ratio against a reference run with this BLAS speed must not be printed, or undefined
 * when it may. A run that did not report its BLAS speed is refused too (it cannot be checked).
 */
export function blasRefusal(
  blasGflops: number | undefined | null,
  min = MIN_REFERENCE_BLAS_GFLOPS,
): string | undefined {
  if (blasGflops === undefined || blasGflops === null || !Number.isFinite(blasGflops)) {
    return 'the reference did not report env.blas_gflops, so its BLAS cannot be checked; no ratio';
  }
  if (blasGflops < min) {
    return (
      `the reference's BLAS ran a matmul at ${blasGflops.toFixed(1)} GFLOP/s (< ${min}): ` +
      `torch is on the unoptimised reference BLAS (install ${OPTIMISED_BLAS_PACKAGE}) ` +
      'or the machine was too busy to measure it; no ratio against a crippled PyTorch'
    );
  }
  return undefined;
}

export interface BlasSetup {
  /** An optimised BLAS package is installed (or the check could not run: see message). */
  ok: boolean;
  /** The package apt-get installed in this call, if any. */
  installed?: string;
  message: string;
}

type Runner = (cmd: string, args: string[]) => { status: number | null; stdout: string; stderr: string; error?: Error };

const defaultRunner: Runner = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
};

/**
 * The bench's setup step: finds an optimised BLAS beside python3-torch (Debian), and when none
 * is installed and `install` is true and this process is root, installs OPTIMISED_BLAS_PACKAGE
 * with apt-get. Otherwise says what to install. Never throws: the reference's own
 * `blas_gflops` decides in the end (blasRefusal).
 */
export function ensureOptimisedBlas(options: { install: boolean; isRoot?: boolean; run?: Runner }): BlasSetup {
  const run = options.run ?? defaultRunner;
  const isRoot = options.isRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const query = run('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...OPTIMISED_BLAS_PACKAGES]);
  if (query.error)
    return {
      ok: true,
      message: `no dpkg-query here (${query.error.message}); the reference's measured BLAS speed decides`,
    };
  const present = query.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w.length >= 4 && w.slice(1).join(' ') === 'install ok installed')
    .map((w) => w[0]);
  if (present.length > 0) return { ok: true, message: `optimised BLAS installed: ${present.join(', ')}` };
  const how = `apt-get update && apt-get install -y ${OPTIMISED_BLAS_PACKAGE}`;
  if (!options.install) return { ok: false, message: `no optimised BLAS for python3-torch; as root: ${how}` };
  if (!isRoot)
    return {
      ok: false,
      message: `no optimised BLAS for python3-torch and not root; ask an administrator to run: ${how}`,
    };
  const apt = run('apt-get', ['install', '-y', '--no-install-recommends', OPTIMISED_BLAS_PACKAGE]);
  if (apt.status === 0)
    return { ok: true, installed: OPTIMISED_BLAS_PACKAGE, message: `installed ${OPTIMISED_BLAS_PACKAGE} with apt-get` };
  const update = run('apt-get', ['update']);
  const retry =
    update.status === 0 ? run('apt-get', ['install', '-y', '--no-install-recommends', OPTIMISED_BLAS_PACKAGE]) : update;
  if (retry.status === 0)
    return {
      ok: true,
      installed: OPTIMISED_BLAS_PACKAGE,
      message: `installed ${OPTIMISED_BLAS_PACKAGE} with apt-get (after apt-get update)`,
    };
  const why = (retry.stderr || retry.error?.message || '').trim().split('\n').pop() ?? '';
  return { ok: false, message: `apt-get could not install ${OPTIMISED_BLAS_PACKAGE} (${why}); run: ${how}` };
}

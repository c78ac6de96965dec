/**
 * Claims on runs, so that sweeps sharing a results folder (two `dil ablate` on one folder,
 * `--emit-jobs` lines under a scheduler) execute each run once. A claim is the file
 * `<record>.lock` holding "<pid> <host>", created exclusively (O_EXCL) before the run starts and
 * removed when it ends. A claim whose process is gone (same host, pid not alive) is stale and
 * taken over. Claims of another host cannot be checked and are honoured: remove such a lock by
 * hand if its machine died. Two processes taking over the same stale claim in the same instant
 * may both run it; their records are identical and written atomically.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunKey, runRecordPath } from './runRecord';

export function claimPath(resultsDir: string, key: RunKey): string {
  return `${runRecordPath(resultsDir, key)}.lock`;
}

/** True when process `pid` exists on this host (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder written in a claim file, or undefined when unreadable or malformed. */
function readHolder(file: string): { pid: number; host: string } | undefined {
  try {
    const [pid, host] = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
    return Number.isInteger(Number(pid)) && host ? { pid: Number(pid), host } : undefined;
  } catch {
    return undefined;
  }
}

/** True when a claim file does not stop us: missing, stale (its process is gone) or malformed for a while. */
function claimIsFree(file: string): boolean {
  if (!fs.existsSync(file)) return true;
  const holder = readHolder(file);
  if (!holder) {
    // being written right now, or garbage: garbage older than a few seconds is stale
    try {
      return Date.now() - fs.statSync(file).mtimeMs > 5000;
    } catch {
      return true;
    }
  }
  return holder.host === os.hostname() && holder.pid !== process.pid && !processAlive(holder.pid);
}

/**
 * Claims the run for this process: true when the claim is ours now (created, or taken over from
 * a dead process), false when a live process holds it.
 */
export function claimRun(resultsDir: string, key: RunKey): boolean {
  const file = claimPath(resultsDir, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid} ${os.hostname()}\n`, { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(file);
    if (holder && holder.pid === process.pid && holder.host === os.hostname()) return true;
    if (!claimIsFree(file)) return false;
    fs.rmSync(file, { force: true }); // stale: take it over
  }
  return false;
}

/** True when a live process (other than this one) holds the run's claim. */
export function claimedByOther(resultsDir: string, key: RunKey): boolean {
  const file = claimPath(resultsDir, key);
  const holder = readHolder(file);
  if (holder && holder.pid === process.pid && holder.host === os.hostname()) return false;
  return !claimIsFree(file);
}

/** Removes our claim (a claim of another process is left alone). */
export function releaseRun(resultsDir: string, key: RunKey): void {
  const file = claimPath(resultsDir, key);
  const holder = readHolder(file);
  if (holder && holder.pid === process.pid && holder.host === os.hostname()) fs.rmSync(file, { force: true });
}

/**
 * Run records: one JSON file per finished run under `<results>/runs/<paper>/<experiment>/`,
 * named `<variant>__seed<seed>__<config hash>.json`, written atomically (temp file + rename),
 * so a killed sweep never leaves a half-written record and a rerun skips exactly the runs
 * whose file exists.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../atomicWrite';
import type { TrainOutcome } from '../train/outcome';
import { RunConfig } from './runConfig';

export interface RunRecord extends TrainOutcome {
  /** Format version of this record. */
  format: 'dil-run/1';
  paper: string;
  experiment: string;
  variant: string;
  /** Row label of the variant (as in the paper's table). */
  label: string;
  seed: number;
  configHash: string;
  config: RunConfig;
  datasetChecksum: string;
  backend: string;
  gitCommit: string;
  host: string;
  startedAt: string;
  finishedAt: string;
  /** True when the best epoch was picked on the test split (official-code behaviour): reports flag it. */
  selectedOnTest: boolean;
}

/** Identity of a run inside a sweep. */
export interface RunKey {
  paper: string;
  experiment: string;
  variant: string;
  seed: number;
  configHash: string;
}

const SAFE = /^[A-Za-z0-9._+-]+$/;

function checkSegment(what: string, value: string): void {
  if (!SAFE.test(value) || value.startsWith('.')) {
    throw new Error(`runRecordPath: ${what} "${value}"; expected letters, digits, '.', '_', '+', '-'`);
  }
}

/** `<resultsDir>/runs/<paper>/<experiment>/<variant>__seed<seed>__<hash>.json`. */
export function runRecordPath(resultsDir: string, key: RunKey): string {
  checkSegment('paper', key.paper);
  checkSegment('experiment', key.experiment);
  checkSegment('variant', key.variant);
  return path.join(
    resultsDir,
    'runs',
    key.paper,
    key.experiment,
    `${key.variant}__seed${key.seed}__${key.configHash}.json`,
  );
}

/** JSON.stringify that keeps NaN/Infinity as null (JSON has neither). */
export function writeRunRecord(file: string, record: RunRecord): void {
  writeFileAtomic(file, `${JSON.stringify(record, null, 1)}\n`);
}

/** Reads and checks one record; throws naming the file on a malformed one. */
export function readRunRecord(file: string): RunRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not a readable JSON run record (${err instanceof Error ? err.message : String(err)})`, {
      cause: err,
    });
  }
  const r = parsed as Partial<RunRecord>;
  if (r.format !== 'dil-run/1' || typeof r.variant !== 'string' || typeof r.seed !== 'number' || !r.best || !r.config) {
    throw new Error(
      `${file}: not a dil run record; expected format "dil-run/1" with variant, seed, config and best metrics`,
    );
  }
  return r as RunRecord;
}

/** True when a complete record for `key` exists (a malformed file counts as missing). */
export function isRunRecorded(resultsDir: string, key: RunKey): boolean {
  const file = runRecordPath(resultsDir, key);
  if (!fs.existsSync(file)) return false;
  try {
    readRunRecord(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * All records under `<dir>/runs` (or under `dir` itself when it has no `runs` folder),
 * recursively, sorted by path; unreadable files are reported in `errors`, never fatal.
 */
export function loadRunRecords(dir: string): { records: RunRecord[]; errors: string[] } {
  const root = fs.existsSync(path.join(dir, 'runs')) ? path.join(dir, 'runs') : dir;
  const files: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.json')) files.push(full);
    }
  };
  walk(root);
  files.sort();
  const records: RunRecord[] = [];
  const errors: string[] = [];
  for (const file of files) {
    try {
      records.push(readRunRecord(file));
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { records, errors };
}

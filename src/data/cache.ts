/**
 * Processed-dataset cache on disk: one file per key (sha256 of source checksums + options),
 * written atomically (`<file>.tmp-<pid>` then rename), so a crash never leaves a partly
 * written cache that looks complete.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../atomicWrite';
import { DatasetParts, deserializeDatasetParts, serializeDatasetParts } from './dataset';

export function cacheFile(cacheDir: string, name: string, key: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
  return path.join(cacheDir, `${safe}-${key}.dilds`);
}


export function readCachedParts(file: string): DatasetParts | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return deserializeDatasetParts(fs.readFileSync(file), file);
  } catch {
    return undefined; // unreadable cache: rebuild
  }
}

export function writeCachedParts(file: string, parts: DatasetParts): void {
  writeFileAtomic(file, serializeDatasetParts(parts));
}

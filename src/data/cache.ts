/**
 * Processed-dataset cache on disk: one file per key (sha256 of source checksums + options),
 * written atomically (`<file>.tmp-<pid>` then rename), so a crash never leaves a partly
 * written cache that looks complete. The file is the serialized dataset followed by the
 * sha256 of those bytes (32 bytes): damage on disk (flipped bits, a truncated copy) is found
 * on load instead of being trained on.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../atomicWrite';
import type { DatasetParts } from './dataset';
import { deserializeDatasetParts, serializeDatasetParts } from './datasetBytes';

const DIGEST_BYTES = 32;

export function cacheFile(cacheDir: string, name: string, key: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
  return path.join(cacheDir, `${safe}-${key}.dilds`);
}

/** What a cache file held: the dataset, nothing (no file), or why it cannot be trusted. */
export type CachedParts = { parts: DatasetParts } | { damaged: string } | undefined;

export function readCachedParts(file: string): CachedParts {
  if (!fs.existsSync(file)) return undefined;
  const bytes = fs.readFileSync(file);
  if (bytes.length <= DIGEST_BYTES)
    return { damaged: `${bytes.length} bytes, too short to hold a dataset and its checksum` };
  const payload = bytes.subarray(0, bytes.length - DIGEST_BYTES);
  const stored = bytes.subarray(bytes.length - DIGEST_BYTES);
  if (!crypto.createHash('sha256').update(payload).digest().equals(stored)) {
    return { damaged: 'its content does not match the sha256 stored with it' };
  }
  try {
    return { parts: deserializeDatasetParts(payload, file) };
  } catch (err) {
    return { damaged: err instanceof Error ? err.message : String(err) };
  }
}

export function writeCachedParts(file: string, parts: DatasetParts): void {
  const payload = serializeDatasetParts(parts);
  writeFileAtomic(file, Buffer.concat([payload, crypto.createHash('sha256').update(payload).digest()]));
}

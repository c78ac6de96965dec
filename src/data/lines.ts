/**
 * Streams the lines of a text file, plain or gzip (detected by its magic bytes, not its name),
 * without reading it into memory whole. A truncated or corrupt gzip stream becomes a
 * `DataFormatError` naming the file and the last complete line.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { DataFormatError } from './errors';
import type { ProgressCallback } from './types';

/** True when the file starts with the gzip magic bytes 1f 8b. */
export function isGzipFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const n = fs.readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

export interface LineOptions {
  onProgress?: ProgressCallback;
  /** Label passed to onProgress. */
  label?: string;
  /** What a line should be, for the empty-file message. */
  expected?: string;
}

/**
 * Yields [lineNumber (1-based), text] for each line (trailing '\r' stripped; a final line
 * without newline is yielded; blank lines are yielded too, callers skip them).
 * Throws DataFormatError for a missing file, an empty file, or a broken gzip stream.
 */
export async function* readLines(file: string, options: LineOptions = {}): AsyncGenerator<[number, string]> {
  if (!fs.existsSync(file)) throw new DataFormatError(file, 0, 'an existing file', 'file not found');
  const size = fs.statSync(file).size;
  const expected = options.expected ?? 'one record per line';
  if (size === 0) throw new DataFormatError(file, 0, expected, 'empty file');
  const gz = isGzipFile(file);
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  raw.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const stream: NodeJS.ReadableStream = gz ? raw.pipe(zlib.createGunzip()) : raw;
  if (gz) raw.on('error', (e) => (stream as zlib.Gunzip).destroy(e));
  let lineNo = 0;
  let pending: Buffer | undefined;
  let lastReport = 0;
  try {
    for await (const chunkAny of stream) {
      const chunk = chunkAny as Buffer;
      let start = 0;
      let buf = chunk;
      if (pending) {
        buf = Buffer.concat([pending, chunk]);
        pending = undefined;
      }
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        let end = nl;
        if (end > start && buf[end - 1] === 13) end--;
        lineNo++;
        yield [lineNo, buf.toString('utf8', start, end)];
        start = nl + 1;
      }
      if (start < buf.length) pending = buf.subarray(start);
      if (options.onProgress && bytesRead - lastReport > 4 << 20) {
        lastReport = bytesRead;
        options.onProgress(bytesRead, size, options.label ?? file);
      }
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (gz) {
      throw new DataFormatError(
        file,
        lineNo + 1,
        'a complete gzip stream (the file looks truncated or corrupt; download it again)',
        `gzip error after line ${lineNo} (${msg})`,
      );
    }
    throw new DataFormatError(file, lineNo + 1, 'a readable file', msg);
  }
  if (pending && pending.length > 0) {
    lineNo++;
    let end = pending.length;
    if (pending[end - 1] === 13) end--;
    yield [lineNo, pending.toString('utf8', 0, end)];
  }
  if (lineNo === 0) throw new DataFormatError(file, 0, expected, 'empty file (no lines after decompression)');
  options.onProgress?.(size, size, options.label ?? file);
}

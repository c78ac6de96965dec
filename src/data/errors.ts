/**
 * Errors for bad input files: every message names the file, the line (1-based) and what was expected.
 */
export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line number, 0 when the problem is the file as a whole. */
    readonly line: number,
    readonly expected: string,
    detail?: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${detail ? `${detail}; ` : ''}expected ${expected}`);
    this.name = 'DataFormatError';
  }
}

/** Counts skipped lines when `skipBadLines` is on; rethrows otherwise. */
export class BadLinePolicy {
  skipped = 0;
  firstError: DataFormatError | undefined;
  constructor(private readonly skip: boolean) {}

  handle(err: unknown): void {
    if (!this.skip || !(err instanceof DataFormatError)) throw err;
    this.skipped++;
    if (!this.firstError) this.firstError = err;
  }

  /** A one-line report, or undefined when nothing was skipped. */
  report(file: string): string | undefined {
    if (this.skipped === 0) return undefined;
    return `${file}: skipped ${this.skipped} bad line(s); first: ${this.firstError?.message}`;
  }
}

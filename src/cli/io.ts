/** Output channels of a CLI command (stdout for results and JSON, stderr for logs); tests capture them. */
export interface CliIo {
  /** One line to stdout. */
  out(line: string): void;
  /** One line to stderr. */
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A command: parses its own argv (after the command name) and returns an exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

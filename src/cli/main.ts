/**
 * `dil`: the command line of deep-interest-lab. `bin/dil.js` calls `main(process.argv.slice(2))`;
 * running this file directly (node --import tsx src/cli/main.ts ...) does the same.
 */
import { UsageError } from './args';
import { ablateCommand } from './commands/ablate';
import { benchCommand } from './commands/bench';
import { dataCommand } from './commands/data';
import { evalCommand } from './commands/eval';
import { reportCommand } from './commands/report';
import { reproduceCommand } from './commands/reproduce';
import { trainCommand } from './commands/train';
import { CliCommand, CliIo, processIo } from './io';

export const COMMANDS: readonly CliCommand[] = [dataCommand, trainCommand, evalCommand, ablateCommand, reportCommand, benchCommand, reproduceCommand];

/** Top-level help. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: dil <command> [flags]   (dil <command> --help for flags and examples)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Examples:',
    '  dil train --model dien --gru AUGRU --aux 1 --dataset synthetic:drift:tiny --epochs 1',
    '  dil ablate dien --dataset amazon:Beauty --data-dir ../shared/data/amazon-beauty-5core --seeds 3',
    '  dil report results/',
    '',
  ].join('\n');
}

/** Runs the command line `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`dil: unknown command "${name}"; valid commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(err.message);
      return 2;
    }
    io.err(`dil ${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.DIL_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

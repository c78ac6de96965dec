/**
 * `dil`: the command line of deep-interest-lab. `bin/dil.js` calls `main(process.argv.slice(2))`;
 * running this file directly (node --import tsx src/cli/main.ts ...) does the same.
 */
import { didYouMean, UsageError } from './args';
import { ablateCommand } from './commands/ablate';
import { benchCommand } from './commands/bench';
import { dataCommand } from './commands/data';
import { evalCommand } from './commands/eval';
import { reportCommand } from './commands/report';
import { reproduceCommand } from './commands/reproduce';
import { trainCommand } from './commands/train';
import { speakFlags } from './flagNames';
import { CliCommand, CliIo, processIo } from './io';

export const COMMANDS: readonly CliCommand[] = [
  dataCommand,
  trainCommand,
  evalCommand,
  ablateCommand,
  reportCommand,
  benchCommand,
  reproduceCommand,
];

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
    '  dil train --model dien --gru AUGRU --aux-weight 1 --dataset synthetic:drift:tiny --epochs 1',
    '  dil ablate dien --dataset amazon:Beauty --data-dir ../shared/data/amazon-beauty-5core --seeds 3',
    '  dil report results/',
    '',
  ].join('\n');
}

/** Runs the command line `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    // no command is a usage error: the usage goes where errors go
    io.err(mainHelp());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const names = COMMANDS.map((c) => c.name);
    io.err(`dil: unknown command "${name}"${didYouMean(name, names)}; valid commands: ${names.join(', ')}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(err.message);
      return 2;
    }
    io.err(`dil ${name}: ${speakFlags(err instanceof Error ? err.message : String(err))}`);
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

/**
 * The command line of the scripts in bench/ through the CLI's parser (src/cli/args), so that
 * they give the same errors (the flag or argument, a near-miss suggestion), exit code 2 and
 * generated `--help` as `dil`. Positional arguments are checked here too.
 */
import { commandLabel, CommandSpec, didYouMean, formatHelp, parseArgs, ParsedArgs, UsageError } from '../cli/args';
import { CliIo, processIo } from '../cli/io';

/**
 * Runs `body` on `argv` parsed against `command`; returns the exit code: 0 after `--help`
 * (printed), 2 after a usage error (printed, also one thrown by `body`), else `body`'s (0 if none).
 */
export async function runScript(
  command: CommandSpec,
  argv: string[],
  body: (args: ParsedArgs) => Promise<number | void> | number | void,
  io: CliIo = processIo,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(formatHelp(command));
    return 0;
  }
  try {
    return (await body(parseArgs(command, argv))) ?? 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(err.message);
    return 2;
  }
}

/** `runScript` as a script's main: exits with its code; other errors print their stack and exit 1. */
export function runScriptMain(
  command: CommandSpec,
  body: (args: ParsedArgs) => Promise<number | void> | number | void,
): void {
  runScript(command, process.argv.slice(2), body).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}

/** Refuses more than `max` positional arguments. */
export function checkPositionals(command: CommandSpec, args: ParsedArgs, max: number): void {
  if (args.positionals.length <= max) return;
  const label = commandLabel(command);
  throw new UsageError(`${label}: unexpected argument "${args.positionals[max]}"; see ${label} --help`);
}

/** Positional `index` (called `name` in messages) as an integer >= `min`; `fallback` when absent. */
export function positionalInt(
  command: CommandSpec,
  args: ParsedArgs,
  index: number,
  name: string,
  min: number,
  fallback: number,
): number {
  const raw = args.positionals[index];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`${commandLabel(command)}: ${name} expects an integer >= ${min}, got "${raw}"`);
  return n;
}

function checkValue<T extends string>(command: CommandSpec, name: string, item: string, values: readonly T[]): T {
  if ((values as readonly string[]).includes(item)) return item as T;
  throw new UsageError(
    `${commandLabel(command)}: ${name}: "${item}" is not valid; valid values: ` +
      `${values.join(', ')}${didYouMean(item, values)}`,
  );
}

/** Positional `index` as one of `values`; `fallback` when absent (required without one). */
export function positionalChoice<T extends string>(
  command: CommandSpec,
  args: ParsedArgs,
  index: number,
  name: string,
  values: readonly T[],
  fallback?: T,
): T {
  const raw = args.positionals[index] ?? fallback;
  if (raw === undefined)
    throw new UsageError(
      `${commandLabel(command)}: which ${name}? one of ${values.join(', ')}; see ${commandLabel(command)} --help`,
    );
  return checkValue(command, name, raw, values);
}

/** Positional `index` as a comma list of `values`; `fallback` when absent. */
export function positionalList<T extends string>(
  command: CommandSpec,
  args: ParsedArgs,
  index: number,
  name: string,
  values: readonly T[],
  fallback: readonly T[],
): T[] {
  const raw = args.positionals[index];
  if (raw === undefined) return [...fallback];
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0)
    throw new UsageError(`${commandLabel(command)}: ${name} needs at least one of ${values.join(', ')}`);
  return items.map((item) => checkValue(command, name, item, values));
}

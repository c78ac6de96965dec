/**
 * A small command-line flag parser with typed flags, clear errors and generated help.
 * `--name value` and `--name=value`; booleans take no value (`--json`); `--no-name` is not
 * supported (say `--name false` where meaningful). Unknown flags and bad values throw
 * `UsageError` listing what is valid.
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** 'seed': an integer in [0, 2^32) (seeds are 32-bit: larger values would wrap around). */
export type FlagType = 'string' | 'number' | 'int' | 'seed' | 'boolean' | 'list';

/** Seeds are unsigned 32-bit integers. */
export const SEED_LIMIT = 2 ** 32;

/** Edit distance: insertions, deletions, substitutions and swaps of neighbours ("dein" -> "dien" is 1). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate nearest to `input` when it is a plausible typo (distance <= 2 and at most half
 * the length), else undefined; among equally near ones, the one sharing the longest prefix, then
 * the one closest in length ("dinn" -> "din", "dein" -> "dien").
 */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const a = input.toLowerCase();
  let best: string | undefined;
  let bestScore = [Infinity, Infinity, Infinity];
  for (const candidate of candidates) {
    const b = candidate.toLowerCase();
    let prefix = 0;
    while (prefix < a.length && a[prefix] === b[prefix]) prefix++;
    const score = [editDistance(a, b), -prefix, Math.abs(b.length - a.length)];
    const better =
      score[0] !== bestScore[0]
        ? score[0] < bestScore[0]
        : score[1] !== bestScore[1]
          ? score[1] < bestScore[1]
          : score[2] < bestScore[2];
    if (better) {
      best = candidate;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore[0] <= Math.min(2, Math.floor(Math.max(input.length, best.length) / 2))
    ? best
    : undefined;
}

/** ' (did you mean "x"?)' for a near miss, else ''. */
export function didYouMean(input: string, candidates: readonly string[], prefix = ''): string {
  const match = nearest(input, candidates);
  return match === undefined ? '' : ` (did you mean "${prefix}${match}"?)`;
}

export interface FlagSpec {
  /** Long name without dashes, e.g. 'data-dir'. */
  name: string;
  type: FlagType;
  description: string;
  /** Allowed values (for string and list flags). */
  values?: readonly string[];
  /** Shown in help; not applied by the parser. */
  defaultText?: string;
  /** May be given several times (values collected in a list). */
  repeatable?: boolean;
}

export interface CommandSpec {
  name: string;
  /** How messages name the command (default `dil <name>`), e.g. 'bench/agreement.ts' for a script. */
  label?: string;
  /** One line. */
  summary: string;
  /** e.g. 'dil ablate <din|dien|dmin|dhan> [flags]'. */
  usage: string;
  flags: FlagSpec[];
  examples: string[];
  /** Extra paragraphs printed after the flags. */
  details?: string[];
}

/** The command as messages name it: its label, else `dil <name>`. */
export function commandLabel(command: CommandSpec): string {
  return command.label ?? `dil ${command.name}`;
}

export type FlagValue = string | number | boolean | string[];

export interface ParsedArgs {
  flags: Record<string, FlagValue>;
  positionals: string[];
}

function parseValue(label: string, spec: FlagSpec, raw: string): FlagValue {
  const where = `${label}: --${spec.name}`;
  switch (spec.type) {
    case 'number': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${where} expects a number, got "${raw}"`);
      return v;
    }
    case 'int': {
      const v = Number(raw);
      if (!Number.isInteger(v)) throw new UsageError(`${where} expects an integer, got "${raw}"`);
      return v;
    }
    case 'seed': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(v) || v < 0 || v >= SEED_LIMIT) {
        throw new UsageError(`${where} expects an integer in [0, 2^32) = [0, ${SEED_LIMIT - 1}], got "${raw}"`);
      }
      return v;
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (spec.values) {
        for (const item of items) {
          if (!spec.values.includes(item)) {
            throw new UsageError(
              `${where}: "${item}" is not valid; valid values: ` +
                `${spec.values.join(', ')}${didYouMean(item, spec.values)}`,
            );
          }
        }
      }
      return items;
    }
    case 'string':
      if (spec.values && !spec.values.includes(raw)) {
        throw new UsageError(
          `${where}: "${raw}" is not valid; valid values: ${spec.values.join(', ')}${didYouMean(raw, spec.values)}`,
        );
      }
      return raw;
    default:
      throw new UsageError(`${where} takes no value`);
  }
}

/** Parses `argv` (after the command name) against `command.flags`. */
export function parseArgs(command: CommandSpec, argv: string[]): ParsedArgs {
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  const byName = new Map(command.flags.map((f) => [f.name, f]));
  const label = commandLabel(command);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && arg !== '-h') {
        throw new UsageError(`${label}: unknown option "${arg}"; options are long flags (--name); see ${label} --help`);
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = byName.get(name);
    if (!spec) {
      const valid = command.flags.map((f) => `--${f.name}`).join(', ');
      const names = command.flags.map((f) => f.name);
      throw new UsageError(`${label}: unknown flag "--${name}"${didYouMean(name, names, '--')}; valid flags: ${valid}`);
    }
    let value: FlagValue;
    if (spec.type === 'boolean') {
      if (eq >= 0) {
        const raw = arg.slice(eq + 1);
        if (raw !== 'true' && raw !== 'false')
          throw new UsageError(`${label}: --${name} expects true or false, got "${raw}"`);
        value = raw === 'true';
      } else value = true;
    } else {
      let raw: string;
      if (eq >= 0) raw = arg.slice(eq + 1);
      else {
        if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) {
          throw new UsageError(
            `${label}: --${name} needs a value${spec.values ? ` (one of: ${spec.values.join(', ')})` : ''}`,
          );
        }
        raw = argv[++i];
      }
      value = parseValue(label, spec, raw);
    }
    if (spec.repeatable) {
      const previous = flags[name];
      const list = Array.isArray(previous) ? previous : [];
      flags[name] = [...list, ...(Array.isArray(value) ? value : [String(value)])];
    } else {
      if (name in flags) throw new UsageError(`${label}: --${name} given twice`);
      flags[name] = value;
    }
  }
  return { flags, positionals };
}

/** Help text: usage, summary, flags (with valid values and defaults), examples. */
export function formatHelp(command: CommandSpec): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary, ''];
  if (command.flags.length > 0) {
    lines.push('Flags:');
    const labels = command.flags.map(
      (f) =>
        `  --${f.name}` +
        (f.type === 'boolean' ? '' : ` <${f.type === 'list' ? 'a,b,...' : f.type === 'seed' ? 'int' : f.type}>`),
    );
    const width = Math.max(...labels.map((l) => l.length)) + 2;
    command.flags.forEach((f, i) => {
      let text = f.description;
      if (f.values) text += ` (${f.values.join(' | ')})`;
      if (f.defaultText) text += ` [default: ${f.defaultText}]`;
      lines.push(`${labels[i].padEnd(width)}${text}`);
    });
    lines.push(`${'  --help'.padEnd(width)}this help`);
    lines.push('');
  }
  if (command.details) lines.push(...command.details, '');
  if (command.examples.length > 0) {
    lines.push('Examples:');
    for (const e of command.examples) lines.push(`  ${e}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Typed getters over parsed flags. */
export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return v === undefined ? undefined : String(v);
}

export function flagNumber(args: ParsedArgs, name: string): number | undefined {
  const v = args.flags[name];
  return typeof v === 'number' ? v : undefined;
}

/** A number flag that must be at least `min` (a UsageError naming the flag otherwise); undefined when absent. */
export function flagAtLeast(command: CommandSpec, args: ParsedArgs, name: string, min: number): number | undefined {
  const v = flagNumber(args, name);
  if (v === undefined || v >= min) return v;
  const what = command.flags.find((f) => f.name === name)?.type === 'number' ? 'a number' : 'an integer';
  throw new UsageError(`${commandLabel(command)}: --${name} expects ${what} >= ${min}, got ${v}`);
}

/** A boolean flag; `fallback` when it is absent (flags that default to on: `--name=false` turns them off). */
export function flagBool(args: ParsedArgs, name: string, fallback = false): boolean {
  const v = args.flags[name];
  return v === undefined ? fallback : v === true;
}

export function flagList(args: ParsedArgs, name: string): string[] | undefined {
  const v = args.flags[name];
  return Array.isArray(v) ? v : undefined;
}

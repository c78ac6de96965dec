/** `key=value` entries (`--option`, `--synthetic`; nested keys with dots) -> an options object. */
import { UsageError } from '../args';

/** JSON when it parses (numbers, booleans, arrays), else the raw string. */
function parseOptionValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Names every object has (prototype members): never option keys. */
function isPrototypeName(key: string): boolean {
  return key === '__proto__' || key === 'prototype' || key in Object.prototype;
}

/** Sets options[a][b][c] = value for the path ['a', 'b', 'c'], creating objects on the way. */
function setPath(options: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = options;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * Adds every `key=value` entry to `options` (e.g. 'mlp.hidden=[80,40]' sets
 * options.mlp.hidden = [80, 40]) and returns it; `flag` names the command and flag in errors
 * (e.g. 'dil train: --option').
 */
export function addOptionEntries(
  options: Record<string, unknown>,
  entries: string[],
  flag: string,
): Record<string, unknown> {
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} "${entry}" must look like key=value`);
    const keys = entry.slice(0, eq).split('.');
    const bad = keys.find((k) => k === '' || isPrototypeName(k));
    if (bad !== undefined) {
      throw new UsageError(
        `${flag} "${entry}": "${bad}" is not an option ` +
          `name${bad === '' ? ' (empty key)' : ' (it names a member every JavaScript object has)'}`,
      );
    }
    setPath(options, keys, parseOptionValue(entry.slice(eq + 1)));
  }
  return options;
}

/**
 * Checks model options given on the command line against the model's config fields before
 * any work: only own fields of the model's defaults count (so `constructor` or `toString`
 * are not fields), and each message names the flag the user typed.
 */
import { MODEL_DEFAULTS, ModelName } from '../../models';
import { didYouMean, UsageError } from '../args';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Models whose config has the (dotted) field `keyPath`. */
export function modelsWithField(keyPath: string): string[] {
  return Object.entries(MODEL_DEFAULTS)
    .filter(([, defaults]) => {
      let node: unknown = defaults;
      for (const key of keyPath.split('.')) {
        if (!isPlainObject(node) || !hasOwn(node, key)) return false;
        node = node[key];
      }
      return true;
    })
    .map(([name]) => name);
}

/**
 * Throws a UsageError for the first key of `options` that is no field of `model`'s config.
 * `flagOf(keyPath)` says which flag set the field (e.g. 'interestHeads' -> '--heads'), `command`
 * prefixes the message ('dil train').
 */
export function checkModelOptions(
  command: string,
  model: string,
  options: Record<string, unknown>,
  flagOf: (keyPath: string) => string,
): void {
  const defaults = MODEL_DEFAULTS[model as ModelName];
  if (!defaults) return; // an unknown model is reported by the --model check
  const walk = (node: Record<string, unknown>, base: Record<string, unknown>, prefix: string) => {
    for (const key of Object.keys(node)) {
      const keyPath = `${prefix}${key}`;
      if (!hasOwn(base, key)) {
        const flag = flagOf(keyPath);
        const owners = modelsWithField(keyPath);
        if (!flag.startsWith('--option')) {
          throw new UsageError(
            `${command}: ${flag} applies to ${owners.join(', ') || 'no model'}, not to --model ${model}`,
          );
        }
        const known = Object.keys(base);
        throw new UsageError(
          `${command}: ${flag} "${keyPath}" is not an option of ${model}${didYouMean(key, known)}` +
            `${owners.length > 0 ? ` (it is one of ${owners.join(', ')})` : ''}; ` +
            `options${prefix ? ` under ${prefix.slice(0, -1)}` : ''}: ${known.join(', ')}`,
        );
      }
      const value = node[key];
      const fieldDefault = base[key];
      if (isPlainObject(value) && isPlainObject(fieldDefault)) walk(value, fieldDefault, `${keyPath}.`);
    }
  };
  walk(options, defaults as Record<string, unknown>, '');
}

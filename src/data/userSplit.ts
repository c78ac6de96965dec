/**
 * Seeded user splits. 'exact': a seeded shuffle, the first round(fraction * n) users are held
 * out, so sizes are known in advance. 'bernoulli': one seeded coin per user (the DIEN script's
 * `randint(1,10) == 2`, but seeded).
 */
import { Rng } from '../random';
import type { UserSplitMode } from './types';

/** Returns a Uint8Array over `candidates` (1 = held out). */
export function holdOutUsers(candidates: Int32Array, fraction: number, mode: UserSplitMode, rng: Rng): Uint8Array {
  const out = new Uint8Array(candidates.length);
  if (fraction <= 0 || candidates.length === 0) return out;
  if (mode === 'bernoulli') {
    for (let i = 0; i < candidates.length; i++) out[i] = rng.next() < fraction ? 1 : 0;
    return out;
  }
  const order = new Int32Array(candidates.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  rng.shuffle(order);
  const k = Math.round(fraction * candidates.length);
  for (let i = 0; i < k; i++) out[order[i]] = 1;
  return out;
}

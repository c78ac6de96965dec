/**
 * Click probability of one synthetic target (the formulas are in the module comment of
 * synthetic.ts): a `match` in [0, 1] from the click rule, mapped to [noise, 1 - noise], then
 * shifted on the logit scale by the item's popularity and the user's activity.
 */
import type { SyntheticOptions } from './syntheticOptions';

/**
 * `match` of the 'interests' rule: the best of the user's current interests.
 * @param interests the K current interests, 0-based sub-category ids
 */
export function interestMatch(o: SyntheticOptions, sub: number, top: number, interests: Int32Array): number {
  let match = 0;
  for (const k of interests) {
    const m =
      (1 - o.topWeight) * (sub === k + 1 ? 1 : 0) + o.topWeight * (top === Math.floor(k / o.subPerTop) + 1 ? 1 : 0);
    if (m > match) match = m;
  }
  return match;
}

/**
 * `match` of the 'recentPair' and 'brandPair' rules for one target.
 * @param history the user's T behaviours (item ids), oldest first
 */
export function pairRuleMatch(
  o: SyntheticOptions,
  item: number,
  history: Int32Array,
  subOf: Int32Array,
  brandOf: Int32Array,
): number {
  const sub = subOf[item];
  // sub - 1 = top * subPerTop + s (ids are 1-based); the partner is s XOR 1 under the same top
  const s = (sub - 1) % o.subPerTop;
  const partner = sub - s + (s ^ 1);
  const from = o.clickRule === 'recentPair' ? Math.max(0, history.length - o.recentWindow) : 0;
  let own = false;
  let other = false;
  for (let t = from; t < history.length; t++) {
    const b = history[t];
    if (o.clickRule === 'brandPair' && brandOf[b] !== brandOf[item]) continue;
    if (subOf[b] === sub) own = true;
    if (subOf[b] === partner) other = true;
  }
  return own && other ? 1 : 0;
}

/**
 * p(click) = sigmoid(logit(noise + (1 - 2 * noise) * match) + shift), with shift = the item's
 * popularity term + the user's activity. A zero shift returns the unshifted value exactly.
 */
export function clickProbability(noise: number, match: number, shift: number): number {
  const p = noise + (1 - 2 * noise) * match;
  if (shift === 0) return p;
  return 1 / (1 + Math.exp(-(Math.log(p / (1 - p)) + shift)));
}

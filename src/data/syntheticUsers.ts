/**
 * One synthetic user: interests and their drift, the behaviours, the targets and their labels
 * (the process is in the module comment of synthetic.ts).
 */
import type { Rng } from '../random';
import type { SyntheticOptions } from './syntheticOptions';
import { clickProbability, interestMatch, pairRuleMatch } from './syntheticClicks';
import type { SyntheticWorld } from './syntheticWorld';

export interface SyntheticTarget {
  item: number;
  /** The click probability the label was drawn from. */
  p: number;
  label: number;
}

/** The user's slices of the generator's arrays, written by `simulateUser`. */
export interface SyntheticUserRows {
  /** [steps, K]: 1-based sub-category of each interest at each step. */
  trajectory: Int32Array;
  /** [K]: normalised interest weights. */
  weights: Float32Array;
  /** [T]: behaviours (item ids), oldest first. */
  history: Int32Array;
}

/**
 * @param rng the user's own stream (every draw of the kit without popularity comes from it, in the same order)
 * @param activity the user's click propensity (logit scale)
 */
export function simulateUser(
  o: SyntheticOptions,
  world: SyntheticWorld,
  rng: Rng,
  activity: number,
  rows: SyntheticUserRows,
): SyntheticTarget[] {
  const S = o.topCategories * o.subPerTop;
  const K = o.interests;
  const T = o.historyLength;
  const [subOf, topOf] = world.itemCats;
  const subInTop = (top0: number): number => top0 * o.subPerTop + rng.int(0, o.subPerTop);
  // Initial interests (0-based sub ids) and weights.
  const cur = new Int32Array(K);
  let wsum = 0;
  for (let k = 0; k < K; k++) {
    cur[k] = rng.int(0, S);
    // drawn even when dominantInterest replaces it, so the other draws (and presets) are unchanged
    const w = 0.5 + rng.next();
    rows.weights[k] =
      o.dominantInterest > 0 && K > 1 ? (k === 0 ? o.dominantInterest : (1 - o.dominantInterest) / (K - 1)) : w;
    wsum += rows.weights[k];
  }
  for (let k = 0; k < K; k++) rows.weights[k] /= wsum;
  for (let t = 0; t <= T; t++) {
    if (t > 0) {
      for (let k = 0; k < K; k++) {
        if (rng.next() < o.drift) {
          const top0 = Math.floor(cur[k] / o.subPerTop);
          if (rng.next() < o.driftJumpTop || o.subPerTop === 1) cur[k] = rng.int(0, S);
          else {
            let s = subInTop(top0);
            if (s === cur[k]) s = top0 * o.subPerTop + (((cur[k] % o.subPerTop) + 1) % o.subPerTop);
            cur[k] = s;
          }
        }
      }
    }
    for (let k = 0; k < K; k++) rows.trajectory[t * K + k] = cur[k] + 1;
    if (t < T) {
      let r = rng.next();
      let k = 0;
      while (k < K - 1 && r >= rows.weights[k]) {
        r -= rows.weights[k];
        k++;
      }
      let item: number;
      if (rng.next() < o.behaviourNoise) item = world.anyItem(rng);
      else if (rng.next() < o.topSpread) item = world.itemOfSub(subInTop(Math.floor(cur[k] / o.subPerTop)), rng);
      else item = world.itemOfSub(cur[k], rng);
      rows.history[t] = item;
    }
  }
  const targets: SyntheticTarget[] = [];
  for (let j = 0; j < o.targetsPerUser; j++) {
    let item: number;
    if (j % 2 === 0) {
      const k = rng.int(0, K);
      item =
        rng.next() < 0.5
          ? world.itemOfSub(cur[k], rng)
          : world.itemOfSub(subInTop(Math.floor(cur[k] / o.subPerTop)), rng);
    } else item = world.anyItem(rng);
    const match =
      o.clickRule === 'interests'
        ? interestMatch(o, subOf[item], topOf[item], cur)
        : pairRuleMatch(o, item, rows.history, subOf, world.brandOf);
    const p = clickProbability(o.noise, match, world.popularityLogit[item] + activity);
    targets.push({ item, p, label: rng.next() < p ? 1 : 0 });
  }
  return targets;
}

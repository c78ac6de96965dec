/**
 * Synthetic click data with known ground truth, the kit's built-in default dataset.
 *
 * World: `topCategories` x `subPerTop` sub-categories x `itemsPerSub` items; every item also
 * has a brand (brands belong to a top category). Category levels in batches:
 *   level 0 'sub' (the leaf, like the Amazon category), level 1 'top' (its parent), level 2 'brand'
 *   (present when brands > 0; not part of the tree).
 *
 * Users: each holds `interests` concurrent interests, each a sub-category node, with weights
 * (random, or `dominantInterest` for the first and the rest shared equally by the others).
 * Over `historyLength + 1` steps every interest drifts: with probability `drift` per step it
 * moves to another sub-category — a sibling under the same top, or with probability
 * `driftJumpTop` anywhere in the tree. At step t < historyLength the user clicks one item:
 * pick an interest by weight; with probability `behaviourNoise` a uniformly random item,
 * otherwise with probability `topSpread` an item of any sub-category under the interest's top,
 * else an item of the interest's own sub-category.
 *
 * Targets (at the last step, with the interests after the last drift): `targetsPerUser`
 * candidates, half near a current interest (same sub or same top), half uniformly random; the
 * click probability is
 *   match  = max_k [ (1 - topWeight) * 1{sub(target) = sub_k} + topWeight * 1{top(target) = top_k} ]
 *   p(click) = noise + (1 - 2 * noise) * match
 * and the label is drawn from it. Two other click rules (`clickRule`) replace `match`; both pair
 * every sub-category with a partner, the sibling whose index under the same top differs in
 * the last bit (s XOR 1; needs an even `subPerTop`):
 *   'recentPair': match = 1 when the target's sub AND its partner both occur among the last
 *                 `recentWindow` behaviours, else 0;
 *   'brandPair':  match = 1 when the history holds an item of the target's brand in the
 *                 target's sub AND one of the target's brand in the partner sub, else 0.
 * They were built to need two attention selections that the sum-pooled features cannot
 * give, for DMIN's interest heads. No preset uses them. Under 'brandPair' without the
 * auxiliary loss, 4 heads beat 1 on every seed (src/experiments/papers/dmin.ts has the
 * command and the numbers).
 *
 * Where each paper's mechanism should help:
 *   drift      (preset 'drift': drift 0.15) — interests move, the latest behaviours predict the
 *              targets better than old ones: AUGRU / interest evolution (DIEN);
 *   interests  (preset 'multi': 4 concurrent interests) — several interests at once: DMIN's heads;
 *   minor interests (preset 'hier': 4 interests, one of them drawing 70% of the behaviours,
 *              clicks follow the TOP category only (topWeight 1), behaviours spread over its
 *              sub-categories (topSpread 1), 8 targets per user) — a target of a minor interest
 *              is backed by two or three behaviours among twenty: DHAN's hierarchical pooling.
 *
 * Measured (2026-11-24, 'small' size, 3 epochs, 3 seeds): under 'drift' AUGRU beats AIGRU, and
 * on 'default' DIN (softmax attention) beats BaseModel. Under 'multi' DMIN with 4 heads does not
 * beat 1 head (src/experiments/papers/dmin.ts). The first 'hier' preset (2 balanced interests,
 * topWeight 0.8) did not let hierarchical pooling beat flat pooling: its click signal was how
 * MANY behaviours share the target's top category, which the sum-pooled features already give.
 * The current 'hier' (2026-12-02) puts the signal in minor interests: flat softmax attention
 * must pick two behaviours out of twenty, while a cluster vector weighs a cluster the same
 * whatever its size (src/experiments/papers/dhan.ts has the numbers).
 */
import { Rng } from '../random';
import { SampleTableBuilder } from './sampleTable';
import type { SampleTable, SplitName, SyntheticGroundTruth, UserSequences } from './types';
import { holdOutUsers } from './userSplit';

export interface SyntheticOptions {
  users: number;
  topCategories: number;
  subPerTop: number;
  itemsPerSub: number;
  /** Number of brands (0: no brand level). */
  brands: number;
  historyLength: number;
  targetsPerUser: number;
  /** Concurrent interests per user (K). */
  interests: number;
  /** Per step probability that an interest moves. */
  drift: number;
  /** Share of drift moves that leave the current top category. */
  driftJumpTop: number;
  /** Weight of the top-level match in the click model (1 - topWeight on the sub-level). */
  topWeight: number;
  /** Probability a behaviour picks any sub-category under the interest's top. */
  topSpread: number;
  /** Probability a behaviour is a uniformly random item. */
  behaviourNoise: number;
  /** Label noise: click probability ranges over [noise, 1 - noise]. */
  noise: number;
  /**
   * Share of behaviours drawn from the user's first interest (0 = every interest weighs
   * 0.5 + U(0, 1) before normalisation). With K > 1 the other interests share the rest
   * equally: a dominant interest and minor ones that targets still hit as often.
   */
  dominantInterest: number;
  /** Click rule: 'interests' (the formula above, default), 'recentPair' or 'brandPair'. */
  clickRule: SyntheticClickRule;
  /** Window of the 'recentPair' rule: how many of the latest behaviours count. */
  recentWindow: number;
}

export type SyntheticClickRule = 'interests' | 'recentPair' | 'brandPair';
export const SYNTHETIC_CLICK_RULES: readonly SyntheticClickRule[] = ['interests', 'recentPair', 'brandPair'];

export const SYNTHETIC_DEFAULTS: SyntheticOptions = {
  users: 20000,
  topCategories: 8,
  subPerTop: 6,
  itemsPerSub: 20,
  brands: 32,
  historyLength: 30,
  targetsPerUser: 4,
  interests: 2,
  drift: 0.05,
  driftJumpTop: 0.3,
  topWeight: 0.3,
  topSpread: 0.2,
  behaviourNoise: 0.1,
  noise: 0.05,
  dominantInterest: 0,
  clickRule: 'interests',
  recentWindow: 6,
};

/** Named presets: each stresses one paper's mechanism. */
export const SYNTHETIC_PRESETS: Record<string, Partial<SyntheticOptions>> = {
  default: {},
  drift: { drift: 0.15, interests: 1, driftJumpTop: 0.5 },
  multi: { interests: 4, drift: 0.02 },
  hier: { interests: 4, dominantInterest: 0.7, topWeight: 1, topSpread: 1, behaviourNoise: 0.05, targetsPerUser: 8, drift: 0.03 },
};

/** Sizes: 'tiny' builds and trains in seconds (CI, smoke notebooks); 'default' for real ablations. */
export const SYNTHETIC_SIZES: Record<string, Partial<SyntheticOptions>> = {
  tiny: { users: 400, historyLength: 15, itemsPerSub: 8, brands: 12 },
  small: { users: 4000, historyLength: 20 },
  default: {},
};

export interface SyntheticBuild {
  options: SyntheticOptions;
  levelNames: string[];
  vocab: { users: string[]; items: string[]; cats: string[][] };
  itemCats: Int32Array[];
  sequences: UserSequences;
  splits: Record<SplitName, SampleTable>;
  groundTruth: SyntheticGroundTruth;
  behaviours: number;
}

export function resolveSyntheticOptions(preset: string, size: string, overrides: Partial<SyntheticOptions> = {}): SyntheticOptions {
  if (!(preset in SYNTHETIC_PRESETS)) throw new Error(`synthetic: unknown preset '${preset}'; expected one of: ${Object.keys(SYNTHETIC_PRESETS).join(', ')}`);
  if (!(size in SYNTHETIC_SIZES)) throw new Error(`synthetic: unknown size '${size}'; expected one of: ${Object.keys(SYNTHETIC_SIZES).join(', ')}`);
  for (const k of Object.keys(overrides)) {
    if (!(k in SYNTHETIC_DEFAULTS)) throw new Error(`synthetic: unknown option '${k}'; expected one of: ${Object.keys(SYNTHETIC_DEFAULTS).join(', ')}`);
  }
  const o: SyntheticOptions = { ...SYNTHETIC_DEFAULTS, ...SYNTHETIC_SIZES[size], ...SYNTHETIC_PRESETS[preset], ...overrides };
  const ints = ['users', 'topCategories', 'subPerTop', 'itemsPerSub', 'historyLength', 'targetsPerUser', 'interests', 'recentWindow'] as const;
  for (const k of ints) if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new Error(`synthetic: ${k}=${o[k]} is invalid; expected an integer >= 1`);
  if (!SYNTHETIC_CLICK_RULES.includes(o.clickRule)) throw new Error(`synthetic: clickRule=${o.clickRule} is invalid; expected one of: ${SYNTHETIC_CLICK_RULES.join(', ')}`);
  if (o.clickRule !== 'interests' && o.subPerTop % 2 !== 0) throw new Error(`synthetic: clickRule=${o.clickRule} pairs sub-categories and needs an even subPerTop, got subPerTop=${o.subPerTop}`);
  if (o.clickRule === 'brandPair' && o.brands === 0) throw new Error('synthetic: clickRule=brandPair needs brands > 0');
  if (!(Number.isInteger(o.brands) && o.brands >= 0)) throw new Error(`synthetic: brands=${o.brands} is invalid; expected an integer >= 0`);
  for (const k of ['drift', 'driftJumpTop', 'topWeight', 'topSpread', 'behaviourNoise', 'dominantInterest'] as const) {
    if (!(o[k] >= 0 && o[k] <= 1)) throw new Error(`synthetic: ${k}=${o[k]} is invalid; expected a number in [0, 1]`);
  }
  if (!(o.noise >= 0 && o.noise < 0.5)) throw new Error(`synthetic: noise=${o.noise} is invalid; expected a number in [0, 0.5)`);
  return o;
}

/**
 * `match` of the 'recentPair' and 'brandPair' rules (see the module comment) for one target.
 * @param history the user's T behaviours (item ids), oldest first
 */
function pairRuleMatch(o: SyntheticOptions, item: number, history: Int32Array, subOf: Int32Array, brandOf: Int32Array): number {
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

export function generateSynthetic(o: SyntheticOptions, seed: number, split: { validFraction: number; testFraction: number }): SyntheticBuild {
  const root = new Rng(seed);
  const worldRng = root.fork('synthetic-world');
  const userRng = root.fork('synthetic-users');
  const S = o.topCategories * o.subPerTop;
  const I = S * o.itemsPerSub;
  // Items: id = 1 + sub * itemsPerSub + j; sub = top * subPerTop + s.
  const items = ['<pad>'];
  const subOf = new Int32Array(I + 1);
  const topOf = new Int32Array(I + 1);
  const brandOf = new Int32Array(I + 1);
  const brandsPerTop = o.brands > 0 ? Math.max(1, Math.floor(o.brands / o.topCategories)) : 0;
  for (let sub = 0; sub < S; sub++) {
    const top = Math.floor(sub / o.subPerTop);
    for (let j = 0; j < o.itemsPerSub; j++) {
      const id = 1 + sub * o.itemsPerSub + j;
      items.push(`item-${top}-${sub % o.subPerTop}-${j}`);
      subOf[id] = sub + 1;
      topOf[id] = top + 1;
      if (o.brands > 0) {
        const b = Math.min(o.brands - 1, top * brandsPerTop + worldRng.int(0, brandsPerTop));
        brandOf[id] = b + 1;
      }
    }
  }
  const subNames = ['<pad>'];
  for (let sub = 0; sub < S; sub++) subNames.push(`sub-${Math.floor(sub / o.subPerTop)}-${sub % o.subPerTop}`);
  const topNames = ['<pad>'];
  for (let t = 0; t < o.topCategories; t++) topNames.push(`top-${t}`);
  const cats = [subNames, topNames];
  const itemCats = [subOf, topOf];
  const levelNames = ['sub', 'top'];
  if (o.brands > 0) {
    const brandNames = ['<pad>'];
    for (let b = 0; b < o.brands; b++) brandNames.push(`brand-${b}`);
    cats.push(brandNames);
    itemCats.push(brandOf);
    levelNames.push('brand');
  }

  const U = o.users;
  const K = o.interests;
  const T = o.historyLength;
  const steps = T + 1;
  const trajectory = new Int32Array((U + 1) * steps * K);
  const weights = new Float32Array((U + 1) * K);
  const offsets = new Int32Array(U + 2);
  const seqItems = new Int32Array(U * T);
  const itemOfSub = (sub0: number, rng: Rng): number => 1 + sub0 * o.itemsPerSub + rng.int(0, o.itemsPerSub);
  const subInTop = (top0: number, rng: Rng): number => top0 * o.subPerTop + rng.int(0, o.subPerTop);
  const users = ['<pad>'];
  const targets: { user: number; item: number; p: number; label: number }[][] = [[]];
  for (let u = 1; u <= U; u++) {
    users.push(`user-${u}`);
    const rng = userRng.fork(`u${u}`);
    // Initial interests (0-based sub ids) and weights.
    const cur = new Int32Array(K);
    let wsum = 0;
    for (let k = 0; k < K; k++) {
      cur[k] = rng.int(0, S);
      // drawn even when dominantInterest replaces it, so the other draws (and presets) are unchanged
      const w = 0.5 + rng.next();
      weights[u * K + k] = o.dominantInterest > 0 && K > 1 ? (k === 0 ? o.dominantInterest : (1 - o.dominantInterest) / (K - 1)) : w;
      wsum += weights[u * K + k];
    }
    for (let k = 0; k < K; k++) weights[u * K + k] /= wsum;
    offsets[u] = (u - 1) * T;
    for (let t = 0; t < steps; t++) {
      if (t > 0) {
        for (let k = 0; k < K; k++) {
          if (rng.next() < o.drift) {
            const top0 = Math.floor(cur[k] / o.subPerTop);
            if (rng.next() < o.driftJumpTop || o.subPerTop === 1) cur[k] = rng.int(0, S);
            else {
              let s = subInTop(top0, rng);
              if (s === cur[k]) s = top0 * o.subPerTop + ((cur[k] % o.subPerTop) + 1) % o.subPerTop;
              cur[k] = s;
            }
          }
        }
      }
      for (let k = 0; k < K; k++) trajectory[(u * steps + t) * K + k] = cur[k] + 1;
      if (t < T) {
        let r = rng.next();
        let k = 0;
        while (k < K - 1 && r >= weights[u * K + k]) {
          r -= weights[u * K + k];
          k++;
        }
        let item: number;
        if (rng.next() < o.behaviourNoise) item = rng.int(1, I + 1);
        else if (rng.next() < o.topSpread) item = itemOfSub(subInTop(Math.floor(cur[k] / o.subPerTop), rng), rng);
        else item = itemOfSub(cur[k], rng);
        seqItems[(u - 1) * T + t] = item;
      }
    }
    const list: { user: number; item: number; p: number; label: number }[] = [];
    for (let j = 0; j < o.targetsPerUser; j++) {
      let item: number;
      if (j % 2 === 0) {
        const k = rng.int(0, K);
        item = rng.next() < 0.5 ? itemOfSub(cur[k], rng) : itemOfSub(subInTop(Math.floor(cur[k] / o.subPerTop), rng), rng);
      } else item = rng.int(1, I + 1);
      let match = 0;
      if (o.clickRule === 'interests') {
        for (let k = 0; k < K; k++) {
          const m = (1 - o.topWeight) * (subOf[item] === cur[k] + 1 ? 1 : 0) + o.topWeight * (topOf[item] === Math.floor(cur[k] / o.subPerTop) + 1 ? 1 : 0);
          if (m > match) match = m;
        }
      } else {
        match = pairRuleMatch(o, item, seqItems.subarray((u - 1) * T, u * T), subOf, brandOf);
      }
      const p = o.noise + (1 - 2 * o.noise) * match;
      list.push({ user: u, item, p, label: rng.next() < p ? 1 : 0 });
    }
    targets.push(list);
  }
  offsets[U + 1] = U * T;

  const all = new Int32Array(U);
  for (let u = 1; u <= U; u++) all[u - 1] = u;
  const testMark = holdOutUsers(all, split.testFraction, 'exact', root.fork('synthetic-test'));
  const rest = all.filter((_, i) => !testMark[i]);
  const validMark = holdOutUsers(rest, split.validFraction, 'exact', root.fork('synthetic-valid'));
  const where = new Uint8Array(U + 1);
  all.forEach((u, i) => (where[u] = testMark[i] ? 2 : 0));
  rest.forEach((u, i) => (where[u] = validMark[i] ? 1 : 0));
  const builders = [new SampleTableBuilder(), new SampleTableBuilder(), new SampleTableBuilder()];
  const probs: number[][] = [[], [], []];
  for (let u = 1; u <= U; u++) {
    for (const s of targets[u]) {
      builders[where[u]].add(u, s.item, s.label, T);
      probs[where[u]].push(s.p);
    }
  }
  const splits = { train: builders[0].build(), valid: builders[1].build(), test: builders[2].build() };
  return {
    options: o,
    levelNames,
    vocab: { users, items, cats },
    itemCats,
    sequences: { offsets, items: seqItems },
    splits,
    behaviours: U * T,
    groundTruth: {
      interests: K,
      steps,
      trajectory,
      interestWeights: weights,
      clickProbability: { train: Float32Array.from(probs[0]), valid: Float32Array.from(probs[1]), test: Float32Array.from(probs[2]) },
      options: { ...o },
    },
  };
}

/**
 * Synthetic click data with known ground truth, the kit's built-in default dataset.
 *
 * World (syntheticWorld.ts): `topCategories` x `subPerTop` sub-categories x `itemsPerSub` items;
 * every item also has a brand (brands belong to a top category). Category levels in batches:
 *   level 0 'sub' (the leaf, like the Amazon category), level 1 'top' (its parent), level 2 'brand'
 *   (present when brands > 0; not part of the tree).
 * Every item has a popularity rank r (a random permutation, 1 = most popular) and the Zipf weight
 * w = r^(-popularity). Wherever an item is drawn below ("an item of a sub-category", "a random
 * item") it is drawn with probability proportional to w among the candidates, as real logs
 * are dominated by a few popular items. popularity = 0 draws uniformly.
 *
 * Users (syntheticUsers.ts): each holds `interests` concurrent interests, each a sub-category
 * node, with weights (random, or `dominantInterest` for the first and the rest shared equally by
 * the others), and a click propensity a_u ~ N(0, activity^2).
 * Over `historyLength + 1` steps every interest drifts: with probability `drift` per step it
 * moves to another sub-category — a sibling under the same top, or with probability
 * `driftJumpTop` anywhere in the tree. At step t < historyLength the user clicks one item:
 * pick an interest by weight; with probability `behaviourNoise` a random item of the catalog,
 * otherwise with probability `topSpread` an item of a uniformly chosen sub-category under the
 * interest's top, else an item of the interest's own sub-category.
 *
 * Targets (at the last step, with the interests after the last drift): `targetsPerUser`
 * candidates, the even-numbered ones (0-based) near a current interest (same sub or same top),
 * the odd ones random items of the catalog (like served impressions, drawn by popularity); the
 * click probability (syntheticClicks.ts) is
 *   match  = max_k [ (1 - topWeight) * 1{sub(target) = sub_k} + topWeight * 1{top(target) = top_k} ]
 *   logit p(click) = logit(noise + (1 - 2 * noise) * match)
 *                  + popularityClick * popularity * (m - log r_target) + a_u,
 *   m = sum_j w_j log r_j / sum_j w_j  (the mean log rank of a drawn item)
 * and the label is drawn from it. The popularity term is the target's log weight relative to an
 * average drawn item; with popularity = 0 and activity = 0 both terms vanish and the generator
 * gives exactly the data of the kit before they existed: p = noise + (1 - 2 * noise) * match.
 * Two other click rules (`clickRule`) replace `match`; both pair every sub-category with a
 * partner, the sibling whose index under the same top differs in the last bit (s XOR 1; needs an
 * even `subPerTop`):
 *   'recentPair': match = 1 when the target's sub AND its partner both occur among the last
 *                 `recentWindow` behaviours, else 0;
 *   'brandPair':  match = 1 when the history holds an item of the target's brand in the
 *                 target's sub AND one of the target's brand in the partner sub, else 0.
 * They were built to need two attention selections that the sum-pooled features cannot
 * give, for DMIN's interest heads. No preset uses them. Under 'brandPair' without the
 * auxiliary loss 4 heads beat 1 (docs/findings/dmin.md).
 *
 * Where each paper's mechanism should help:
 *   drift      (preset 'drift': drift 0.15) — interests move, the latest behaviours predict the
 *              targets better than old ones: AUGRU / interest evolution (DIEN);
 *   interests  (preset 'multi': 4 concurrent interests) — several interests at once: DMIN's heads;
 *   minor interests (preset 'hier': 4 interests, one of them drawing 70% of the behaviours,
 *              clicks follow the TOP category only (topWeight 1), behaviours spread over its
 *              sub-categories (topSpread 1), 8 targets per user) — a target of a minor interest
 *              is backed by two or three behaviours among twenty: DHAN's hierarchical pooling.
 * Popularity and activity are the same in every preset: what a model can learn without
 * matching the target to the history (LR and the item bias of every model).
 *
 * What each preset was measured to show: docs/findings/synthetic.md (section (c) for the data
 * without popularity and activity, docs/findings/{din,dien,dmin,dhan}.md for the models).
 */
import { Rng } from '../random';
import { SampleTableBuilder } from './sampleTable';
import type { SyntheticOptions } from './syntheticOptions';
import type { SyntheticTarget } from './syntheticUsers';
import { simulateUser } from './syntheticUsers';
import type { SyntheticWorld } from './syntheticWorld';
import { buildSyntheticWorld } from './syntheticWorld';
import type { SampleTable, SplitName, SyntheticGroundTruth, UserSequences } from './types';
import { holdOutUsers } from './userSplit';

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

/** Builds the world, simulates every user, then holds out whole users for the valid and test splits. */
export function generateSynthetic(
  o: SyntheticOptions,
  seed: number,
  split: { validFraction: number; testFraction: number },
): SyntheticBuild {
  const root = new Rng(seed);
  const world = buildSyntheticWorld(o, root.fork('synthetic-world'), root.fork('synthetic-popularity'));
  const population = simulateUsers(o, world, root);
  const { splits, clickProbability } = splitByUser(population.targets, o.historyLength, root, split);
  return {
    options: o,
    levelNames: world.levelNames,
    vocab: { users: population.users, items: world.items, cats: world.cats },
    itemCats: world.itemCats,
    sequences: population.sequences,
    splits,
    behaviours: o.users * o.historyLength,
    groundTruth: {
      interests: o.interests,
      steps: o.historyLength + 1,
      trajectory: population.trajectory,
      interestWeights: population.weights,
      clickProbability,
      popularityRank: world.popularityRank,
      userActivity: population.activity,
      options: { ...o },
    },
  };
}

/**
 * Simulates users 1..U (0 is padding) into shared arrays: histories [U * T] (user u's at
 * (u - 1) * T), interest trajectories [(U + 1) * (T + 1) * K], interest weights [(U + 1) * K],
 * click propensities [U + 1], and each user's targets.
 */
function simulateUsers(o: SyntheticOptions, world: SyntheticWorld, root: Rng) {
  const userRng = root.fork('synthetic-users');
  const activityRng = root.fork('synthetic-activity');
  const U = o.users;
  const K = o.interests;
  const T = o.historyLength;
  const steps = T + 1;
  const trajectory = new Int32Array((U + 1) * steps * K);
  const weights = new Float32Array((U + 1) * K);
  const activity = new Float64Array(U + 1);
  const offsets = new Int32Array(U + 2);
  const seqItems = new Int32Array(U * T);
  const users = ['<pad>'];
  const targets: SyntheticTarget[][] = [[]];
  for (let u = 1; u <= U; u++) {
    users.push(`user-${u}`);
    offsets[u] = (u - 1) * T;
    if (o.activity > 0) activity[u] = o.activity * activityRng.normal();
    targets.push(
      simulateUser(o, world, userRng.fork(`u${u}`), activity[u], {
        trajectory: trajectory.subarray(u * steps * K, (u + 1) * steps * K),
        weights: weights.subarray(u * K, (u + 1) * K),
        history: seqItems.subarray((u - 1) * T, u * T),
      }),
    );
  }
  offsets[U + 1] = U * T;
  return { users, targets, trajectory, weights, activity, sequences: { offsets, items: seqItems } };
}

/** Holds out whole users for test, then for valid, and gathers each split's rows (users in id order). */
function splitByUser(
  targets: SyntheticTarget[][],
  T: number,
  root: Rng,
  split: { validFraction: number; testFraction: number },
) {
  const U = targets.length - 1;
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
  return {
    splits: { train: builders[0].build(), valid: builders[1].build(), test: builders[2].build() },
    clickProbability: {
      train: Float32Array.from(probs[0]),
      valid: Float32Array.from(probs[1]),
      test: Float32Array.from(probs[2]),
    },
  };
}

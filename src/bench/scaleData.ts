/**
 * A behaviour log the size of Amazon Electronics (5-core, as in the DIN paper's Table 1:
 * 192,403 users, 63,001 items, 801 categories, 1,689,188 reviews), or a fraction of it, for
 * the bench's scale measurements. Only the sizes are Electronics': every user has at least 5
 * behaviours (5-core) plus a geometric number more (mean 8.78 in all), items are drawn with a
 * popularity skew, each item has one category. Through the DIN protocol it gives
 * 2 x (behaviours - 2 x users) = about 2.6M training rows at full size.
 */
import type { BehaviourLog } from '../data/behaviourLog';
import { Rng } from '../random';

export const AMAZON_ELECTRONICS = Object.freeze({ users: 192403, items: 63001, cats: 801, behaviours: 1689188 });

/** Fewest behaviours per user (5-core). */
const MIN_PER_USER = 5;

/** The log at `fraction` of Electronics (users and items scaled, categories kept), from `seed`. */
export function electronicsLikeLog(fraction: number, seed: number): BehaviourLog {
  if (!(fraction > 0 && fraction <= 1))
    throw new Error(`electronicsLikeLog: fraction must be in (0, 1], got ${fraction}`);
  const E = AMAZON_ELECTRONICS;
  const U = Math.max(1, Math.round(E.users * fraction));
  const I = Math.max(2, Math.round(E.items * fraction));
  const C = E.cats;
  const rng = new Rng(seed);
  const itemRng = rng.fork('item-categories');
  const itemCat = new Int32Array(I + 1);
  for (let i = 1; i <= I; i++) itemCat[i] = itemRng.int(1, C);
  // Geometric extra length on {0, 1, ...} with mean (E.behaviours / E.users - 5): p = 1 / (1 + mean).
  const extraMean = E.behaviours / E.users - MIN_PER_USER;
  const logKeep = Math.log(1 - 1 / (1 + extraMean));
  const lenRng = rng.fork('lengths');
  const offsets = new Int32Array(U + 2);
  for (let u = 1; u <= U; u++) {
    const extra = Math.floor(Math.log(1 - lenRng.next()) / logKeep);
    offsets[u + 1] = offsets[u] + MIN_PER_USER + extra;
  }
  const total = offsets[U + 1];
  const items = new Int32Array(total);
  const times = new Float64Array(total);
  const pickRng = rng.fork('items');
  for (let u = 1; u <= U; u++) {
    for (let k = offsets[u]; k < offsets[u + 1]; k++) {
      // Popularity skew: item rank ~ I * x^2 (the most popular items are drawn most).
      const x = pickRng.next();
      items[k] = 1 + Math.min(I - 1, Math.floor(I * x * x));
      times[k] = k - offsets[u];
    }
  }
  const names = (prefix: string, n: number) => ['<pad>', ...Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`)];
  return {
    name: `electronics-like:${fraction}`,
    sourceChecksums: [],
    users: names('u', U),
    items: names('i', I),
    cats: [names('c', C - 1)],
    levelNames: ['category'],
    itemCats: [itemCat],
    sequences: { offsets, items },
    times,
  };
}

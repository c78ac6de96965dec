/**
 * The synthetic catalog: items in a category tree (top -> sub), brands, and each item's
 * popularity, which decides how often an item is drawn and shifts its click logit.
 *
 * Item ids: 1 + sub * itemsPerSub + j, with sub = top * subPerTop + s (0 = padding), so the
 * items of one sub-category are a contiguous id range.
 *
 * Popularity (exponent `popularity` = s): a random permutation gives every item a rank
 * r_i in 1..I (1 = most popular), its weight is w_i = r_i^(-s) (Zipf), and
 *   popularityLogit_i = popularityClick * s * (m - log r_i),  m = sum_j w_j log r_j / sum_j w_j,
 * the item's log weight relative to that of an average drawn item (centred over the draws, not
 * the catalog, so a typical target keeps its click rate and the match its contrast).
 * With s = 0 every item weighs the same and the draws are the uniform ones of the kit before
 * popularity existed (same random numbers, same data).
 */
import type { Rng } from '../random';
import type { SyntheticOptions } from './syntheticOptions';

export interface SyntheticWorld {
  /** Item names, index = item id ('<pad>' at 0). */
  items: string[];
  /** Category levels: 'sub', 'top' and, when brands > 0, 'brand'. */
  levelNames: string[];
  /** Category names per level, index = category id ('<pad>' at 0). */
  cats: string[][];
  /** [items + 1] per level: the item's category id (1-based) at that level. */
  itemCats: Int32Array[];
  /** [items + 1] brand id of each item (all 0 when brands = 0). */
  brandOf: Int32Array;
  /** [items + 1] popularity rank of each item (1 = most popular; 0 at the padding id). */
  popularityRank: Int32Array;
  /** [items + 1] the item's popularity term of the click logit (formula in the module comment). */
  popularityLogit: Float64Array;
  /** An item of 0-based sub-category `sub0`, drawn by popularity (uniformly when popularity = 0). */
  itemOfSub(sub0: number, rng: Rng): number;
  /** Any item of the catalog, drawn by popularity (uniformly when popularity = 0). */
  anyItem(rng: Rng): number;
}

/**
 * @param worldRng brands of the items
 * @param popularityRng the popularity ranks (a stream of its own, so the other draws stay those of the kit without
 * popularity)
 */
export function buildSyntheticWorld(o: SyntheticOptions, worldRng: Rng, popularityRng: Rng): SyntheticWorld {
  const S = o.topCategories * o.subPerTop;
  const I = S * o.itemsPerSub;
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
      if (o.brands > 0) brandOf[id] = 1 + Math.min(o.brands - 1, top * brandsPerTop + worldRng.int(0, brandsPerTop));
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

  const popularityRank = new Int32Array(I + 1);
  popularityRank.set(popularityRng.shuffle(Int32Array.from({ length: I }, (_, i) => i + 1)), 1);
  // cumulative[i] = w_1 + ... + w_i, so a sub's items (a contiguous id range) are one slice of it
  const cumulative = new Float64Array(I + 1);
  let weightedLogRank = 0;
  for (let i = 1; i <= I; i++) {
    const w = popularityRank[i] ** -o.popularity;
    cumulative[i] = cumulative[i - 1] + w;
    weightedLogRank += w * Math.log(popularityRank[i]);
  }
  const meanDrawnLogRank = weightedLogRank / cumulative[I];
  const popularityLogit = new Float64Array(I + 1);
  if (o.popularity > 0)
    for (let i = 1; i <= I; i++)
      popularityLogit[i] = o.popularityClick * o.popularity * (meanDrawnLogRank - Math.log(popularityRank[i]));
  /** The item in ids first..last (inclusive) whose cumulative-weight interval holds u. */
  const drawIn = (first: number, last: number, rng: Rng): number => {
    const u = cumulative[first - 1] + rng.next() * (cumulative[last] - cumulative[first - 1]);
    let lo = first;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    items,
    levelNames,
    cats,
    itemCats,
    brandOf,
    popularityRank,
    popularityLogit,
    itemOfSub: (sub0, rng) =>
      o.popularity > 0
        ? drawIn(1 + sub0 * o.itemsPerSub, (sub0 + 1) * o.itemsPerSub, rng)
        : 1 + sub0 * o.itemsPerSub + rng.int(0, o.itemsPerSub),
    anyItem: (rng) => (o.popularity > 0 ? drawIn(1, I, rng) : rng.int(1, I + 1)),
  };
}

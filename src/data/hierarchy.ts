/**
 * The category hierarchy (`Dataset.hierarchy`): for each level of the category tree, the parent
 * of every category, inferred from the items' category ids.
 */
import type { CategoryHierarchy } from './types';

/** parentOf[l][c] = the most frequent level-(l+1) id among items whose level-l id is c (ties: smallest id). */
export function buildHierarchy(itemCats: Int32Array[], sizes: number[], parentLevels: boolean[]): CategoryHierarchy {
  const parentOf: (Int32Array | null)[] = [];
  for (let l = 0; l < itemCats.length; l++) {
    if (l === itemCats.length - 1 || !parentLevels[l]) {
      parentOf.push(null);
      continue;
    }
    const counts = new Map<number, number>();
    const child = itemCats[l];
    const par = itemCats[l + 1];
    const P = sizes[l + 1];
    for (let i = 1; i < child.length; i++) {
      const key = child[i] * P + par[i];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const map = new Int32Array(sizes[l]);
    const best = new Int32Array(sizes[l]);
    for (const [key, n] of [...counts.entries()].sort((a, b) => a[0] - b[0])) {
      const c = Math.floor(key / P);
      if (n > best[c]) {
        best[c] = n;
        map[c] = key % P;
      }
    }
    parentOf.push(map);
  }
  return { parentOf };
}

/**
 * The source-independent form every reader produces and both protocols consume: users with
 * time-ordered click sequences and an item table with one or more category levels.
 *
 * Ids: vocabularies are sorted by key (as the DIN repo's remap script does) and shifted by
 * one, so id 0 is padding everywhere. Each user's events are sorted stably by
 * (timestamp, order of appearance in the source) — docs/papers.md §0.
 */
import type { UserSequences } from './types';

export interface BehaviourLog {
  /** Canonical name of the source, e.g. 'amazon:Beauty'. */
  name: string;
  /** sha256 of every source file, in a fixed order. */
  sourceChecksums: string[];
  /** Index = id; index 0 = '<pad>'. */
  users: string[];
  items: string[];
  /** Per level, category names (index 0 = '<pad>'). */
  cats: string[][];
  levelNames: string[];
  /** Per level, [items] category id of each item. */
  itemCats: Int32Array[];
  /** Per user id, time-ordered item ids. */
  sequences: UserSequences;
  /** Per user id, [behaviours] timestamps aligned with sequences.items. */
  times: Float64Array;
}

/** A growable Int32/Float64 column for streaming readers. */
export class GrowableColumn<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(private data: T) {}

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as { new (n: number): T })(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i];
  }

  toArray(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** Interns strings to dense indices in first-appearance order. */
export class Interner {
  readonly index = new Map<string, number>();
  readonly keys: string[] = [];

  intern(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.keys.length;
      this.index.set(key, i);
      this.keys.push(key);
    }
    return i;
  }

  /** Sorted vocabulary ('<pad>' first) and the map from first-appearance index to id. */
  sortedIds(): { vocab: string[]; idOf: Int32Array } {
    const order = this.keys
      .map((_, i) => i)
      .sort((a, b) => (this.keys[a] < this.keys[b] ? -1 : this.keys[a] > this.keys[b] ? 1 : 0));
    const idOf = new Int32Array(this.keys.length);
    const vocab = ['<pad>'];
    order.forEach((k, rank) => {
      idOf[k] = rank + 1;
      vocab.push(this.keys[k]);
    });
    return { vocab, idOf };
  }
}

/**
 * Builds a BehaviourLog from raw events (first-appearance user/item indices, times, in source
 * order) and per-item category keys per level (indexed by first-appearance item index).
 */
export function buildBehaviourLog(args: {
  name: string;
  sourceChecksums: string[];
  users: Interner;
  items: Interner;
  eventUser: Int32Array;
  eventItem: Int32Array;
  eventTime: Float64Array;
  /** Per level, per first-appearance item index, the category key. */
  itemCatKeys: string[][];
  levelNames: string[];
}): BehaviourLog {
  const { vocab: users, idOf: userId } = args.users.sortedIds();
  const { vocab: items, idOf: itemId } = args.items.sortedIds();
  const n = args.eventUser.length;
  const U = users.length;
  // Counting sort by user id keeps source order within a user; then stable sort by time.
  const counts = new Int32Array(U + 1);
  for (let e = 0; e < n; e++) counts[userId[args.eventUser[e]] + 1]++;
  const offsets = new Int32Array(U + 1);
  for (let u = 1; u <= U; u++) offsets[u] = offsets[u - 1] + counts[u];
  // offsets has length U+1 where offsets[u]..offsets[u+1] for u in [0, U-1]; user 0 (pad) is empty.
  const fill = offsets.slice();
  const order = new Int32Array(n);
  for (let e = 0; e < n; e++) order[fill[userId[args.eventUser[e]]]++] = e;
  const seqItems = new Int32Array(n);
  const times = new Float64Array(n);
  for (let u = 1; u < U; u++) {
    const a = offsets[u];
    const b = offsets[u + 1];
    const slice = Array.from(order.subarray(a, b));
    slice.sort((x, y) => args.eventTime[x] - args.eventTime[y] || x - y);
    for (let i = 0; i < slice.length; i++) {
      seqItems[a + i] = itemId[args.eventItem[slice[i]]];
      times[a + i] = args.eventTime[slice[i]];
    }
  }
  const cats: string[][] = [];
  const itemCats: Int32Array[] = [];
  for (let l = 0; l < args.itemCatKeys.length; l++) {
    const interner = new Interner();
    const firstIdx = args.itemCatKeys[l].map((k) => interner.intern(k));
    const { vocab, idOf } = interner.sortedIds();
    const col = new Int32Array(items.length);
    for (let i = 0; i < firstIdx.length; i++) col[itemId[i]] = idOf[firstIdx[i]];
    cats.push(vocab);
    itemCats.push(col);
  }
  return {
    name: args.name,
    sourceChecksums: args.sourceChecksums,
    users,
    items,
    cats,
    levelNames: args.levelNames,
    itemCats,
    sequences: { offsets, items: seqItems },
    times,
  };
}

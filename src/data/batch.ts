/**
 * The contract between the data layer and the models: one mini-batch as flat typed arrays,
 * ready to become tensors. Built once by the data layer (masks included); models never
 * re-derive masks or padding.
 *
 * Conventions
 * - id 0 is padding in every vocabulary (items, every category level, users).
 * - Histories are post-padded: positions 0..len-1 hold behaviours oldest -> newest,
 *   positions len..T-1 are padding (id 0, mask 0).
 * - B = batch size, T = padded history length, L = number of category levels.
 * - Category levels: level 0 is the protocol's category (DIN: categories[-1][-1],
 *   DIEN: categories[0][-1]); levels 1..L-1 are coarser parents or other item dimensions
 *   (brand, ...) used by DHAN's hierarchy. Every level is a function of the item.
 */
export interface Batch {
  /** B */
  size: number;
  /** T, the padded history length. */
  maxLen: number;
  /** L, the number of category levels carried. */
  levels: number;
  /** [B] user id (for gAUC and user-split bookkeeping). */
  users: Int32Array;
  /** [B] target item id. */
  targetItems: Int32Array;
  /** L arrays of [B]: the target's category id at each level. */
  targetCats: Int32Array[];
  /** [B*T] row-major [B, T]: history item ids, 0 = padding. */
  histItems: Int32Array;
  /** L arrays of [B*T]: history category ids per level. */
  histCats: Int32Array[];
  /** [B*T] 1 for a real behaviour, 0 for padding. */
  histMask: Float32Array;
  /** [B] number of real behaviours (1..T; 0 only for users without history). */
  histLen: Int32Array;
  /** [B] click label 0/1. */
  labels: Float32Array;
  /**
   * Auxiliary-loss negatives (DIEN, DMIN), present when the dataset was asked for them:
   * [B*T] negHistItems[b, t] = a sampled item that is NOT the behaviour at position t,
   * used against the hidden state of position t-1 (t = 1..len-1). Re-sampled per epoch.
   */
  negHistItems?: Int32Array;
  /** L arrays of [B*T]: categories of negHistItems. */
  negHistCats?: Int32Array[];
}

/** Vocabulary sizes a model needs to allocate its embedding tables (sizes include padding id 0). */
export interface FeatureSizes {
  users: number;
  items: number;
  /** One size per category level (level 0 first). */
  cats: number[];
}

/** True when both vocabularies have the same sizes (a model built for one can score the other). */
export function sameFeatureSizes(a: FeatureSizes, b: FeatureSizes): boolean {
  return (
    a.users === b.users &&
    a.items === b.items &&
    a.cats.length === b.cats.length &&
    a.cats.every((c, i) => c === b.cats[i])
  );
}

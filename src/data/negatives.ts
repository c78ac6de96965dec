/**
 * Negative samplers shared by the protocols (target negatives) and the batcher (auxiliary-loss
 * negatives). 'uniform' draws item ids uniformly from 1..items-1 (DIN repo's build_dataset);
 * 'popularity' draws a random behaviour row, i.e. proportionally to how often an item was
 * clicked (DIEN repo: a random line of reviews-info).
 */
import type { Rng } from '../random';
import type { NegativeSampler, UserSequences } from './types';

export class NegativeDrawer {
  /** stamp[item] === owner marks the items of the user currently excluded. */
  private readonly stamp: Int32Array;
  private owner = 0;
  private ownerStamp = 0;

  constructor(
    private readonly kind: NegativeSampler,
    /** Vocabulary size including padding. */
    private readonly itemCount: number,
    /** Pool of the popularity sampler: every behaviour row. */
    private readonly pool: Int32Array,
    private readonly sequences: UserSequences,
    /** When true only the positive at the same position is excluded (the official DIEN behaviour). */
    private readonly allowOwnHistory: boolean,
  ) {
    if (itemCount < 3) throw new Error(`negative sampling needs at least 2 items, the vocabulary has ${itemCount - 1}`);
    if (kind === 'popularity' && pool.length === 0) throw new Error('popularity negatives need at least one behaviour');
    this.stamp = new Int32Array(itemCount);
  }

  /** Marks user u's clicked items as excluded for the following draws. */
  private excludeUser(user: number): void {
    if (this.owner === user && this.ownerStamp !== 0) return;
    this.owner = user;
    this.ownerStamp++;
    const s = this.ownerStamp;
    const { offsets, items } = this.sequences;
    for (let i = offsets[user]; i < offsets[user + 1]; i++) this.stamp[items[i]] = s;
  }

  /** One negative for `user`, never equal to `positive`; never one of the user's items unless allowOwnHistory. */
  draw(rng: Rng, user: number, positive: number): number {
    if (!this.allowOwnHistory) this.excludeUser(user);
    for (let attempt = 0; attempt < 10000; attempt++) {
      const cand = this.kind === 'uniform' ? rng.int(1, this.itemCount) : this.pool[rng.int(0, this.pool.length)];
      if (cand === positive || cand === 0) continue;
      if (!this.allowOwnHistory && this.stamp[cand] === this.ownerStamp) continue;
      return cand;
    }
    throw new Error(`could not draw a negative for user ${user}: (nearly) every item is among the user's positives`);
  }
}

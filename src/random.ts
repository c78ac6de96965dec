/**
 * Seeded pseudo-random numbers for everything stochastic in the kit: splits, negative
 * sampling, shuffling, weight initialisation. One seed fixes a run.
 *
 * Generator: mulberry32 (32-bit state, period 2^32), fast and good enough for sampling.
 * Derive independent streams with `rng.fork(label)` instead of sharing one generator
 * between concerns, so that adding a draw in one place never shifts another.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // The state is 32 bits: a larger or negative seed would wrap onto another seed's stream.
    if (!Number.isFinite(seed) || seed < 0 || seed >= 2 ** 32)
      throw new Error(`Rng: seed must be a number in [0, 2^32), got ${seed}`);
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer uniform in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles `a` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /** A new generator whose stream depends only on this generator's seed state and `label`. */
  fork(label: string): Rng {
    let h = this.state ^ 0x85ebca6b;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    return new Rng(h >>> 0);
  }
}

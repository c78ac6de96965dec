/**
 * Options of the synthetic generator (synthetic.ts describes the model they drive): defaults,
 * the named presets and sizes, and their validation.
 */

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
  /** Probability a behaviour is a random item of the catalog (drawn by popularity). */
  behaviourNoise: number;
  /** Label noise: before the popularity and activity terms, click probability ranges over [noise, 1 - noise]. */
  noise: number;
  /**
   * Share of behaviours drawn from the user's first interest (0 = every interest weighs
   * 0.5 + U(0, 1) before normalisation). With K > 1 the other interests share the rest
   * equally: a dominant interest and minor ones that targets still hit as often.
   */
  dominantInterest: number;
  /** Click rule: 'interests' (the match formula in synthetic.ts, default), 'recentPair' or 'brandPair'. */
  clickRule: SyntheticClickRule;
  /** Window of the 'recentPair' rule: how many of the latest behaviours count. */
  recentWindow: number;
  /**
   * Zipf exponent s of item popularity: item weight rank^(-s) decides how often an item is
   * drawn (behaviours, targets). 0: every item equally likely, and no popularity click term.
   */
  popularity: number;
  /** Weight of the item's log-popularity (relative to an average drawn item) in the click logit. */
  popularityClick: number;
  /**
   * Standard deviation of the per-user click propensity added to the click logit (some users
   * click more than others). With popularity = 0 and activity = 0 the data is that of the kit
   * before both existed.
   */
  activity: number;
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
  popularity: 1,
  popularityClick: 0.6,
  activity: 0.5,
};

/** Named presets: each stresses one paper's mechanism. */
export const SYNTHETIC_PRESETS: Record<string, Partial<SyntheticOptions>> = {
  default: {},
  drift: { drift: 0.15, interests: 1, driftJumpTop: 0.5 },
  multi: { interests: 4, drift: 0.02 },
  hier: {
    interests: 4,
    dominantInterest: 0.7,
    topWeight: 1,
    topSpread: 1,
    behaviourNoise: 0.05,
    targetsPerUser: 8,
    drift: 0.03,
  },
};

/** Sizes: 'tiny' builds and trains in seconds (CI, smoke notebooks); 'default' for real ablations. */
export const SYNTHETIC_SIZES: Record<string, Partial<SyntheticOptions>> = {
  tiny: { users: 400, historyLength: 15, itemsPerSub: 8, brands: 12 },
  small: { users: 4000, historyLength: 20 },
  default: {},
};

/** Defaults, then the size, then the preset, then the overrides; throws on unknown names and out-of-range values. */
export function resolveSyntheticOptions(
  preset: string,
  size: string,
  overrides: Partial<SyntheticOptions> = {},
): SyntheticOptions {
  if (!(preset in SYNTHETIC_PRESETS))
    throw new Error(
      `synthetic: unknown preset '${preset}'; expected one of: ${Object.keys(SYNTHETIC_PRESETS).join(', ')}`,
    );
  if (!(size in SYNTHETIC_SIZES))
    throw new Error(`synthetic: unknown size '${size}'; expected one of: ${Object.keys(SYNTHETIC_SIZES).join(', ')}`);
  for (const k of Object.keys(overrides)) {
    if (!(k in SYNTHETIC_DEFAULTS))
      throw new Error(
        `synthetic: unknown option '${k}'; expected one of: ${Object.keys(SYNTHETIC_DEFAULTS).join(', ')}`,
      );
  }
  const o: SyntheticOptions = {
    ...SYNTHETIC_DEFAULTS,
    ...SYNTHETIC_SIZES[size],
    ...SYNTHETIC_PRESETS[preset],
    ...overrides,
  };
  const ints = [
    'users',
    'topCategories',
    'subPerTop',
    'itemsPerSub',
    'historyLength',
    'targetsPerUser',
    'interests',
    'recentWindow',
  ] as const;
  for (const k of ints)
    if (!(Number.isInteger(o[k]) && o[k] >= 1))
      throw new Error(`synthetic: ${k}=${o[k]} is invalid; expected an integer >= 1`);
  if (!SYNTHETIC_CLICK_RULES.includes(o.clickRule))
    throw new Error(
      `synthetic: clickRule=${o.clickRule} is invalid; expected one of: ${SYNTHETIC_CLICK_RULES.join(', ')}`,
    );
  if (o.clickRule !== 'interests' && o.subPerTop % 2 !== 0)
    throw new Error(
      `synthetic: clickRule=${o.clickRule} pairs sub-categories and needs an even ` +
        `subPerTop, got subPerTop=${o.subPerTop}`,
    );
  if (o.clickRule === 'brandPair' && o.brands === 0) throw new Error('synthetic: clickRule=brandPair needs brands > 0');
  if (!(Number.isInteger(o.brands) && o.brands >= 0))
    throw new Error(`synthetic: brands=${o.brands} is invalid; expected an integer >= 0`);
  for (const k of ['drift', 'driftJumpTop', 'topWeight', 'topSpread', 'behaviourNoise', 'dominantInterest'] as const) {
    if (!(o[k] >= 0 && o[k] <= 1)) throw new Error(`synthetic: ${k}=${o[k]} is invalid; expected a number in [0, 1]`);
  }
  if (!(o.noise >= 0 && o.noise < 0.5))
    throw new Error(`synthetic: noise=${o.noise} is invalid; expected a number in [0, 0.5)`);
  for (const k of ['popularity', 'popularityClick', 'activity'] as const) {
    if (!(o[k] >= 0 && Number.isFinite(o[k])))
      throw new Error(`synthetic: ${k}=${o[k]} is invalid; expected a finite number >= 0`);
  }
  return o;
}

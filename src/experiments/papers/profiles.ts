/**
 * What the profiles change in every paper's experiments:
 * - smoke:   tiny synthetic data, 1 seed, 1 short epoch, the variants that carry each ablation's point (CI);
 * - default: the built-in synthetic dataset (size 'small'), every ablation row, 3 seeds, 3 epochs;
 * - full:    the paper's data and settings (Amazon via --data-dir, official optimizer presets,
 *            5 seeds as DIN/DIEN report).
 */
import type { TrainConfig } from '../../train/trainConfig';
import type { ProfileName } from '../spec';

export interface ProfileSettings {
  /** Synthetic size suffix (smoke, default) or undefined for real data (full). */
  syntheticSize?: 'tiny' | 'small';
  seeds: number[];
  /** Train overrides applied on top of the paper's preset. */
  train: Partial<TrainConfig>;
  /** Keep only the variants flagged `smoke` in the spec. */
  smokeVariantsOnly: boolean;
  /**
   * History cap when real data replaces the synthetic data here (and no maxLen is given): 20, as the
   * DMIN code; it truncates few real histories and keeps sweeps short (docs/findings/performance.md).
   */
  realDataMaxLen?: number;
}

export function profileSettings(profile: ProfileName): ProfileSettings {
  switch (profile) {
    case 'smoke':
      return {
        syntheticSize: 'tiny',
        seeds: [1],
        train: { epochs: 1, maxStepsPerEpoch: 8, batchSize: 64, evalBatchSize: 512, maxEvalRows: 256 },
        smokeVariantsOnly: true,
        realDataMaxLen: 20,
      };
    case 'default':
      return {
        syntheticSize: 'small',
        seeds: [1, 2, 3],
        train: { epochs: 3 },
        smokeVariantsOnly: false,
        realDataMaxLen: 20,
      };
    case 'full':
      return { seeds: [1, 2, 3, 4, 5], train: {}, smokeVariantsOnly: false };
    default: {
      const never: never = profile;
      throw new Error(`profileSettings: unknown profile ${String(never)}`);
    }
  }
}

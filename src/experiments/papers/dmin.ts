/**
 * DMIN (CIKM'20) ablations (paper tables not verifiable here, see docs/papers.md §4):
 * - heads: number of interest heads H_E in 1, 2, 4, 8;
 * - components: full DMIN vs without behaviour refiner, without auxiliary loss, without
 *   position encoding.
 * DIEN protocol; official DMIN code uses maxlen 20 (author: 10 in the paper).
 */
import type { ExperimentSpec, ProfileName } from '../spec';
import { buildExperiment, PaperExperimentTemplate } from './build';

const COMMON = {
  paper: 'dmin' as const,
  syntheticPreset: 'multi' as const,
  fullDataset: 'amazon:Electronics',
  protocol: 'dien' as const,
  fullData: { maxLen: 20 },
  trainPreset: 'dmin' as const,
  model: 'dmin',
  // auxiliary loss reduced as the DMIN code does (DIEN's `auxiliary_loss`: mean over B x (T-1) entries)
  modelOptions: { interestHeads: 4, refiner: true, positionEncoding: true, auxReduction: 'official' },
  notes: [
    'DMIN paper tables are unverified (full text unavailable); official code: maxlen ' +
      '20, Adam 1e-3, 3 epochs, aux weight 1, auxiliary loss averaged over B x ' +
      '(T-1) entries.',
  ],
};

/**
 * H_E in 1, 2, 4, 8. On 'multi' as it is, more heads do not help: one target-aware head already
 * reads its click signal. Four heads beat one under `clickRule=brandPair` without the auxiliary
 * loss (command and numbers: docs/findings/dmin.md).
 */
export const DMIN_HEADS: PaperExperimentTemplate = {
  ...COMMON,
  name: 'heads',
  title: 'DMIN: number of interest heads H_E',
  variants: [
    { name: 'heads-1', label: 'DMIN H_E = 1', overrides: { modelOptions: { interestHeads: 1 } }, smoke: true },
    { name: 'heads-2', label: 'DMIN H_E = 2', overrides: { modelOptions: { interestHeads: 2 } } },
    { name: 'heads-4', label: 'DMIN H_E = 4', overrides: { modelOptions: { interestHeads: 4 } }, smoke: true },
    { name: 'heads-8', label: 'DMIN H_E = 8', overrides: { modelOptions: { interestHeads: 8 } } },
  ],
  baseVariant: 'heads-1',
};

export const DMIN_COMPONENTS: PaperExperimentTemplate = {
  ...COMMON,
  name: 'components',
  title: 'DMIN components: behaviour refiner, auxiliary loss, position encoding',
  variants: [
    { name: 'dmin', label: 'DMIN', overrides: {}, smoke: true },
    {
      name: 'no-refiner',
      label: 'DMIN without behaviour refiner (and its auxiliary loss)',
      // the auxiliary loss is computed on the refiner's output, so it goes with it
      overrides: { modelOptions: { refiner: false }, train: { auxWeight: 0 } },
      smoke: true,
    },
    { name: 'no-aux', label: 'DMIN without auxiliary loss', overrides: { train: { auxWeight: 0 } } },
    {
      name: 'no-position',
      label: 'DMIN without position encoding',
      overrides: { modelOptions: { positionEncoding: false } },
    },
  ],
  baseVariant: 'dmin',
};

export const DMIN_TEMPLATES = [DMIN_HEADS, DMIN_COMPONENTS];

export function dminExperiments(profile: ProfileName): ExperimentSpec[] {
  return DMIN_TEMPLATES.map((t) => buildExperiment(t, profile));
}

/**
 * DIN (KDD'18) experiments:
 * - table3: LR, BaseModel, Wide&Deep, PNN, DeepFM, DIN (PReLU), DIN with Dice — RelaImpr vs BaseModel.
 * - regularization (Table 4/5 spirit on public data): DIN without regularization vs dropout,
 *   L2 on the batch's embedding rows, and MBA (lambda 0.01).
 * - softmax: attention weights without normalisation (paper) vs softmax (official code, P-DIN-2).
 * Metric: the paper's "AUC" is the impression-weighted user AUC (gAUC); global AUC is kept too.
 */
import type { ProfileName } from '../spec';
import type { ExperimentSpec } from '../spec';
import { buildExperiment, PaperExperimentTemplate } from './build';

const COMMON = {
  paper: 'din' as const,
  syntheticPreset: 'default' as const,
  fullDataset: 'amazon:Electronics',
  protocol: 'din' as const,
  fullData: { maxLen: 100 },
  trainPreset: 'din' as const,
  metric: 'gauc' as const,
  notes: [
    'DIN protocol (every prefix of a user is a training sample; the last behaviour is the test sample).',
    'Paper Table 3 reports gAUC with the BatchNorm-leaking code; honest targets: DIN 0.8698, DIN+Dice 0.8711 gAUC (repo README).',
  ],
};

/**
 * Attention of the DIN rows of Table 3: the official code's masked softmax (P-DIN-2), not the
 * paper's un-normalised weights (the model default, compared with softmax in DIN_SOFTMAX).
 * Why: Table 3's published numbers come from the official code, which normalises; and on the
 * built-in synthetic table (synthetic:default:small, ~13k training rows, 3 epochs, SGD lr 1.0)
 * the un-normalised unit does not learn to look at the target (issue 4, measured 2026-11-24,
 * seed 1): behaviours of the target's sub-category end with the same weight as the others
 * (mean weight ratio 1.01, within-row score std 0.017; on the multi preset every weight ~17,
 * pooled norm ~210). DIN degenerates to a rescaled sum pooling, i.e. BaseModel plus an unused
 * attention MLP, and overfits more (3 seeds, test AUC: DIN 0.7720 vs BaseModel 0.7817).
 * Adam 1e-3 for both models does not help (weights all ~-1.3, ratio 1.00; test gAUC 0.7915 vs
 * 0.7890). Likely mechanism: with BatchNorm on the MLP input the loss is invariant to the
 * overall scale of un-normalised weights, and the score gradient <dL/dpooled, e_t> is
 * dominated by its part common to all positions; the softmax removes both (its gradient is
 * w_t <dL/dpooled, e_t - pooled>). Same table with softmax: same-sub behaviours weigh 1.6x the
 * others and DIN beats BaseModel on each of 3 seeds (test AUC 0.8154 vs 0.7817). With 5x the
 * data (synthetic:multi:default, seed 1) the un-normalised DIN does beat BaseModel (test gAUC
 * 0.853 vs 0.791): a small-data effect, as the DIN authors say of their demo code (P-DIN-2).
 * Scale 1, not the code's 1/sqrt(D): with 1/sqrt(36) the weights stayed uniform here (ratio 1.00).
 */
const DIN_TABLE3_ATTENTION = { normalize: 'softmax' as const };

/**
 * History pooling of the baseline rows: the DIN repo's BaseModel (and the baselines built on it)
 * pool the history by its mean (papers.md §1.3); the models' own default is the DIEN paper's sum.
 * With the sum, the DIN preset's SGD at lr 1.0 made the linear parts diverge on the built-in
 * synthetic table (measured 2026-12-02, seeds 1-3, train loss after epoch 3: Wide&Deep 6.0-6.3,
 * DeepFM 22.8-23.2; test AUC 0.57-0.65); with the mean they train (seed 1: Wide&Deep 0.770,
 * DeepFM 0.757, BaseModel 0.776 test AUC). LR stays near 0.5 on synthetic data by construction:
 * its clicks depend only on how the target matches the history, which a linear model cannot see.
 */
const DIN_REPO_POOLING = 'mean' as const;

export const DIN_TABLE3: PaperExperimentTemplate = {
  ...COMMON,
  name: 'table3',
  title: 'DIN Table 3: models on the DIN protocol (RelaImpr vs BaseModel)',
  model: 'base',
  modelOptions: { pooling: DIN_REPO_POOLING, mlp: { activation: 'prelu', hidden: [80, 40] } },
  variants: [
    { name: 'lr', label: 'LR', overrides: { model: 'lr', modelOptions: { mlp: undefined } } },
    { name: 'base', label: 'BaseModel', overrides: {}, smoke: true },
    { name: 'wdl', label: 'Wide&Deep', overrides: { model: 'wdl' } },
    { name: 'pnn', label: 'PNN', overrides: { model: 'pnn' } },
    // the DIN repo trains its DeepFM with Adam 1e-3, x0.9 at step 336000 (deepFM/train.py: "deepFM get worse result with SGD")
    { name: 'deepfm', label: 'DeepFM', overrides: { model: 'deepfm', train: { optimizer: 'adam', learningRate: 1e-3, schedule: { kind: 'dropAtStep', step: 336000, then: 9e-4 } } } },
    { name: 'din', label: 'DIN', overrides: { model: 'din', modelOptions: { pooling: undefined, attention: DIN_TABLE3_ATTENTION } } },
    {
      name: 'din-dice',
      label: 'DIN with Dice',
      overrides: { model: 'din', modelOptions: { pooling: undefined, mlp: { activation: 'dice' }, attention: DIN_TABLE3_ATTENTION } },
      smoke: true,
    },
  ],
  baseVariant: 'base',
  published: [{ tableId: 'din-table3', column: 'Amazon AUC' }],
  notes: [
    ...COMMON.notes,
    'DIN rows use the official code\'s masked softmax attention (unscaled); the paper\'s un-normalised weights are the `softmax` experiment\'s base row (issue 4: on the small synthetic table they do not learn target-aware weights).',
    'Baseline rows pool the history by its mean, as the DIN repo\'s BaseModel does (with the sum, SGD at lr 1.0 made Wide&Deep and DeepFM diverge).',
  ],
};

export const DIN_REGULARIZATION: PaperExperimentTemplate = {
  ...COMMON,
  name: 'regularization',
  title: 'DIN regularization: none vs dropout vs L2 vs MBA (DIN Tables 4-5)',
  model: 'din',
  modelOptions: { mlp: { activation: 'prelu', hidden: [80, 40] } },
  variants: [
    { name: 'none', label: 'DIN without regularization', overrides: {} },
    { name: 'dropout', label: 'DIN with dropout 0.5', overrides: { train: { dropout: 0.5 } } },
    { name: 'l2', label: 'DIN with L2 (batch rows)', overrides: { train: { l2: 0.01 } } },
    { name: 'mba', label: 'DIN with MBA reg.', overrides: { train: { mba: 0.01 } }, smoke: true },
  ],
  baseVariant: 'none',
  notes: [
    ...COMMON.notes,
    'Paper: dropout discards 50% of feature ids; here dropout 0.5 is applied in the MLP (Porting note). MBA and L2 lambda 0.01 as searched in the paper.',
  ],
};

export const DIN_SOFTMAX: PaperExperimentTemplate = {
  ...COMMON,
  name: 'softmax',
  title: 'DIN attention normalisation: none (paper) vs softmax (official code)',
  model: 'din',
  modelOptions: { mlp: { activation: 'prelu', hidden: [80, 40] } },
  variants: [
    { name: 'no-softmax', label: 'DIN, weights not normalised (paper)', overrides: { modelOptions: { attention: { normalize: 'none' } } } },
    { name: 'softmax', label: 'DIN, softmax weights (official code)', overrides: { modelOptions: { attention: { normalize: 'softmax' } } }, smoke: true },
  ],
  baseVariant: 'no-softmax',
};

export const DIN_TEMPLATES = [DIN_TABLE3, DIN_REGULARIZATION, DIN_SOFTMAX];

export function dinExperiments(profile: ProfileName): ExperimentSpec[] {
  return DIN_TEMPLATES.map((t) => buildExperiment(t, profile));
}

/**
 * DHAN (SIGIR'20) ablations (paper tables not verifiable here, see docs/papers.md §5):
 * - pooling: flat attention pooling (= DIN) vs DHAN hierarchical pooling with and without the
 *   remedy (concatenating the flat item-level vector against over-centralisation), a
 *   three-level hierarchy (category -> parent) and clusters by the parent level only;
 * - ondien: DIEN vs DHAN vs DHAN on DIEN (DIEN plus the hierarchical branch, DHAN_DIEN code).
 */
import type { ExperimentSpec, ProfileName } from '../spec';
import { buildExperiment, PaperExperimentTemplate } from './build';

/**
 * On the `hier` preset (one dominant interest, clicks follow the top category) hierarchical
 * pooling beats flat pooling: a cluster vector weighs a minor interest's few behaviours as much
 * as the dominant ones (numbers and commands: docs/findings/dhan.md).
 */
export const DHAN_POOLING: PaperExperimentTemplate = {
  paper: 'dhan',
  name: 'pooling',
  title: 'DHAN: flat vs hierarchical attention pooling, remedy on/off',
  syntheticPreset: 'hier',
  fullDataset: 'amazon:Electronics',
  protocol: 'din',
  fullData: { maxLen: 100 },
  trainPreset: 'din',
  model: 'dhan',
  modelOptions: { pooling: 'hierarchical', remedy: true, dimensions: [[0]] },
  variants: [
    {
      name: 'flat',
      label: 'Flat attention pooling (DIN)',
      overrides: { modelOptions: { pooling: 'flat' } },
      smoke: true,
    },
    {
      name: 'hierarchical',
      label: 'DHAN, hierarchical without remedy',
      overrides: { modelOptions: { remedy: false } },
    },
    { name: 'hierarchical-remedy', label: 'DHAN (hierarchical + remedy)', overrides: {}, smoke: true },
    {
      name: 'hierarchical-3level',
      label: 'DHAN, category -> parent (3 attention levels)',
      overrides: { modelOptions: { dimensions: [[0, 1]] } },
    },
    // Groups by the parent level (synthetic: the top category that drives clicks in the `hier` preset).
    {
      name: 'hierarchical-top',
      label: 'DHAN, clusters = parent category (+ remedy)',
      overrides: { modelOptions: { dimensions: [[1]] } },
    },
  ],
  baseVariant: 'flat',
  notes: [
    'DHAN_DIN protocol = DIN protocol; the official code keeps only categories with ' +
      '>= 300 items and inherits the pre-fix BN leak.',
  ],
};

export const DHAN_ON_DIEN: PaperExperimentTemplate = {
  paper: 'dhan',
  name: 'ondien',
  title: 'DHAN vs DIEN vs DHAN on DIEN',
  syntheticPreset: 'hier',
  fullDataset: 'amazon:Electronics',
  protocol: 'dien',
  fullData: { maxLen: 100 },
  trainPreset: 'dhan',
  model: 'dhan',
  modelOptions: { pooling: 'hierarchical', remedy: true },
  variants: [
    // auxiliary loss reduced as the DHAN_DIEN code does (DIEN's `auxiliary_loss`: mean over B x (T-1) entries)
    {
      name: 'dien',
      label: 'DIEN',
      overrides: {
        model: 'dien',
        modelOptions: { evolution: 'AUGRU', auxReduction: 'official', pooling: undefined, remedy: undefined },
        train: { auxWeight: 1 },
      },
      smoke: true,
    },
    { name: 'dhan', label: 'DHAN', overrides: { modelOptions: { onDien: false }, train: { auxWeight: 0 } } },
    {
      name: 'dhan-dien',
      label: 'DHAN on DIEN',
      overrides: { modelOptions: { onDien: true, dien: { auxReduction: 'official' } }, train: { auxWeight: 1 } },
      smoke: true,
    },
  ],
  baseVariant: 'dien',
  notes: ['DHAN_DIEN code: DIEN settings (Adam 1e-3 halved per epoch, 3 epochs) plus the hierarchical branch.'],
};

export const DHAN_TEMPLATES = [DHAN_POOLING, DHAN_ON_DIEN];

export function dhanExperiments(profile: ProfileName): ExperimentSpec[] {
  return DHAN_TEMPLATES.map((t) => buildExperiment(t, profile));
}

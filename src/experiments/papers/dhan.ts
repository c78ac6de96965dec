/**
 * DHAN (SIGIR'20) ablations (paper tables not verifiable here, see papers.md §5):
 * - pooling: flat attention pooling (= DIN) vs DHAN hierarchical pooling with and without the
 *   remedy (concatenating the flat item-level vector against over-centralisation), and a
 *   three-level hierarchy (category -> parent);
 * - ondien: DIEN vs DHAN vs DHAN on DIEN (DIEN plus the hierarchical branch, DHAN_DIEN code).
 */
import type { ExperimentSpec, ProfileName } from '../spec';
import { buildExperiment, PaperExperimentTemplate } from './build';

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
    { name: 'flat', label: 'Flat attention pooling (DIN)', overrides: { modelOptions: { pooling: 'flat' } }, smoke: true },
    { name: 'hierarchical', label: 'DHAN, hierarchical without remedy', overrides: { modelOptions: { remedy: false } } },
    { name: 'hierarchical-remedy', label: 'DHAN (hierarchical + remedy)', overrides: {}, smoke: true },
    { name: 'hierarchical-3level', label: 'DHAN, category -> parent (3 attention levels)', overrides: { modelOptions: { dimensions: [[0, 1]] } } },
  ],
  baseVariant: 'flat',
  notes: ['DHAN_DIN protocol = DIN protocol; the official code keeps only categories with >= 300 items and inherits the pre-fix BN leak.'],
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
    { name: 'dien', label: 'DIEN', overrides: { model: 'dien', modelOptions: { evolution: 'AUGRU', pooling: undefined, remedy: undefined }, train: { auxWeight: 1 } }, smoke: true },
    { name: 'dhan', label: 'DHAN', overrides: { modelOptions: { onDien: false }, train: { auxWeight: 0 } } },
    { name: 'dhan-dien', label: 'DHAN on DIEN', overrides: { modelOptions: { onDien: true }, train: { auxWeight: 1 } }, smoke: true },
  ],
  baseVariant: 'dien',
  notes: ['DHAN_DIEN code: DIEN settings (Adam 1e-3 halved per epoch, 3 epochs) plus the hierarchical branch.'],
};

export const DHAN_TEMPLATES = [DHAN_POOLING, DHAN_ON_DIEN];

export function dhanExperiments(profile: ProfileName): ExperimentSpec[] {
  return DHAN_TEMPLATES.map((t) => buildExperiment(t, profile));
}

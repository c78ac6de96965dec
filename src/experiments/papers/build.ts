/** Turns a paper's variant table + a profile into an ExperimentSpec. */
import type { TrainConfig, TrainPresetName } from '../../train/trainConfig';
import type { RunDataOptions } from '../runConfig';
import type { ExperimentSpec, PaperName, ProfileName, Variant } from '../spec';
import { profileSettings } from './profiles';

export interface PaperVariant extends Variant {
  /** Part of the smoke profile. */
  smoke?: boolean;
}

export interface PaperExperimentTemplate {
  paper: PaperName;
  name: string;
  title: string;
  /** Synthetic preset that stresses this experiment's mechanism ('synthetic:<preset>:<size>'). */
  syntheticPreset: 'default' | 'drift' | 'multi' | 'hier';
  /** The paper's real dataset spec for the full profile. */
  fullDataset: string;
  /** Protocol used for real data. */
  protocol: 'din' | 'dien';
  /** Data options of real data in the full profile (maxLen...). */
  fullData?: RunDataOptions;
  model: string;
  modelOptions: Record<string, unknown>;
  trainPreset: TrainPresetName;
  /** Train overrides of this experiment (all profiles). */
  train?: Partial<TrainConfig>;
  variants: PaperVariant[];
  baseVariant: string;
  /** Main metric of the paper's table ('gauc' for DIN, whose "AUC" is the user-weighted AUC). Default 'auc'. */
  metric?: 'auc' | 'gauc';
  /** Published columns to print beside ours (ids of src/report/publishedTables.ts). */
  published?: { tableId: string; column: string }[];
  notes?: string[];
}

export function buildExperiment(template: PaperExperimentTemplate, profile: ProfileName): ExperimentSpec {
  const settings = profileSettings(profile);
  const variants = settings.smokeVariantsOnly
    ? template.variants.filter((v) => v.smoke || v.name === template.baseVariant)
    : template.variants;
  const dataset = settings.syntheticSize
    ? `synthetic:${template.syntheticPreset}:${settings.syntheticSize}`
    : template.fullDataset;
  const data: RunDataOptions = {
    protocol: template.protocol,
    ...(settings.syntheticSize ? {} : (template.fullData ?? {})),
  };
  return {
    paper: template.paper,
    name: template.name,
    title: template.title,
    dataset,
    data,
    base: {
      model: template.model,
      modelOptions: template.modelOptions,
      train: { ...(template.train ?? {}), ...settings.train },
      trainPreset: template.trainPreset,
    },
    variants: variants.map(({ smoke: _smoke, ...v }) => v),
    baseVariant: template.baseVariant,
    metric: template.metric ?? 'auc',
    seeds: settings.seeds,
    notes: [...(template.notes ?? []), `profile: ${profile}`],
  };
}

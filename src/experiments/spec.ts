/**
 * An experiment = a paper, a dataset, a base configuration, variants (small overrides of the
 * base: an ablation is a config field), seeds, and the named base variant against which the
 * summary reports differences, paired t-tests and RelaImpr.
 */
import { TrainConfig, TrainPresetName } from '../train/trainConfig';
import { mergeDeep, resolveRunConfig, RunConfig, RunConfigInput, RunDataOptions, runConfigHash } from './runConfig';
import { RunKey } from './runRecord';

export type PaperName = 'din' | 'dien' | 'dmin' | 'dhan';
export const PAPER_NAMES: readonly PaperName[] = ['din', 'dien', 'dmin', 'dhan'];

/**
 * smoke: CI-sized (tiny synthetic, 1 seed, 1 short epoch); default: built-in synthetic, all ablations, 3 seeds; full:
 * paper settings.
 */
export type ProfileName = 'smoke' | 'default' | 'full';
export const PROFILE_NAMES: readonly ProfileName[] = ['smoke', 'default', 'full'];

/** Overrides of a variant: any part of the base config. */
export interface VariantOverrides {
  model?: string;
  modelOptions?: Record<string, unknown>;
  data?: RunDataOptions;
  train?: Partial<TrainConfig>;
}

export interface Variant {
  /** File-safe id, e.g. 'gru-augru'. */
  name: string;
  /** Row label as printed in the paper's table, e.g. 'BaseModel + GRU + AUGRU'. */
  label: string;
  overrides: VariantOverrides;
}

export interface ExperimentSpec {
  paper: PaperName;
  /** File-safe id, e.g. 'table4'. */
  name: string;
  /** Caption, e.g. 'DIEN Table 4: effect of AUGRU and auxiliary loss'. */
  title: string;
  dataset: string;
  data: RunDataOptions;
  /** The base run (model, options, training); variants override it. */
  base: {
    model: string;
    modelOptions: Record<string, unknown>;
    train: Partial<TrainConfig>;
    trainPreset?: TrainPresetName;
  };
  variants: Variant[];
  /** Name of the variant the summary compares against (DIN: BaseModel). */
  baseVariant: string;
  /** Main metric of the summary ('gauc' for DIN, whose paper "AUC" is the user-weighted AUC). Default 'auc'. */
  metric?: 'auc' | 'gauc';
  seeds: number[];
  /** Lines printed under the summary table (protocol, sources, deviations). */
  notes?: string[];
}

/** Options that adapt a paper's experiments to a machine/run (CLI flags). */
export interface ExperimentOverrides {
  dataset?: string;
  dataDir?: string;
  /** Number of seeds (seeds 1..K). */
  seeds?: number;
  epochs?: number;
  /** Only these variant names. */
  variants?: string[];
  /** Extra train overrides applied to every variant (e.g. selectOn: 'test'). */
  train?: Partial<TrainConfig>;
  /** Extra data options (maxLen, cacheDir...). */
  data?: RunDataOptions;
  /** Model options applied to every variant (a variant's own options win). */
  modelOptions?: Record<string, unknown>;
}

/** Applies CLI-level overrides to a spec (returns a new spec; unknown variant names throw). */
export function applyExperimentOverrides(spec: ExperimentSpec, overrides: ExperimentOverrides): ExperimentSpec {
  let variants = spec.variants;
  if (overrides.variants && overrides.variants.length > 0) {
    const known = spec.variants.map((v) => v.name);
    for (const name of overrides.variants) {
      if (!known.includes(name)) {
        throw new Error(
          `unknown variant "${name}" for ${spec.paper}/${spec.name}; expected one of: ${known.join(', ')}`,
        );
      }
    }
    variants = spec.variants.filter((v) => overrides.variants!.includes(v.name));
  }
  const train: Partial<TrainConfig> = { ...spec.base.train, ...(overrides.train ?? {}) };
  if (overrides.epochs !== undefined) train.epochs = overrides.epochs;
  return {
    ...spec,
    dataset: overrides.dataset ?? spec.dataset,
    data: {
      ...spec.data,
      ...(overrides.data ?? {}),
      ...(overrides.dataDir !== undefined ? { dataDir: overrides.dataDir } : {}),
    },
    base: { ...spec.base, train, modelOptions: mergeDeep(spec.base.modelOptions, overrides.modelOptions) },
    variants,
    seeds: overrides.seeds !== undefined ? Array.from({ length: overrides.seeds }, (_, i) => i + 1) : spec.seeds,
  };
}

/** One planned run of a sweep. */
export interface PlannedRun {
  key: RunKey;
  /** Row label of the variant. */
  label: string;
  config: RunConfig;
}

/** The resolved config of `variant` with `seed`. */
export function variantRunConfig(spec: ExperimentSpec, variant: Variant, seed: number): RunConfig {
  const input: RunConfigInput = {
    model: variant.overrides.model ?? spec.base.model,
    modelOptions: mergeDeep(spec.base.modelOptions, variant.overrides.modelOptions),
    dataset: spec.dataset,
    data: mergeDeep(spec.data, variant.overrides.data),
    train: { ...spec.base.train, ...(variant.overrides.train ?? {}) },
    trainPreset: spec.base.trainPreset,
    seed,
  };
  return resolveRunConfig(input);
}

/** Every (variant, seed) run of an experiment, variant-major. */
export function planExperiment(spec: ExperimentSpec): PlannedRun[] {
  const names = new Set<string>();
  for (const v of spec.variants) {
    if (names.has(v.name)) throw new Error(`experiment ${spec.paper}/${spec.name}: variant "${v.name}" appears twice`);
    names.add(v.name);
  }
  const runs: PlannedRun[] = [];
  for (const variant of spec.variants) {
    for (const seed of spec.seeds) {
      const config = variantRunConfig(spec, variant, seed);
      runs.push({
        key: {
          paper: spec.paper,
          experiment: spec.name,
          variant: variant.name,
          seed,
          configHash: runConfigHash(config),
        },
        label: variant.label,
        config,
      });
    }
  }
  return runs;
}

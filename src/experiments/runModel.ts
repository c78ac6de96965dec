/**
 * The model of a run: its options (the run's model options plus what the train config
 * forwards into them), built with the run seed and trained with the same seed.
 *
 *   const { outcome, model } = await trainRun(resolveRunConfig({ model: 'dien', dataset, seed: 1 }), data);
 */
import type { Dataset } from '../data/types';
import { createModel, MODEL_DEFAULTS } from '../models';
import type { CtrModel } from '../models/model';
import type { TrainOutcome } from '../train/outcome';
import { trainModel, TrainModelOptions } from '../train/trainer';
import type { RunConfig } from './runConfig';

/**
 * The model options of a run, for models whose config has the field: `mlp.dropout` =
 * train.dropout when > 0, and the auxiliary-loss weight alpha = train.auxWeight (`auxWeight`
 * of DIEN/DMIN; `dien.auxWeight` of DHAN on DIEN). Explicit model options win.
 */
export function modelOptionsForRun(
  config: Pick<RunConfig, 'model' | 'modelOptions' | 'train'>,
): Record<string, unknown> {
  const options: Record<string, unknown> = { ...config.modelOptions };
  const defaults = (MODEL_DEFAULTS as Record<string, object | undefined>)[config.model] ?? {};
  if (config.train.dropout > 0 && 'mlp' in defaults) {
    const mlp = (options.mlp ?? {}) as Record<string, unknown>;
    if (mlp.dropout === undefined) options.mlp = { ...mlp, dropout: config.train.dropout };
  }
  if ('auxWeight' in defaults) {
    if (options.auxWeight === undefined) options.auxWeight = config.train.auxWeight;
  } else if ('dien' in defaults && options.onDien === true) {
    const dien = (options.dien ?? {}) as Record<string, unknown>;
    if (dien.auxWeight === undefined) options.dien = { ...dien, auxWeight: config.train.auxWeight };
  }
  return options;
}

/**
 * Builds the run's model and trains it; the run seed fixes both the initialisation and the
 * training order. The caller disposes the returned model (disposed here when training throws).
 */
export async function trainRun(
  config: RunConfig,
  dataset: Dataset,
  options: Omit<TrainModelOptions, 'shuffleSeed'> = {},
): Promise<{ outcome: TrainOutcome; model: CtrModel }> {
  const model = createModel(config.model, modelOptionsForRun(config), dataset.sizes, config.seed);
  try {
    const outcome = await trainModel(model, dataset, config.train, { ...options, shuffleSeed: config.seed });
    return { outcome, model };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * The model registry: `createModel(name, config, sizes, seed)` for every model of the kit,
 * plus the public types of src/models.
 *
 * Every model class takes `(configOverrides, sizes, seed)`; overrides are merged into the
 * model's exported defaults (`<NAME>_DEFAULTS`), unknown fields are an error, and the resolved
 * config is `model.config` (save it with every result).
 */
import type { FeatureSizes } from '../data/batch';
import {
  BaseModel,
  DeepFmModel,
  LrModel,
  PnnModel,
  WideDeepModel,
  BASELINE_DEFAULTS,
  LR_DEFAULTS,
  PNN_DEFAULTS,
} from './baselines';
import { DinModel, DIN_DEFAULTS } from './din';
import { DienModel, DIEN_DEFAULTS } from './dien';
import { DminModel, DMIN_DEFAULTS } from './dmin';
import { DhanModel, DHAN_DEFAULTS } from './dhan';
import { CtrModel, MODEL_NAMES, ModelName } from './model';

export * from './model';
export * from './baselines';
export * from './din';
export * from './dien';
export * from './dmin';
export * from './dhan';
export { interestFeatures, interestFeatureWidth } from './features';

type Factory = (config: unknown, sizes: FeatureSizes, seed: number) => CtrModel;

const FACTORIES: Record<ModelName, Factory> = {
  lr: (c, s, seed) => new LrModel(c as never, s, seed),
  base: (c, s, seed) => new BaseModel(c as never, s, seed),
  wdl: (c, s, seed) => new WideDeepModel(c as never, s, seed),
  pnn: (c, s, seed) => new PnnModel(c as never, s, seed),
  deepfm: (c, s, seed) => new DeepFmModel(c as never, s, seed),
  din: (c, s, seed) => new DinModel(c as never, s, seed),
  dien: (c, s, seed) => new DienModel(c as never, s, seed),
  dmin: (c, s, seed) => new DminModel(c as never, s, seed),
  dhan: (c, s, seed) => new DhanModel(c as never, s, seed),
};

/** Defaults of each model (a deep copy is merged with the overrides). */
export const MODEL_DEFAULTS: Record<ModelName, object> = {
  lr: LR_DEFAULTS,
  base: BASELINE_DEFAULTS,
  wdl: BASELINE_DEFAULTS,
  pnn: PNN_DEFAULTS,
  deepfm: BASELINE_DEFAULTS,
  din: DIN_DEFAULTS,
  dien: DIEN_DEFAULTS,
  dmin: DMIN_DEFAULTS,
  dhan: DHAN_DEFAULTS,
};

/**
 * Creates model `name` with `config` overrides (plain object, may be empty), embedding
 * tables sized by `sizes`, and every initial value fixed by `seed`.
 */
export function createModel(
  name: ModelName | string,
  config: object | undefined,
  sizes: FeatureSizes,
  seed: number,
): CtrModel {
  if (!(MODEL_NAMES as readonly string[]).includes(name)) {
    throw new Error(`createModel: unknown model "${name}"; expected one of ${MODEL_NAMES.join(', ')}`);
  }
  return FACTORIES[name as ModelName](config, sizes, seed);
}

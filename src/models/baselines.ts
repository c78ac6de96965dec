/**
 * The baselines of the papers' tables, as short compositions over the same embeddings.
 * Default MLP inputs are the rows of the DIEN repository (mouna99/dien `script/model.py`):
 *
 *   lr      logit = w · [user?, target, pool(history)] + b                 (no hidden layer)
 *   base    MLP([user?, target, pool])                                      Model_DNN (BaseModel)
 *   wdl     MLP([user?, target, pool]) + w · [target, pool, target ⊙ pool]  Model_WideDeep
 *   pnn     MLP([user?, target, pool, target ⊙ pool])                       Model_PNN
 *   deepfm  MLP([user?, target, pool]) + first order w · [target, pool]     DeepFM (no DIEN-repo row)
 *             + FM over the fields
 *
 * target ⊙ pool is what distinguishes PNN from BaseModel in both official repositories; the
 * other baselines take it only with `productFeature: true`.
 * pool = masked sum (DIEN paper's BaseModel, default) or masked mean (DIN repo's BaseModel).
 * Activation default 'prelu' (DIN paper Table 3: all but LR use PReLU; DIEN code DNN/PNN/Wide).
 * LR over one-hot features equals a linear unit over learned embeddings of the same ids
 * (w · e_j is a free scalar per id once the embedding is trained).
 *
 * Training: the sum-pooled linear parts (lr, wdl's wide unit, deepfm's first order and FM)
 * have no normalisation, so their logit grows with the history length; they need Adam (the
 * DIEN repo's optimizer, `dil train`'s default for these models). Under the DIN repo's SGD at
 * lr 1.0 they diverge unless pooling is 'mean' (docs/findings/baselines.md).
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSizes } from '../data/batch';
import { ClickHead } from '../layers/clickHead';
import { Dense } from '../layers/dense';
import { MLP_DEFAULTS, MlpConfig } from '../layers/mlp';
import { poolSequence, SequencePooling, SEQUENCE_POOLINGS } from '../layers/pooling';
import { interestFeatures, interestFeatureWidth } from './features';
import {
  CommonModelConfig,
  ConfigOverrides,
  CtrModelBase,
  EMBEDDING_DEFAULTS,
  ModelInputs,
  ModelName,
  ModelOutput,
  resolveConfig,
} from './model';

export interface LrConfig extends CommonModelConfig {
  /** History pooling; default 'sum'. */
  pooling: SequencePooling;
}

export interface BaselineConfig extends CommonModelConfig {
  /**
   * History pooling: 'sum' (DIEN paper and code, default) or 'mean'.
   * Porting note: the DIEN code's sum is not masked, so it also adds the trainable id-0 row
   * once per padded position (docs/papers.md P-DIEN-5); the kit's sum skips padding. The DIN repo's baselines
   * (base_model, wide_deep, pnn, deepFM) pool by the
   * masked mean, then pass it through a batch norm and a Dense(128) before the MLP (an affine
   * map the MLP's first layer can absorb), feed no user, and add a per-item bias `item_b`;
   * 'mean' gives their pooling, the projection and the item bias are not included.
   */
  pooling: SequencePooling;
  /**
   * Add target ⊙ pooled history to the MLP input. Default true for pnn (Model_PNN, DIN repo
   * pnn), false for base, wdl and deepfm (Model_DNN, Model_WideDeep; DIN repo base_model,
   * wide_deep, deepFM).
   */
  productFeature: boolean;
  /** Top MLP (default 200-80, PReLU, batch norm on the input). */
  mlp: MlpConfig;
}

export const LR_DEFAULTS: Readonly<LrConfig> = Object.freeze({
  embedding: { ...EMBEDDING_DEFAULTS },
  pooling: 'sum' as SequencePooling,
});

/** Defaults of base, wdl and deepfm: [user?, target, Σ history] into a 200-80 PReLU MLP. */
export const BASELINE_DEFAULTS: Readonly<BaselineConfig> = Object.freeze({
  embedding: { ...EMBEDDING_DEFAULTS },
  pooling: 'sum' as SequencePooling,
  productFeature: false,
  mlp: { ...MLP_DEFAULTS, activation: 'prelu' as const },
});

/** Defaults of pnn: BASELINE_DEFAULTS plus the product target ⊙ Σ history. */
export const PNN_DEFAULTS: Readonly<BaselineConfig> = Object.freeze({
  ...structuredClone(BASELINE_DEFAULTS),
  productFeature: true,
});

function checkPooling(p: string, where: string): void {
  if (!(SEQUENCE_POOLINGS as readonly string[]).includes(p))
    throw new Error(`${where}: pooling must be one of ${SEQUENCE_POOLINGS.join(', ')}, got ${String(p)}`);
}

/** target [B, De] and pooled history [B, De] of a batch. */
function targetAndPooled(inputs: ModelInputs, pooling: SequencePooling): { target: tf.Tensor2D; pooled: tf.Tensor2D } {
  return { target: inputs.target(), pooled: poolSequence(inputs.history(), inputs.mask, pooling) };
}

/** Logistic regression over the target and the pooled history. */
export class LrModel extends CtrModelBase<LrConfig> {
  private readonly linear: Dense;

  constructor(config: ConfigOverrides<LrConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('lr', resolveConfig(LR_DEFAULTS, config, 'lr config'), sizes, seed);
    checkPooling(this.config.pooling, 'lr model');
    const De = this.embeddings.behaviourDim;
    this.linear = new Dense(this.params, 'lr/linear', this.config.embedding.userDim + 2 * De, 1);
  }

  forward(inputs: ModelInputs, _training: boolean): ModelOutput {
    return {
      logit: tf.tidy(() => {
        const { target, pooled } = targetAndPooled(inputs, this.config.pooling);
        return tf.reshape(this.linear.apply(interestFeatures(inputs, target, pooled, false)), [-1]) as tf.Tensor1D;
      }),
    };
  }
}

/** Shared skeleton of base, wdl, pnn and deepfm: pooled history -> features -> MLP head. */
abstract class EmbeddingMlpModel extends CtrModelBase<BaselineConfig> {
  readonly head: ClickHead;

  constructor(
    name: ModelName,
    defaults: Readonly<BaselineConfig>,
    config: ConfigOverrides<BaselineConfig> | undefined,
    sizes: FeatureSizes,
    seed: number,
  ) {
    super(name, resolveConfig(defaults, config, `${name} config`), sizes, seed);
    checkPooling(this.config.pooling, `${name} model`);
    const width = interestFeatureWidth(
      this.embeddings.behaviourDim,
      this.config.embedding.userDim,
      this.config.productFeature,
    );
    this.head = new ClickHead(this.params, `${name}/head`, width, this.config.mlp, seed);
  }

  /** A [B] term added to the deep logit (wide part, FM). */
  protected shallowLogit(_inputs: ModelInputs, _target: tf.Tensor2D, _pooled: tf.Tensor2D): tf.Tensor1D | undefined {
    return undefined;
  }

  forward(inputs: ModelInputs, training: boolean): ModelOutput {
    return {
      logit: tf.tidy(() => {
        const { target, pooled } = targetAndPooled(inputs, this.config.pooling);
        const features = interestFeatures(inputs, target, pooled, this.config.productFeature);
        const deep = this.head.apply(features, training);
        const shallow = this.shallowLogit(inputs, target, pooled);
        return shallow ? (tf.add(deep, shallow) as tf.Tensor1D) : deep;
      }),
    };
  }
}

/** BaseModel (Embedding&MLP). */
export class BaseModel extends EmbeddingMlpModel {
  constructor(config: ConfigOverrides<BaselineConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('base', BASELINE_DEFAULTS, config, sizes, seed);
  }
}

/**
 * Wide&Deep: the deep part of BaseModel plus a linear (wide) part over the raw and crossed
 * features (DIEN repo `Model_WideDeep`).
 * Porting note: the DIN repo's wide part is a linear unit over three single-coordinate products
 * of the projected history and the target; the DIEN repo's is implemented.
 */
export class WideDeepModel extends EmbeddingMlpModel {
  private readonly wide: Dense;

  constructor(config: ConfigOverrides<BaselineConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('wdl', BASELINE_DEFAULTS, config, sizes, seed);
    this.wide = new Dense(this.params, 'wdl/wide', 3 * this.embeddings.behaviourDim, 1);
  }

  protected override shallowLogit(_inputs: ModelInputs, target: tf.Tensor2D, pooled: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(this.wide.apply(tf.concat([target, pooled, tf.mul(target, pooled)], 1)), [-1]) as tf.Tensor1D;
  }
}

/** PNN: BaseModel's input plus the product target ⊙ pooled history (DIEN repo `Model_PNN`, DIN repo pnn). */
export class PnnModel extends EmbeddingMlpModel {
  constructor(config: ConfigOverrides<BaselineConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('pnn', PNN_DEFAULTS, config, sizes, seed);
  }
}

/**
 * DeepFM: BaseModel's deep part + first-order linear term + factorisation machine over the
 * fields (target item, target categories, pooled history item, pooled categories, user),
 * second order = 1/2 Σ_d [(Σ_f v_fd)^2 − Σ_f v_fd^2]. Needs itemDim = catDim (= userDim if on).
 * Porting note: the DIEN repo has no DeepFM; the DIN repo's "FM part" is a linear unit over
 * [<history, target>, history_0 + target_0]. The FM of the DeepFM paper is implemented.
 */
export class DeepFmModel extends EmbeddingMlpModel {
  private readonly firstOrder: Dense;
  private readonly fieldDim: number;

  constructor(config: ConfigOverrides<BaselineConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('deepfm', BASELINE_DEFAULTS, config, sizes, seed);
    const e = this.config.embedding;
    if (e.catLevels > 0 && e.catDim !== e.itemDim)
      throw new Error(`deepfm config: FM fields need itemDim = catDim, got ${e.itemDim} and ${e.catDim}`);
    if (e.userDim > 0 && e.userDim !== e.itemDim)
      throw new Error(`deepfm config: FM fields need userDim = itemDim, got ${e.userDim} and ${e.itemDim}`);
    this.fieldDim = e.itemDim;
    this.firstOrder = new Dense(this.params, 'deepfm/firstOrder', 2 * this.embeddings.behaviourDim, 1);
  }

  protected override shallowLogit(inputs: ModelInputs, target: tf.Tensor2D, pooled: tf.Tensor2D): tf.Tensor1D {
    const B = target.shape[0];
    const d = this.fieldDim;
    const fields: tf.Tensor3D[] = [tf.reshape(target, [B, -1, d]), tf.reshape(pooled, [B, -1, d])];
    if (inputs.userRows) fields.push(tf.reshape(inputs.user(), [B, 1, d]));
    const v = tf.concat(fields, 1); // [B, F, d]
    const second = tf.mul(0.5, tf.sum(tf.sub(tf.square(tf.sum(v, 1)), tf.sum(tf.square(v), 1)), 1)); // [B]
    const first = tf.reshape(this.firstOrder.apply(tf.concat([target, pooled], 1)), [-1]);
    return tf.add(first, second) as tf.Tensor1D;
  }
}

/**
 * DIN (Zhou et al., KDD'18): the history is pooled by the local activation unit with the
 * target as query, then the MLP head:
 *   interest = Σ_t a(e_t, e_target) e_t                          (attentionUnit.ts)
 *   logit    = MLP([user?, e_target, interest, e_target ⊙ interest])
 * (DIN code's final input [u_emb, i_emb, u_emb ⊙ i_emb], docs/papers.md §1.)
 * Ablations as config fields: `mlp.activation` 'dice' (default, "DIN with Dice") or 'prelu'
 * (paper's plain "DIN" row); `attention.normalize` 'none' (paper) or 'softmax' (code).
 * MBA regularization is a training option (src/train/step.ts `embeddingRegularization`).
 * Porting note: the DIN code's per-item bias `item_b` is not included.
 * Porting note: the DIN code (din/model.py) passes the attention output through BatchNorm
 * (`hist_bn`) and a linear Dense of width 128 (`hist_fcn`, the embedding width there) before it
 * enters the MLP; here the pooled interest enters the MLP directly, as in the paper's Fig. 2.
 * Paper sizes: DIN code embeds items and categories with 64 each; set
 * `embedding: { itemDim: 64, catDim: 64 }` and `mlp: { hidden: [80, 40] }` to match it.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSizes } from '../data/batch';
import { ATTENTION_UNIT_DEFAULTS, AttentionUnit, AttentionUnitConfig } from '../layers/attentionUnit';
import { ClickHead } from '../layers/clickHead';
import { MLP_DEFAULTS, MlpConfig } from '../layers/mlp';
import { poolSequence } from '../layers/pooling';
import { interestFeatures, interestFeatureWidth } from './features';
import {
  CommonModelConfig,
  ConfigOverrides,
  CtrModelBase,
  EMBEDDING_DEFAULTS,
  ModelInputs,
  ModelOutput,
  resolveConfig,
} from './model';

export interface DinConfig extends CommonModelConfig {
  /** Local activation unit (default 80-40 sigmoid, normalize 'none'). */
  attention: AttentionUnitConfig;
  /** Add target ⊙ interest to the MLP input (DIN code: yes). Default true. */
  productFeature: boolean;
  /**
   * Also feed the masked sum of the history and target ⊙ that sum, as the DIEN repo's DIN
   * (`[uid, item, Σhist, item ⊙ Σhist, att_fea]`, docs/papers.md §2.4). Default false (DIN repo).
   */
  historySum: boolean;
  /** Top MLP (default 200-80, Dice, batch norm on the input). */
  mlp: MlpConfig;
}

export const DIN_DEFAULTS: Readonly<DinConfig> = Object.freeze({
  embedding: { ...EMBEDDING_DEFAULTS },
  attention: { ...ATTENTION_UNIT_DEFAULTS },
  productFeature: true,
  historySum: false,
  mlp: { ...MLP_DEFAULTS, activation: 'dice' as const },
});

export class DinModel extends CtrModelBase<DinConfig> {
  readonly attention: AttentionUnit;
  readonly head: ClickHead;

  constructor(config: ConfigOverrides<DinConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('din', resolveConfig(DIN_DEFAULTS, config, 'din config'), sizes, seed);
    const De = this.embeddings.behaviourDim;
    this.attention = new AttentionUnit(this.params, 'din/attention', De, this.config.attention);
    const extra = this.config.historySum ? 2 * De : 0;
    this.head = new ClickHead(
      this.params,
      'din/head',
      interestFeatureWidth(De, this.config.embedding.userDim, this.config.productFeature, extra),
      this.config.mlp,
      seed,
    );
  }

  /** The attention-pooled interest [B, De] and its weights [B, T] (for plots). */
  interest(inputs: ModelInputs, training: boolean): { target: tf.Tensor2D; pooled: tf.Tensor2D; weights: tf.Tensor2D } {
    const target = inputs.target();
    const { pooled, weights } = this.attention.apply(target, inputs.history(), inputs.mask, training);
    return { target, pooled, weights };
  }

  forward(inputs: ModelInputs, training: boolean): ModelOutput {
    return {
      logit: tf.tidy(() => {
        const { target, pooled } = this.interest(inputs, training);
        const extra: tf.Tensor2D[] = [];
        if (this.config.historySum) {
          const sum = poolSequence(inputs.history(), inputs.mask, 'sum');
          extra.push(sum, tf.mul(target, sum) as tf.Tensor2D);
        }
        return this.head.apply(interestFeatures(inputs, target, pooled, this.config.productFeature, extra), training);
      }),
    };
  }
}

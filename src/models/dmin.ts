/**
 * DMIN, Deep Multi-Interest Network (Xiao et al., CIKM'20; papers.md §4).
 *
 *   e = history embeddings [B, T, De], e_a = target [B, De]
 *   behaviour refiner (optional): z = TransformerBlock(e) [B, T, De]   (src/layers/multiHeadAttention.ts)
 *     auxiliary loss (optional, weight alpha) on (z, e, sampled negatives)  (src/layers/auxLoss.ts)
 *   multi-interest extractor: H_E heads, each head's sequence pooled by a target-aware unit
 *     whose query includes the reverse-position embedding -> [B, H_E * De]  (src/layers/multiInterest.ts)
 *   MLP input [user?, e_a, sum_t e_t, e_a * sum_t e_t, interest_1..H_E] -> 200 -> 80 (Dice) -> 1
 * Ablations as config fields: `refiner` on/off, `auxLoss` alpha (0 = off), `interestHeads`
 * H_E (1, 2, 4, 8), `positionEncoding` on/off. Defaults from the DMIN code (embedding 18 + 18,
 * 4 refiner heads, 4 interest heads, position embedding 2, aux loss alpha 1, MLP 200-80 Dice).
 *
 * Porting note: the DMIN repo's refiner uses only a causal mask (`refinerCausal: true,
 * refinerPaddingMask: false` reproduces it on valid positions); default: padding mask, no
 * causal mask (FuxiCTR uses both: set both true). The paper text was not available
 * (papers.md §4.1), so the defaults follow the official code where the paper is unknown.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSizes } from '../data/batch';
import { CommonModelConfig, ConfigOverrides, CtrModelBase, EMBEDDING_DEFAULTS, ModelInputs, ModelOutput, resolveConfig } from './model';
import { interestFeatures, interestFeatureWidth } from './features';
import { MultiHeadSelfAttention } from '../layers/multiHeadAttention';
import { MultiInterestExtractor, reversePositions } from '../layers/multiInterest';
import { AuxiliaryLoss, AuxLossReduction, AuxLossScorer } from '../layers/auxLoss';
import { MlpConfig, MLP_DEFAULTS } from '../layers/mlp';
import { ClickHead } from '../layers/clickHead';
import { poolSequence } from '../layers/pooling';

export interface DminConfig extends CommonModelConfig {
  /** Behaviour refiner (multi-head self-attention block) on/off. Default true. */
  refiner: boolean;
  /** Heads of the refiner; must divide the behaviour width. Default 4 (DMIN code). */
  refinerHeads: number;
  /** Causal mask in the refiner. Default false (Porting note above). */
  refinerCausal: boolean;
  /** Padding mask in the refiner. Default true. */
  refinerPaddingMask: boolean;
  /** alpha of the auxiliary loss on the refiner output; 0 = off. Default 1 (DMIN code). Needs the refiner. */
  auxLoss: number;
  /** Auxiliary-loss scorer ('inner' paper default, 'mlp' official net). */
  auxScorer: AuxLossScorer;
  /** Auxiliary-loss reduction (see src/layers/auxLoss.ts). */
  auxReduction: AuxLossReduction;
  /** H_E, number of interests. Default 4 (DMIN code). */
  interestHeads: number;
  /** Q/K/V width of one interest head; 0 (default) = round(De / H_E), as the DMIN code splits the width. */
  interestHeadSize: number;
  /** Reverse-position embedding in each head's query. Default true. */
  positionEncoding: boolean;
  /** Position embedding size; default 2 (DMIN code). */
  positionDim: number;
  /** Rows of the position table; default 100. */
  maxPositions: number;
  /** Hidden sizes of each interest head's attention unit; default [80, 40]. */
  interestAttentionUnits: number[];
  /** 'softmax' (code, default) or 'none'. */
  interestNormalize: 'softmax' | 'none';
  /** Top MLP. */
  mlp: MlpConfig;
}

export const DMIN_DEFAULTS: Readonly<DminConfig> = Object.freeze({
  embedding: { ...EMBEDDING_DEFAULTS },
  refiner: true,
  refinerHeads: 4,
  refinerCausal: false,
  refinerPaddingMask: true,
  auxLoss: 1,
  auxScorer: 'inner' as AuxLossScorer,
  auxReduction: 'perSample' as AuxLossReduction,
  interestHeads: 4,
  interestHeadSize: 0,
  positionEncoding: true,
  positionDim: 2,
  maxPositions: 100,
  interestAttentionUnits: [80, 40],
  interestNormalize: 'softmax' as const,
  mlp: { ...MLP_DEFAULTS, activation: 'dice' as const },
});

export class DminModel extends CtrModelBase<DminConfig> {
  readonly refiner?: MultiHeadSelfAttention;
  readonly extractor: MultiInterestExtractor;
  private readonly aux?: AuxiliaryLoss;
  private readonly head: ClickHead;

  constructor(config: ConfigOverrides<DminConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('dmin', resolveConfig(DMIN_DEFAULTS, config, 'src/models/dmin.ts dmin config'), sizes, seed);
    const c = this.config;
    const De = this.embeddings.behaviourDim;
    const where = 'src/models/dmin.ts dmin config';
    if (!(c.auxLoss >= 0) || !Number.isFinite(c.auxLoss)) throw new Error(`${where}: auxLoss (alpha) must be a finite number >= 0, got ${c.auxLoss}`);
    if (c.auxLoss > 0 && !c.refiner) throw new Error(`${where}: auxLoss > 0 needs the behaviour refiner (refiner: true); set auxLoss: 0`);
    if (c.refiner) {
      this.refiner = new MultiHeadSelfAttention(this.params, 'dmin/refiner', { size: De, heads: c.refinerHeads, causal: c.refinerCausal, paddingMask: c.refinerPaddingMask });
    }
    if (c.auxLoss > 0) this.aux = new AuxiliaryLoss(this.params, 'dmin/auxLoss', { stateSize: De, embeddingSize: De, scorer: c.auxScorer, reduction: c.auxReduction });
    this.extractor = new MultiInterestExtractor(this.params, 'dmin/interests', {
      size: De,
      targetSize: De,
      heads: c.interestHeads,
      headSize: c.interestHeadSize > 0 ? c.interestHeadSize : undefined,
      positionEncoding: c.positionEncoding,
      positionDim: c.positionDim,
      maxPositions: c.maxPositions,
      attentionUnits: c.interestAttentionUnits,
      normalize: c.interestNormalize,
    });
    const width = interestFeatureWidth(De, c.embedding.userDim, true, c.interestHeads * De);
    this.head = new ClickHead(this.params, 'dmin/head', width, c.mlp, seed);
  }

  /** The refined sequence [B, T, De] (or the embeddings without refiner), the interests [B, H_E*De] and the aux loss. */
  interests(inputs: ModelInputs): { history: tf.Tensor3D; target: tf.Tensor2D; interests: tf.Tensor2D; weights: tf.Tensor3D; auxLoss?: tf.Scalar } {
    const history = inputs.history();
    const target = inputs.target();
    const mask = inputs.mask;
    const refined = this.refiner ? this.refiner.apply(history, mask) : history;
    let auxLoss: tf.Scalar | undefined;
    if (this.aux) auxLoss = this.aux.apply(refined, history, inputs.negHistory(), mask).mul(this.config.auxLoss) as tf.Scalar;
    let positions: tf.Tensor2D | undefined;
    if (this.config.positionEncoding) {
      const { size: B, maxLen: T, histLen } = inputs.batch;
      positions = tf.tensor2d(reversePositions(histLen, T, this.config.maxPositions), [B, T], 'int32');
    }
    const { interests, weights } = this.extractor.apply(refined, target, mask, positions);
    return { history, target, interests, weights, auxLoss };
  }

  forward(inputs: ModelInputs, training: boolean): ModelOutput {
    return tf.tidy(() => {
      const { history, target, interests, auxLoss } = this.interests(inputs);
      const summed = poolSequence(history, inputs.mask, 'sum');
      const logit = this.head.apply(interestFeatures(inputs, target, summed, true, [interests]), training);
      return auxLoss ? { logit, auxLoss } : { logit };
    });
  }
}

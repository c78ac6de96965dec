/**
 * DMIN, Deep Multi-Interest Network (Xiao et al., CIKM'20; docs/papers.md §4).
 *
 * Forward pass (B rows, T padded steps, De behaviour width = item 18 + category 18 = 36 by
 * default; histories post-padded, oldest -> newest, see src/data/batch.ts):
 *   e = history embeddings [B, T, De], e_a = target embedding [B, De], mask [B, T] (1 = valid)
 *   1. behaviour refiner (`refiner`, src/layers/multiHeadAttention.ts): z = Refiner(e) [B, T, De]
 *      `refinerHeads` heads over De, causal lower-triangular mask (`refinerCausal`: step t
 *      attends to steps s <= t), no padding mask (`refinerPaddingMask`), scores scaled by
 *      `refinerScale`, y = LayerNorm(e + MHA(e) Wo), z = y + FFN(y) (De -> 2 De ReLU -> De),
 *      then LayerNorm if `refinerFfnLayerNorm`; rows of padded steps are set to 0.
 *      With post-padding the causal mask alone keeps every valid step off the padding, so the
 *      padding mask changes no valid output (the official code has none).
 *   2. auxiliary loss (`auxWeight` = alpha > 0, src/layers/auxLoss.ts): alpha * L_aux over the
 *      pairs (z_t, e_{t+1}) against sampled negatives, t = 0..len-2; reduction `auxReduction`
 *      ('official' = the DMIN code's: every batch padded to maxLen, see the Porting note there).
 *   3. multi-interest extractor (src/layers/multiInterest.ts) on z: H_E = `interestHeads`
 *      heads of width De / H_E (Q, K, V from one Dense De -> 3 De), each a self-attention with
 *      padding mask (+ causal mask if `interestCausal`), scores scaled by `interestScale`,
 *      projected back to De by its own Dense, s_h = LayerNorm_h(z + head_h) (one LayerNorm per
 *      head), + FFN_h(s_h) if `interestFfn` [B, T, De], zero at padded steps; pooled by its own
 *      DIN unit (80-40 sigmoid on [q, s, q - s, q * s], masked softmax) with
 *      query_t = Dense_h([e_a ; p_t]), p_t = position embedding (`positionDim`) of the position
 *      id of step t (`positionOrder`: 'forward' gives step t the id t, oldest behaviour 0)
 *      -> interests [B, H_E * De]
 *   4. MLP input [user?, e_a, sum_t mask_t e_t, e_a * sum_t mask_t e_t, interest_1..H_E]
 *      -> 200 -> 80 (Dice) -> 1 logit [B].
 * Ablations as config fields: `refiner` on/off, `auxWeight` alpha (0 = off), `interestHeads`
 * H_E (1, 2, 4, 8), `positionEncoding` on/off. Defaults from the DMIN code (embedding 18 + 18,
 * 4 refiner heads, causal refiner, 4 interest heads, forward positions of size 2, aux loss
 * alpha 1, MLP 200-80 Dice). The paper text was not available (docs/papers.md §4), so the
 * defaults follow the official code where the paper is unknown.
 *
 * The auxiliary loss scores z_t against e_{t+1}; a refiner that lets z_t see e_{t+1} solves it
 * by copying, so auxWeight > 0 requires refinerCausal: true (the constructor refuses otherwise).
 * Porting note: `refinerCausal: false` (padding mask only: every step sees the whole history)
 * stays available for runs without the auxiliary loss. FuxiCTR names both masks but does not
 * block with them (`refinerMaskMode` below).
 * Porting note: the official refiner scales by 1/sqrt(De) and has no LayerNorm after its FFN:
 * `refinerScale: 'official', refinerFfnLayerNorm: false`; defaults are the Transformer's
 * (1/sqrt(De / heads), second LayerNorm).
 * Porting note: the official interest heads are causal, scale by 1/sqrt(De) and end in a
 * per-head FFN: `interestCausal: true, interestScale: 'official', interestFfn: true`.
 * With these and `refinerScale: 'official', refinerFfnLayerNorm: false, auxScorer: 'mlp',
 * auxReduction: 'official'`, refiner, auxiliary loss and extractor follow the official
 * `Model_DNN_Multi_Head`, except for its LayerNorm epsilon (1e-8 there, 1e-6 here); its
 * history sum in the MLP input is unmasked (padding rows included), here masked; the MLP's
 * BatchNorm and Dice conventions are options of src/layers/mlp.ts.
 * Porting note: `positionOrder: 'reverse'` numbers the steps from the most recent (id 0)
 * backwards, so a position id means the same recency whatever the history length; the
 * official code counts forward from the oldest step of the (truncated) history.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSizes } from '../data/batch';
import {
  CommonModelConfig,
  ConfigOverrides,
  CtrModelBase,
  EMBEDDING_DEFAULTS,
  ModelInputs,
  ModelOutput,
  resolveConfig,
} from './model';
import { interestFeatures, interestFeatureWidth } from './features';
import { MultiHeadSelfAttention } from '../layers/multiHeadAttention';
import { forwardPositions, MultiInterestExtractor, reversePositions } from '../layers/multiInterest';
import { AuxiliaryLoss, AuxLossReduction, AuxLossScorer } from '../layers/auxLoss';
import { MlpConfig, MLP_DEFAULTS } from '../layers/mlp';
import { ClickHead } from '../layers/clickHead';
import { poolSequence } from '../layers/pooling';

export interface DminConfig extends CommonModelConfig {
  /** Behaviour refiner (multi-head self-attention block) on/off. Default true. */
  refiner: boolean;
  /** Heads of the refiner; must divide the behaviour width. Default 4 (DMIN code). */
  refinerHeads: number;
  /** Causal mask in the refiner (step t sees steps <= t). Default true (DMIN code); required when auxWeight > 0. */
  refinerCausal: boolean;
  /** Padding mask in the refiner. Default false (DMIN code; no effect on valid steps with the causal mask). */
  refinerPaddingMask: boolean;
  /** Refiner score scale: 'perHead' 1/sqrt(De / heads) (Transformer, default) | 'official' 1/sqrt(De). */
  refinerScale: 'perHead' | 'official';
  /** LayerNorm after the refiner's FFN residual. Default true (Transformer); the DMIN code has none. */
  refinerFfnLayerNorm: boolean;
  /**
   * How the refiner applies its masks (`refinerCausal`, `refinerPaddingMask`): 'block' (paper,
   * official code, default) gives masked pairs weight 0; 'addOne' blocks nothing and adds +1 to
   * the scores of the pairs those masks name. Refused with auxWeight > 0 (z_t then sees e_{t+1}).
   * Porting note: FuxiCTR 2.x's DMIN refiner passes a float mask (1 - allowed) to PyTorch's
   * MultiheadAttention, which adds a float mask to the scores, so PyTorch adds 1 to the masked
   * scores instead of blocking them; neither the paper nor the official TF code does this.
   * Offered only to reproduce the FuxiCTR peer (FuxiCTR masks: refinerCausal and
   * refinerPaddingMask both true).
   */
  refinerMaskMode: 'block' | 'addOne';
  /** alpha of the auxiliary loss on the refiner output; 0 = off. Default 1 (DMIN code). Needs the refiner. */
  auxWeight: number;
  /** Auxiliary-loss scorer ('inner' paper default, 'mlp' official net). */
  auxScorer: AuxLossScorer;
  /** Auxiliary-loss reduction (see src/layers/auxLoss.ts). */
  auxReduction: AuxLossReduction;
  /** H_E, number of interests. Default 4 (DMIN code). */
  interestHeads: number;
  /** Q/K/V width of one interest head; 0 (default) = round(De / H_E), as the DMIN code splits the width. */
  interestHeadSize: number;
  /** Position embedding in each head's query. Default true. */
  positionEncoding: boolean;
  /** Position ids: 'forward' (DMIN code, default: step t -> t) | 'reverse' (most recent -> 0). */
  positionOrder: 'forward' | 'reverse';
  /** Position embedding size; default 2 (DMIN code). */
  positionDim: number;
  /** Rows of the position table; default 100. */
  maxPositions: number;
  /** Hidden sizes of each interest head's attention unit; default [80, 40]. */
  interestAttentionUnits: number[];
  /** 'softmax' (code, default) or 'none'. */
  interestNormalize: 'softmax' | 'none';
  /**
   * Causal mask in the interest heads' self-attention. Default false (DMIN code: true; Porting note in
   * src/layers/multiInterest.ts).
   */
  interestCausal: boolean;
  /** Interest-head score scale: 'perHead' 1/sqrt(De / H_E) (default) | 'official' 1/sqrt(De) (DMIN code). */
  interestScale: 'perHead' | 'official';
  /** Per-head FFN (De -> 2 De ReLU -> De, residual) after each head's LayerNorm. Default false (DMIN code: true). */
  interestFfn: boolean;
  /**
   * MLP input [user?, target, Σhist, target ⊙ Σhist, interests] (true, DMIN code, default) or
   * [user?, target, interests] (false, FuxiCTR's DMIN).
   */
  historySum: boolean;
  /** Top MLP. */
  mlp: MlpConfig;
}

export const DMIN_DEFAULTS: Readonly<DminConfig> = Object.freeze({
  embedding: { ...EMBEDDING_DEFAULTS },
  refiner: true,
  refinerHeads: 4,
  refinerCausal: true,
  refinerPaddingMask: false,
  refinerScale: 'perHead' as const,
  refinerFfnLayerNorm: true,
  refinerMaskMode: 'block' as const,
  auxWeight: 1,
  auxScorer: 'inner' as AuxLossScorer,
  auxReduction: 'perSample' as AuxLossReduction,
  interestHeads: 4,
  interestHeadSize: 0,
  positionEncoding: true,
  positionOrder: 'forward' as const,
  positionDim: 2,
  maxPositions: 100,
  interestAttentionUnits: [80, 40],
  interestNormalize: 'softmax' as const,
  interestCausal: false,
  interestScale: 'perHead' as const,
  interestFfn: false,
  historySum: true,
  mlp: { ...MLP_DEFAULTS, activation: 'dice' as const },
});

export class DminModel extends CtrModelBase<DminConfig> {
  readonly refiner?: MultiHeadSelfAttention;
  readonly extractor: MultiInterestExtractor;
  private readonly aux?: AuxiliaryLoss;
  private readonly head: ClickHead;

  constructor(config: ConfigOverrides<DminConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('dmin', resolveConfig(DMIN_DEFAULTS, config, 'dmin config'), sizes, seed);
    const c = this.config;
    const De = this.embeddings.behaviourDim;
    const where = 'dmin config';
    if (!(c.auxWeight >= 0) || !Number.isFinite(c.auxWeight))
      throw new Error(`${where}: auxWeight (alpha) must be a finite number >= 0, got ${c.auxWeight}`);
    if (c.auxWeight > 0 && !c.refiner)
      throw new Error(`${where}: auxWeight > 0 needs the behaviour refiner (refiner: true); set auxWeight: 0`);
    if (c.auxWeight > 0 && c.refinerCausal !== true) {
      throw new Error(
        `${where}: auxWeight > 0 needs refinerCausal: true (got refinerCausal: ` +
          `${String(c.refinerCausal)}, auxWeight: ${c.auxWeight}); the auxiliary loss ` +
          `scores z_t against e_{t+1}, which a non-causal refiner lets z_t see. Set ` +
          `refinerCausal: true, or auxWeight: 0 for a non-causal refiner`,
      );
    }
    if (c.refinerMaskMode !== 'block' && c.refinerMaskMode !== 'addOne')
      throw new Error(`${where}: refinerMaskMode must be 'block' or 'addOne', got ${String(c.refinerMaskMode)}`);
    if (c.auxWeight > 0 && c.refinerMaskMode === 'addOne') {
      throw new Error(
        `${where}: auxWeight > 0 needs refinerMaskMode: 'block' (got refinerMaskMode: 'addOne', ` +
          `auxWeight: ${c.auxWeight}); 'addOne' blocks no future step, so z_t sees e_{t+1}, which ` +
          `the auxiliary loss scores it against. Set auxWeight: 0 for 'addOne'`,
      );
    }
    if (c.positionOrder !== 'forward' && c.positionOrder !== 'reverse')
      throw new Error(`${where}: positionOrder must be 'forward' or 'reverse', got ${String(c.positionOrder)}`);
    if (c.refiner) {
      this.refiner = new MultiHeadSelfAttention(this.params, 'dmin/refiner', {
        size: De,
        heads: c.refinerHeads,
        causal: c.refinerCausal,
        paddingMask: c.refinerPaddingMask,
        scale: c.refinerScale,
        ffnLayerNorm: c.refinerFfnLayerNorm,
        maskMode: c.refinerMaskMode,
      });
    }
    if (c.auxWeight > 0) {
      // the DMIN code pads every batch to maxlen: 'official' divides by B * (T - 1) of the padded batch
      this.aux = new AuxiliaryLoss(this.params, 'dmin/auxLoss', {
        stateSize: De,
        embeddingSize: De,
        scorer: c.auxScorer,
        reduction: c.auxReduction,
        officialLength: 'padded',
      });
    }
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
      causal: c.interestCausal,
      scale: c.interestScale,
      ffn: c.interestFfn,
    });
    const interestWidth = c.interestHeads * De;
    const width = c.historySum
      ? interestFeatureWidth(De, c.embedding.userDim, true, interestWidth)
      : c.embedding.userDim + De + interestWidth;
    this.head = new ClickHead(this.params, 'dmin/head', width, c.mlp, seed);
  }

  override get auxWeight(): number {
    return this.config.auxWeight;
  }

  /**
   * The refined sequence [B, T, De] (or the embeddings without refiner), the interests
   * [B, H_E*De] and, when `training` (a training objective only; scoring needs no negatives),
   * the aux loss.
   */
  interests(
    inputs: ModelInputs,
    training = false,
  ): { history: tf.Tensor3D; target: tf.Tensor2D; interests: tf.Tensor2D; weights: tf.Tensor3D; auxLoss?: tf.Scalar } {
    const history = inputs.history();
    const target = inputs.target();
    const mask = inputs.mask;
    const refined = this.refiner ? this.refiner.apply(history, mask) : history;
    let auxLoss: tf.Scalar | undefined;
    if (this.aux && training)
      auxLoss = this.aux.apply(refined, history, inputs.negHistory(), mask).mul(this.config.auxWeight) as tf.Scalar;
    let positions: tf.Tensor2D | undefined;
    if (this.config.positionEncoding) {
      const { size: B, maxLen: T, histLen } = inputs.batch;
      const ids = this.config.positionOrder === 'forward' ? forwardPositions : reversePositions;
      positions = tf.tensor2d(ids(histLen, T, this.config.maxPositions), [B, T], 'int32');
    }
    const { interests, weights } = this.extractor.apply(refined, target, mask, positions);
    return { history, target, interests, weights, auxLoss };
  }

  forward(inputs: ModelInputs, training: boolean): ModelOutput {
    return tf.tidy(() => {
      const { history, target, interests, auxLoss } = this.interests(inputs, training);
      const features = this.config.historySum
        ? interestFeatures(inputs, target, poolSequence(history, inputs.mask, 'sum'), true, [interests])
        : interestFeatures(inputs, target, interests, false);
      const logit = this.head.apply(features, training);
      return auxLoss ? { logit, auxLoss } : { logit };
    });
  }
}

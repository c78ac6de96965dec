/**
 * DIEN's interest-evolution attention and the masked softmax it needs.
 *
 * Paper (DIEN §4.3): a_t = exp(h_t W e_a) / sum_j exp(h_j W e_a), h_t [H] the interest state
 * of step t, e_a [E] the target ad's embedding, W [H, E]. The sum runs over the VALID steps
 * only: padded steps get a_t = 0. A row without any valid step gets all zeros.
 *
 * Porting note: the official DIEN code scores with its DIN-style MLP (`din_fcn_attention`,
 * softmax-normalised); the paper's bilinear form is what this layer implements. A model can
 * pass scores from any other scorer through `maskedSoftmax`.
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';
import { matMulFast } from '../ops';

/** Additive mask value for padded positions before a softmax (finite, so no NaN). */
export const MASKED_SCORE = -1e9;

/**
 * Softmax over the last axis restricted to mask = 1 entries.
 * @param scores [..., T]
 * @param mask [..., T] (same shape) 1 = valid, 0 = padding
 * @returns [..., T] weights summing to 1 over valid entries, exactly 0 at padded ones
 *   (all zeros when a row has no valid entry).
 */
export function maskedSoftmax<R extends tf.Rank>(scores: tf.Tensor<R>, mask: tf.Tensor<R>): tf.Tensor<R> {
  return tf.tidy(() => {
    const shifted = scores.add(tf.scalar(1).sub(mask).mul(MASKED_SCORE));
    return tf.softmax(shifted).mul(mask) as tf.Tensor<R>;
  });
}

export interface EvolutionAttentionConfig {
  /** H, size of the interest states. */
  stateSize: number;
  /** E, size of the target embedding. */
  targetSize: number;
}

/** a_t = masked softmax_t(h_t W e_a). Weight `kernel` [H, E]. */
export class EvolutionAttention {
  readonly kernel: tf.Variable;
  readonly name: string;
  readonly stateSize: number;
  readonly targetSize: number;

  constructor(store: ParameterStore, name: string, config: EvolutionAttentionConfig) {
    const { stateSize, targetSize } = config;
    if (!Number.isInteger(stateSize) || stateSize < 1 || !Number.isInteger(targetSize) || targetSize < 1) {
      throw new Error(
        `EvolutionAttention: stateSize and targetSize must be positive integers, got ${stateSize}, ${targetSize}`,
      );
    }
    this.name = name;
    this.stateSize = stateSize;
    this.targetSize = targetSize;
    this.kernel = store.weight(`${name}/kernel`, [stateSize, targetSize], {
      kind: 'glorotUniform',
      fanIn: stateSize,
      fanOut: targetSize,
    });
  }

  /**
   * @param states [B, T, H]
   * @param target [B, E]
   * @param mask [B, T]
   * @returns [B, T] attention weights a_t
   */
  apply(states: tf.Tensor3D, target: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
    const [B, T, H] = states.shape;
    if (H !== this.stateSize || target.shape[1] !== this.targetSize || target.shape[0] !== B) {
      throw new Error(
        `EvolutionAttention(${this.name}).apply: expected states [B, T, ` +
          `${this.stateSize}] and target [B, ${this.targetSize}], got [${states.shape}] and ` +
          `[${target.shape}]`,
      );
    }
    return tf.tidy(() => {
      // W e_a for every row once: [B, E] x [E, H] -> [B, H], then h_t . (W e_a).
      const query = matMulFast(target, this.kernel, false, true).reshape([B, H, 1]);
      const scores = matMulFast(states, query).reshape([B, T]);
      return maskedSoftmax(scores, mask) as tf.Tensor2D;
    });
  }
}

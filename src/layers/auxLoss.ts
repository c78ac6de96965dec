/**
 * DIEN's auxiliary loss (also used on DMIN's behaviour refiner): the state after behaviour t
 * must tell the next real behaviour e_b[t+1] from a sampled negative e^_b[t+1].
 *
 * Paper (DIEN §4.2): L_aux = -1/N sum_i sum_t [ log sigma(h_t, e_b[t+1]) + log(1 - sigma(h_t, e^_b[t+1])) ],
 * sigma(x, y) = 1 / (1 + exp(-x . y)) (inner product, needs H = E). Only pairs whose step t+1
 * is a real behaviour count. The model adds alpha * L_aux to the target loss (alpha = 1 in the
 * paper and code).
 *
 * Options:
 * - `scorer: 'inner'` (paper, default) | 'mlp'. Porting note: the official aux net
 *   (mouna99/dien `auxiliary_net`) is BN -> 100 sigmoid -> 50 sigmoid -> 2 softmax on [h_t, e].
 *   'mlp' implements it with the BN as a learned per-feature affine (the official BN runs in
 *   inference mode, docs/papers.md P-DIN-5) and the 2-way softmax as one logit (equivalent).
 * - `reduction: 'perSample'` (paper, default: sum over valid steps, mean over the B rows)
 *   | 'perStep' (mean over the valid (row, step) pairs) | 'official'.
 *   Porting note: the official code takes `reduce_mean` over all B x (T_b - 1) entries of its
 *   padded batch, masked ones counted in the denominator as 0 (docs/papers.md P-DIEN-6); T_b is
 *   set by `officialLength`: 'batchLongest' (DIEN code, default: each batch is padded to its
 *   longest history, T_b = max_b len_b from the mask) | 'padded' (DMIN code: every batch is
 *   padded to maxlen, T_b = the batch's padded length T, the dataset's maxLen here).
 *   Its click loss is -mean(log softmax * onehot) over B x 2 entries, i.e. half the mean BCE
 *   the kit uses (src/train/step.ts), so the code's objective is BCE/2 + L_code. 'official'
 *   returns 2 * L_code: the kit's BCE + 2 * L_code is exactly twice the code's objective, the
 *   same relative weight of the two terms (Adam's steps do not depend on that overall factor
 *   but for its epsilon). The value it reports is therefore twice the code's printed aux loss.
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';
import { denseFast } from '../ops';

export type AuxLossScorer = 'inner' | 'mlp';
export type AuxLossReduction = 'perSample' | 'perStep' | 'official';
/** The padded length T_b of the 'official' reduction (see the Porting note above). */
export type AuxLossOfficialLength = 'batchLongest' | 'padded';

export interface AuxLossConfig {
  /** H, size of the states. */
  stateSize: number;
  /** E, size of a behaviour embedding ('inner' needs E = H). */
  embeddingSize: number;
  scorer?: AuxLossScorer;
  reduction?: AuxLossReduction;
  /** T_b of the 'official' reduction: 'batchLongest' (DIEN code, default) | 'padded' (DMIN code). */
  officialLength?: AuxLossOfficialLength;
  /** Hidden sizes of the 'mlp' scorer; default [100, 50] (official). */
  hiddenUnits?: number[];
}

export const AUX_LOSS_DEFAULTS = {
  scorer: 'inner' as AuxLossScorer,
  reduction: 'perSample' as AuxLossReduction,
  officialLength: 'batchLongest' as AuxLossOfficialLength,
  hiddenUnits: [100, 50],
};

/** The auxiliary loss; weights only for the 'mlp' scorer. */
export class AuxiliaryLoss {
  readonly scorer: AuxLossScorer;
  readonly reduction: AuxLossReduction;
  readonly officialLength: AuxLossOfficialLength;
  readonly name: string;
  readonly stateSize: number;
  readonly embeddingSize: number;
  private readonly layers: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  private scale?: tf.Variable;
  private shift?: tf.Variable;

  constructor(store: ParameterStore, name: string, config: AuxLossConfig) {
    const c = { ...AUX_LOSS_DEFAULTS, ...config };
    if (c.scorer !== 'inner' && c.scorer !== 'mlp')
      throw new Error(`AuxiliaryLoss: scorer must be 'inner' or 'mlp', got ${String(c.scorer)}`);
    if (!['perSample', 'perStep', 'official'].includes(c.reduction))
      throw new Error(`AuxiliaryLoss: reduction must be perSample, perStep or official, got ${String(c.reduction)}`);
    if (c.officialLength !== 'batchLongest' && c.officialLength !== 'padded')
      throw new Error(
        `AuxiliaryLoss: officialLength must be 'batchLongest' or 'padded', got ${String(c.officialLength)}`,
      );
    if (c.scorer === 'inner' && c.stateSize !== c.embeddingSize) {
      throw new Error(
        `AuxiliaryLoss: scorer 'inner' needs stateSize = embeddingSize, got ` +
          `${c.stateSize} and ${c.embeddingSize} (use scorer 'mlp')`,
      );
    }
    this.scorer = c.scorer;
    this.reduction = c.reduction;
    this.officialLength = c.officialLength;
    this.name = name;
    this.stateSize = c.stateSize;
    this.embeddingSize = c.embeddingSize;
    if (c.scorer === 'mlp') {
      if (
        !Array.isArray(c.hiddenUnits) ||
        c.hiddenUnits.length < 1 ||
        c.hiddenUnits.some((u) => !Number.isInteger(u) || u < 1)
      ) {
        throw new Error(
          `AuxiliaryLoss: hiddenUnits must be a non-empty list of positive integers, got ` +
            `${JSON.stringify(c.hiddenUnits)}`,
        );
      }
      const inSize = c.stateSize + c.embeddingSize;
      this.scale = store.weight(`${name}/inputScale`, [inSize], { kind: 'constant', value: 1 });
      this.shift = store.weight(`${name}/inputShift`, [inSize], { kind: 'zeros' });
      const sizes = [inSize, ...c.hiddenUnits, 1];
      for (let i = 0; i + 1 < sizes.length; i++) {
        const kernel = store.weight(`${name}/dense${i}/kernel`, [sizes[i], sizes[i + 1]], {
          kind: 'glorotUniform',
          fanIn: sizes[i],
          fanOut: sizes[i + 1],
        });
        const bias = store.weight(`${name}/dense${i}/bias`, [sizes[i + 1]], { kind: 'zeros' });
        this.layers.push({ kernel, bias });
      }
    }
  }

  /**
   * Logits of sigma(h, e+) and sigma(h, e-): states [N, H], positives and negatives [N, E]
   * -> [2, N] (row 0 positives, row 1 negatives).
   * The 'mlp' scorer computes its first layer on [h, e] as h Wh + e We (W split in row blocks,
   * the input affine folded into W and b), so h's part is computed once for both items and
   * positives and negatives run through the rest of the net as one [2N, .] batch.
   */
  private pairLogits(states: tf.Tensor2D, positives: tf.Tensor2D, negatives: tf.Tensor2D): tf.Tensor2D {
    const N = states.shape[0];
    if (this.scorer === 'inner')
      return tf.stack([states.mul(positives).sum(1), states.mul(negatives).sum(1)]) as tf.Tensor2D;
    const H = this.stateSize;
    const [first, ...rest] = this.layers;
    const units = first.kernel.shape[1] as number;
    // (x * scale + shift) W + b = x (scale[:, None] * W) + (shift W + b)
    const kernel = first.kernel.mul((this.scale as tf.Variable).reshape([-1, 1])) as tf.Tensor2D;
    const bias = first.bias.add(tf.matMul((this.shift as tf.Variable).reshape([1, -1]), first.kernel).reshape([-1]));
    const [kernelH, kernelE] = tf.split(kernel, [H, this.embeddingSize], 0);
    const statePart = denseFast(states, kernelH, bias); // [N, U]
    const itemPart = denseFast(tf.concat([positives, negatives], 0), kernelE).reshape([2, N, units]); // [2, N, U]
    let x = tf.sigmoid(itemPart.add(statePart.reshape([1, N, units]))).reshape([2 * N, units]) as tf.Tensor2D;
    rest.forEach(({ kernel: k, bias: b }, i) => {
      x = denseFast(x, k, b, i + 1 < rest.length ? 'sigmoid' : 'linear') as tf.Tensor2D;
    });
    return x.reshape([2, N]);
  }

  /**
   * @param states [B, T, H] h_t, the state after behaviour t
   * @param behaviours [B, T, E] e_b[t], the embedded history
   * @param negatives [B, T, E] e^_b[t], sampled negatives (position t is the negative of behaviour t)
   * @param mask [B, T]
   * @returns scalar L_aux (0 when T < 2)
   */
  apply(states: tf.Tensor3D, behaviours: tf.Tensor3D, negatives: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
    const [B, T, H] = states.shape;
    const E = behaviours.shape[2];
    if (H !== this.stateSize || E !== this.embeddingSize)
      throw new Error(
        `AuxiliaryLoss(${this.name}).apply: expected states [B, T, ${this.stateSize}] ` +
          `and behaviours [B, T, ${this.embeddingSize}], got [${states.shape}] and ` +
          `[${behaviours.shape}]`,
      );
    if (
      behaviours.shape[0] !== B ||
      behaviours.shape[1] !== T ||
      negatives.shape.join() !== behaviours.shape.join() ||
      mask.shape[0] !== B ||
      mask.shape[1] !== T
    ) {
      throw new Error(
        `AuxiliaryLoss(${this.name}).apply: behaviours, negatives [B, T, E] and mask [B, ` +
          `T] must match states [${states.shape}]; got [${behaviours.shape}], ` +
          `[${negatives.shape}], [${mask.shape}]`,
      );
    }
    if (T < 2) return tf.scalar(0);
    return tf.tidy(() => {
      const N = B * (T - 1);
      const h = states.slice([0, 0, 0], [B, T - 1, H]).reshape([N, H]) as tf.Tensor2D;
      const pos = behaviours.slice([0, 1, 0], [B, T - 1, E]).reshape([N, E]) as tf.Tensor2D;
      const neg = negatives.slice([0, 1, 0], [B, T - 1, E]).reshape([N, E]) as tf.Tensor2D;
      const pairMask = mask.slice([0, 1], [B, T - 1]).reshape([N]);
      // -log sigma(z) = softplus(-z); -log(1 - sigma(z)) = softplus(z)
      const signs = tf.tensor2d([-1, 1], [2, 1]);
      const perPair = tf
        .softplus(this.pairLogits(h, pos, neg).mul(signs))
        .sum(0)
        .mul(pairMask);
      const total = perPair.sum();
      if (this.reduction === 'perSample') return total.div(B) as tf.Scalar;
      if (this.reduction === 'official') {
        // 2 * sum / (B * (T_b - 1)); T_b < 2 means no pair, and total is 0 then
        const Tb = this.officialLength === 'padded' ? tf.scalar(T) : mask.sum(1).max();
        return total.mul(2).div(tf.maximum(Tb.sub(1), 1).mul(B)) as tf.Scalar;
      }
      return total.div(tf.maximum(pairMask.sum(), 1)) as tf.Scalar;
    });
  }
}

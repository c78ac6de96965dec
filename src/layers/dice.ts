/**
 * Dice, the data-adaptive activation of DIN (KDD'18, §4.3, eq. 9-10), per feature:
 *   f(s) = p(s) * s + (1 - p(s)) * alpha * s,   p(s) = sigmoid((s - E[s]) / sqrt(Var[s] + eps))
 * with eps = 1e-8; E[s], Var[s] are the batch statistics in training and moving averages at
 * inference (momentum 0.99). alpha is learned per feature (initial 0, as the DIEN repo's Dice).
 * With a mask, only real rows (e.g. non-padded positions) enter the batch statistics.
 *
 * Porting note (docs/papers.md P-DIN-6, P-DIEN-7): `statistics: 'batchAlways'` is the DIEN repo's
 * Dice, which uses the CURRENT batch's mean/variance at test time too (scores then depend on
 * the batch's composition). The DIN repo's Dice (`sigmoid(beta * BN(x))` with BN in inference
 * mode and a learnable beta) is not offered.
 *
 * State: `<name>/alpha` (trainable), `<name>/movingMean`, `<name>/movingVariance` (not trainable).
 */
import * as tf from '@tensorflow/tfjs';
import { maskedMoments, updateMovingAverage } from './batchNorm';
import { ParameterStore } from './params';

export type DiceStatistics = 'paper' | 'batchAlways';

export interface DiceOptions {
  /** Default 'paper' (batch statistics in training, moving averages at inference). */
  statistics?: DiceStatistics;
  /** Default 1e-8 (paper). */
  epsilon?: number;
  /** Default 0.99. */
  momentum?: number;
  /** Initial alpha, default 0. */
  alphaInit?: number;
}

export const DICE_DEFAULTS: Readonly<Required<DiceOptions>> = Object.freeze({
  statistics: 'paper' as DiceStatistics,
  epsilon: 1e-8,
  momentum: 0.99,
  alphaInit: 0,
});

export class Dice {
  readonly alpha: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;
  readonly statistics: DiceStatistics;
  readonly epsilon: number;
  readonly momentum: number;

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly features: number,
    options: DiceOptions = {},
  ) {
    this.statistics = options.statistics ?? 'paper';
    if (this.statistics !== 'paper' && this.statistics !== 'batchAlways') {
      throw new Error(`Dice(${name}): statistics must be 'paper' or 'batchAlways', got ${String(this.statistics)}`);
    }
    this.epsilon = options.epsilon ?? 1e-8;
    this.momentum = options.momentum ?? 0.99;
    this.alpha = store.weight(`${name}/alpha`, [features], { kind: 'constant', value: options.alphaInit ?? 0 });
    this.movingMean = store.state(`${name}/movingMean`, [features], { kind: 'zeros' });
    this.movingVariance = store.state(`${name}/movingVariance`, [features], { kind: 'constant', value: 1 });
  }

  /** s [..., F] -> [..., F]; `mask` has s's leading shape (1 = row counts in the statistics). */
  apply<T extends tf.Tensor>(s: T, training: boolean, mask?: tf.Tensor): T {
    const F = this.features;
    if (s.shape[s.rank - 1] !== F) throw new Error(`Dice(${this.name}): input [${s.shape}] must end with ${F}`);
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (training || this.statistics === 'batchAlways') {
      const m = maskedMoments(
        s.reshape([-1, F]) as tf.Tensor2D,
        mask ? (mask.reshape([-1]) as tf.Tensor1D) : undefined,
      );
      mean = m.mean;
      variance = m.variance;
      if (training) {
        updateMovingAverage(this.movingMean, mean, this.momentum);
        updateMovingAverage(this.movingVariance, variance, this.momentum);
      }
    } else {
      mean = this.movingMean;
      variance = this.movingVariance;
    }
    const p = tf.sigmoid(tf.mul(tf.sub(s, mean), tf.rsqrt(tf.add(variance, this.epsilon))));
    // p*s + (1-p)*alpha*s = s * (alpha + p * (1 - alpha))
    return tf.mul(s, tf.add(this.alpha, tf.mul(p, tf.sub(1, this.alpha)))) as T;
  }
}

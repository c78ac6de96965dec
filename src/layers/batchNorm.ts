/**
 * Batch normalisation over the last axis, with moving averages.
 *
 * training: y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta with the batch statistics
 * (optionally masked: only rows with mask 1 count), and the moving averages move towards them
 * (moving = momentum * moving + (1 - momentum) * batch);
 * inference: the same with the moving averages.
 *
 * Porting note (docs/papers.md P-DIN-5): the official DIN/DIEN/DMIN/DHAN code calls
 * `tf.layers.batch_normalization` without `training=True`, so it always runs in inference
 * mode with moving mean 0 and variance 1: a learned per-feature affine
 * gamma * x / sqrt(1 + eps) + beta. `mode: 'officialInference'` reproduces that.
 *
 * State in the store: `<name>/gamma`, `<name>/beta` (trainable), `<name>/movingMean`,
 * `<name>/movingVariance` (not trainable, saved in checkpoints).
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';

export type BatchNormMode = 'batchStatistics' | 'officialInference';

export interface BatchNormOptions {
  /** Default 'batchStatistics' (proper batch norm). */
  mode?: BatchNormMode;
  /** Moving-average momentum, default 0.99 (TF). */
  momentum?: number;
  /** Default 1e-3 (TF). */
  epsilon?: number;
}

/**
 * Per-feature mean and variance of x [N, F] over rows, counting only rows with mask 1 when
 * a mask [N] is given. Returns [F] tensors.
 */
export function maskedMoments(x: tf.Tensor2D, mask?: tf.Tensor1D): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  if (!mask) {
    const m = tf.moments(x, 0);
    return { mean: m.mean as tf.Tensor1D, variance: m.variance as tf.Tensor1D };
  }
  const w = mask.reshape([-1, 1]);
  const count = tf.maximum(tf.sum(mask), 1);
  const mean = tf.div(tf.sum(tf.mul(x, w), 0), count) as tf.Tensor1D;
  const centred = tf.sub(x, mean);
  const variance = tf.div(tf.sum(tf.mul(tf.square(centred), w), 0), count) as tf.Tensor1D;
  return { mean, variance };
}

export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;
  readonly mode: BatchNormMode;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly features: number,
    options: BatchNormOptions = {},
  ) {
    this.mode = options.mode ?? 'batchStatistics';
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    if (this.mode !== 'batchStatistics' && this.mode !== 'officialInference') {
      throw new Error(
        `BatchNorm(${name}): mode must be 'batchStatistics' or 'officialInference', got ${String(this.mode)}`,
      );
    }
    this.gamma = store.weight(`${name}/gamma`, [features], { kind: 'constant', value: 1 });
    this.beta = store.weight(`${name}/beta`, [features], { kind: 'zeros' });
    this.movingMean = store.state(`${name}/movingMean`, [features], { kind: 'zeros' });
    this.movingVariance = store.state(`${name}/movingVariance`, [features], { kind: 'constant', value: 1 });
  }

  /**
   * x [..., F] -> [..., F]. `mask` (same leading shape as x, 1 = counts) restricts the batch
   * statistics to real rows (e.g. non-padded positions).
   */
  apply<T extends tf.Tensor>(x: T, training: boolean, mask?: tf.Tensor): T {
    const F = this.features;
    if (x.shape[x.rank - 1] !== F) throw new Error(`BatchNorm(${this.name}): input [${x.shape}] must end with ${F}`);
    if (!training || this.mode === 'officialInference') {
      const scale = tf.div(this.gamma, tf.sqrt(tf.add(this.movingVariance, this.epsilon)));
      return tf.add(tf.mul(tf.sub(x, this.movingMean), scale), this.beta) as T;
    }
    const x2 = x.reshape([-1, F]) as tf.Tensor2D;
    const { mean, variance } = maskedMoments(x2, mask ? (mask.reshape([-1]) as tf.Tensor1D) : undefined);
    updateMovingAverage(this.movingMean, mean, this.momentum);
    updateMovingAverage(this.movingVariance, variance, this.momentum);
    const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(variance, this.epsilon)));
    return tf.add(tf.mul(tf.sub(x, mean), scale), this.beta) as T;
  }
}

/** moving <- momentum * moving + (1 - momentum) * value (an assignment: not part of any gradient). */
export function updateMovingAverage(moving: tf.Variable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    moving.assign(tf.add(tf.mul(moving, momentum), tf.mul(value, 1 - momentum)));
  });
}

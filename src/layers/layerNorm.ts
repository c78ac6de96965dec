/**
 * Layer normalisation over the last axis (Ba et al. 2016):
 *   y = gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta,
 * mean and variance over the last axis of each position; gamma [D] = 1, beta [D] = 0 at start.
 * Used by DMIN's behaviour refiner and multi-interest extractor.
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';

export interface LayerNormConfig {
  /** D, size of the normalised (last) axis. */
  size: number;
  /** Default 1e-6 (TF's tf.contrib.layers.layer_norm uses 1e-12; PyTorch 1e-5). */
  epsilon?: number;
}

export class LayerNorm {
  readonly size: number;
  readonly epsilon: number;
  readonly name: string;
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(store: ParameterStore, name: string, config: LayerNormConfig) {
    if (!Number.isInteger(config.size) || config.size < 1)
      throw new Error(`LayerNorm: size must be a positive integer, got ${config.size}`);
    this.size = config.size;
    this.epsilon = config.epsilon ?? 1e-6;
    this.name = name;
    this.gamma = store.weight(`${name}/gamma`, [config.size], { kind: 'constant', value: 1 });
    this.beta = store.weight(`${name}/beta`, [config.size], { kind: 'zeros' });
  }

  /** x [..., D] -> [..., D] */
  apply<T extends tf.Tensor>(x: T): T {
    const D = x.shape[x.shape.length - 1];
    if (D !== this.size)
      throw new Error(`LayerNorm(${this.name}).apply: last axis must be ${this.size}, got shape [${x.shape}]`);
    return tf.tidy(() => {
      const axis = x.rank - 1;
      const mean = x.mean(axis, true);
      const centred = x.sub(mean);
      const variance = centred.square().mean(axis, true);
      return centred
        .mul(tf.rsqrt(variance.add(this.epsilon)))
        .mul(this.gamma)
        .add(this.beta) as T;
    });
  }
}

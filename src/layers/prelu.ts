/**
 * PReLU, per feature: f(s) = s if s > 0 else alpha * s, alpha learned (initial 0.1 as the
 * DIEN repo's `prelu`; docs/papers.md §2.4).  State: `<name>/alpha` [F].
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';

export class PRelu {
  readonly alpha: tf.Variable;

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly features: number,
    alphaInit = 0.1,
  ) {
    this.alpha = store.weight(`${name}/alpha`, [features], { kind: 'constant', value: alphaInit });
  }

  /** s [..., F] -> [..., F]. */
  apply<T extends tf.Tensor>(s: T): T {
    if (s.shape[s.rank - 1] !== this.features)
      throw new Error(`PRelu(${this.name}): input [${s.shape}] must end with ${this.features}`);
    // relu(s) + alpha * min(s, 0): differentiable in alpha, the same values as tf.prelu.
    return tf.add(tf.relu(s), tf.mul(this.alpha, tf.minimum(s, 0))) as T;
  }
}

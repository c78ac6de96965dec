/**
 * Inverted dropout: in training each entry is zeroed with probability `rate` and the rest
 * scaled by 1 / (1 - rate); at inference the identity. Masks come from a seeded stream
 * (one fresh seed per call), so a run is reproducible from the model seed.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

export class Dropout {
  private readonly rng: Rng;

  constructor(
    readonly rate: number,
    seed: number,
    label = 'dropout',
  ) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout: rate must be in [0, 1), got ${rate}`);
    this.rng = new Rng(seed).fork(label);
  }

  /** x [...] -> same shape. */
  apply<T extends tf.Tensor>(x: T, training: boolean): T {
    if (!training || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, this.rng.int(0, 2147483647)) as T;
  }
}

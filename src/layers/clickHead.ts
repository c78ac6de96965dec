/**
 * The top of every CTR model: an MLP over the concatenated features, then one linear unit.
 * features [B, F] -> logit [B].
 * Porting note: the official code ends in 2 units + softmax; one logit + sigmoid is the same
 * model with half the last layer (softmax over [z0, z1] = sigmoid(z1 - z0)).
 */
import * as tf from '@tensorflow/tfjs';
import { Dense } from './dense';
import { Mlp, MlpConfig } from './mlp';
import { ParameterStore } from './params';

export class ClickHead {
  readonly mlp: Mlp;
  readonly output: Dense;

  constructor(store: ParameterStore, name: string, inputSize: number, config: MlpConfig, seed: number) {
    this.mlp = new Mlp(store, `${name}/mlp`, inputSize, config, seed);
    this.output = new Dense(store, `${name}/output`, this.mlp.outputSize, 1);
  }

  /** features [B, F] -> logit [B]. */
  apply(features: tf.Tensor2D, training: boolean): tf.Tensor1D {
    return tf.reshape(this.output.apply(this.mlp.apply(features, training)), [-1]) as tf.Tensor1D;
  }
}

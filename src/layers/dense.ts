/**
 * A fully connected layer: y = act(x W + b), x [..., I] -> y [..., O].
 *
 * Runs on `denseFast` (src/ops): one fused kernel forward, explicit transposes backward
 * (wasm's matMul with transpose flags is ~10x slower, bench/NOTES.md §1). Weights in the store under
 * `<name>/kernel` [I, O] (Glorot uniform, as TF1 `tf.layers.dense`) and `<name>/bias` [O] (zeros).
 */
import * as tf from '@tensorflow/tfjs';
import { denseFast, DenseActivation } from '../ops';
import { ParameterStore } from './params';

export interface DenseOptions {
  /** Add a bias (default true). */
  bias?: boolean;
}

export class Dense {
  readonly kernel: tf.Variable;
  readonly bias?: tf.Variable;

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly inputSize: number,
    readonly outputSize: number,
    options: DenseOptions = {},
  ) {
    if (!Number.isInteger(inputSize) || inputSize < 1)
      throw new Error(`Dense(${name}): inputSize must be a positive integer, got ${inputSize}`);
    if (!Number.isInteger(outputSize) || outputSize < 1)
      throw new Error(`Dense(${name}): outputSize must be a positive integer, got ${outputSize}`);
    this.kernel = store.weight(`${name}/kernel`, [inputSize, outputSize], {
      kind: 'glorotUniform',
      fanIn: inputSize,
      fanOut: outputSize,
    });
    if (options.bias !== false) this.bias = store.weight(`${name}/bias`, [outputSize], { kind: 'zeros' });
  }

  /** x [..., I] -> [..., O], with an optional fused activation (linear by default). */
  apply<T extends tf.Tensor>(x: T, activation: DenseActivation = 'linear'): T {
    if (x.shape[x.rank - 1] !== this.inputSize) {
      throw new Error(`Dense(${this.name}): input [${x.shape}] must end with ${this.inputSize}`);
    }
    return denseFast(x, this.kernel, this.bias, activation) as T;
  }
}

/**
 * A stack of hidden layers: [batch norm] -> (dense -> [batch norm] -> activation -> dropout)*.
 * x [..., I] -> [..., hidden[last]] (the output layer is the model's, not the MLP's).
 *
 * `batchNorm: 'input'` is the official DIN/DIEN layout (BN on the MLP input, then
 * 200 -> 80 -> 2); 'hidden' puts a BN after every dense layer (FuxiCTR); 'none' disables it.
 */
import * as tf from '@tensorflow/tfjs';
import { ActivationLayer, ActivationName, checkActivationName, createActivation } from './activation';
import { BatchNorm, BatchNormMode } from './batchNorm';
import { Dense } from './dense';
import { DICE_DEFAULTS, DiceOptions } from './dice';
import { Dropout } from './dropout';
import { ParameterStore } from './params';

export type MlpBatchNorm = 'none' | 'input' | 'hidden';

export interface MlpConfig {
  /** Hidden sizes, e.g. [200, 80] (DIEN code), [80, 40] (DIN code and every attention unit). */
  hidden: number[];
  /** Activation of every hidden layer. */
  activation: ActivationName;
  /** Dropout rate after every hidden layer, in [0, 1). */
  dropout: number;
  /** Where batch norm goes. */
  batchNorm: MlpBatchNorm;
  /** 'batchStatistics' (proper) or 'officialInference' (Porting note in batchNorm.ts). */
  batchNormMode: BatchNormMode;
  /** Options of Dice when activation = 'dice' (DICE_DEFAULTS). */
  dice: DiceOptions;
}

export const MLP_DEFAULTS: Readonly<MlpConfig> = Object.freeze({
  hidden: [200, 80],
  activation: 'dice' as ActivationName,
  dropout: 0,
  batchNorm: 'input' as MlpBatchNorm,
  batchNormMode: 'batchStatistics' as BatchNormMode,
  dice: DICE_DEFAULTS,
});

export class Mlp {
  readonly outputSize: number;
  private readonly inputNorm?: BatchNorm;
  private readonly layers: { dense: Dense; norm?: BatchNorm; activation: ActivationLayer; dropout: Dropout }[] = [];

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly inputSize: number,
    readonly config: MlpConfig,
    seed: number,
  ) {
    const where = `Mlp(${name})`;
    if (!Array.isArray(config.hidden) || config.hidden.some((h) => !Number.isInteger(h) || h < 1)) {
      throw new Error(`${where}: hidden must be a list of positive integers, got ${JSON.stringify(config.hidden)}`);
    }
    checkActivationName(config.activation, where);
    if (!['none', 'input', 'hidden'].includes(config.batchNorm))
      throw new Error(`${where}: batchNorm must be none, input or hidden, got ${String(config.batchNorm)}`);
    if (config.batchNorm === 'input')
      this.inputNorm = new BatchNorm(store, `${name}/inputNorm`, inputSize, { mode: config.batchNormMode });
    let width = inputSize;
    config.hidden.forEach((h, i) => {
      const dense = new Dense(store, `${name}/dense${i}`, width, h);
      const norm =
        config.batchNorm === 'hidden'
          ? new BatchNorm(store, `${name}/norm${i}`, h, { mode: config.batchNormMode })
          : undefined;
      const activation = createActivation(store, `${name}/act${i}`, config.activation, h, config.dice);
      // With a batch norm between dense and activation the activation cannot be fused.
      const act: ActivationLayer =
        norm && activation.fused !== 'linear' ? unfused(activation.fused as 'relu' | 'sigmoid') : activation;
      this.layers.push({
        dense,
        norm,
        activation: act,
        dropout: new Dropout(config.dropout, seed, `${name}/dropout${i}`),
      });
      width = h;
    });
    this.outputSize = width;
  }

  /**
   * x [..., I] -> [..., outputSize]. `mask` (x's leading shape, 1 = real row) restricts the
   * batch statistics of batch norm and Dice to real rows.
   */
  apply<T extends tf.Tensor>(x: T, training: boolean, mask?: tf.Tensor): T {
    let h: tf.Tensor = this.inputNorm ? this.inputNorm.apply(x, training, mask) : x;
    for (const layer of this.layers) {
      h = layer.dense.apply(h, layer.norm ? 'linear' : layer.activation.fused);
      if (layer.norm) h = layer.norm.apply(h, training, mask);
      h = layer.activation.apply(h, training, mask);
      h = layer.dropout.apply(h, training);
    }
    return h as T;
  }
}

function unfused(kind: 'relu' | 'sigmoid'): ActivationLayer {
  return { fused: 'linear', apply: <T extends tf.Tensor>(x: T) => (kind === 'relu' ? tf.relu(x) : tf.sigmoid(x)) as T };
}

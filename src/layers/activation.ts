/**
 * The activation choice of every MLP in the kit: 'dice' | 'prelu' | 'relu' | 'sigmoid'.
 * relu and sigmoid are fused into the dense kernel; Dice and PReLU are layers with state.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseActivation } from '../ops';
import { Dice, DiceOptions } from './dice';
import { ParameterStore } from './params';
import { PRelu } from './prelu';

export type ActivationName = 'dice' | 'prelu' | 'relu' | 'sigmoid';
export const ACTIVATION_NAMES: readonly ActivationName[] = ['dice', 'prelu', 'relu', 'sigmoid'];

/** An activation placed after a dense layer. */
export interface ActivationLayer {
  /** What the preceding dense layer fuses (relu/sigmoid) or 'linear' when this layer applies it. */
  readonly fused: DenseActivation;
  /** x [..., F] -> [..., F]; the identity for fused activations. */
  apply<T extends tf.Tensor>(x: T, training: boolean, mask?: tf.Tensor): T;
}

export function checkActivationName(name: string, where: string): ActivationName {
  if (!(ACTIVATION_NAMES as readonly string[]).includes(name)) {
    throw new Error(`${where}: activation "${name}" is not one of ${ACTIVATION_NAMES.join(', ')}`);
  }
  return name as ActivationName;
}

/** Creates the activation `kind` over `features` units, registering any state under `name`. */
export function createActivation(
  store: ParameterStore,
  name: string,
  kind: ActivationName,
  features: number,
  dice: DiceOptions = {},
): ActivationLayer {
  checkActivationName(kind, 'createActivation');
  if (kind === 'relu' || kind === 'sigmoid') {
    return { fused: kind, apply: <T extends tf.Tensor>(x: T) => x };
  }
  if (kind === 'prelu') {
    const p = new PRelu(store, name, features);
    return { fused: 'linear', apply: <T extends tf.Tensor>(x: T) => p.apply(x) };
  }
  const d = new Dice(store, name, features, dice);
  return {
    fused: 'linear',
    apply: <T extends tf.Tensor>(x: T, training: boolean, mask?: tf.Tensor) => d.apply(x, training, mask),
  };
}

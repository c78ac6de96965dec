/**
 * Feature assembly shared by the models: the MLP input
 * `[user?, target, interest, target * interest?]` (DIEN code: [uid, item, Σhist, item ⊙ Σhist, ...]).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelInputs } from './model';

/**
 * Concatenates along the last axis: user (if the user feature is on), target [B, De],
 * interest [B, De], and target ⊙ interest when `product`. Extra [B, *] tensors go last.
 */
export function interestFeatures(
  inputs: ModelInputs,
  target: tf.Tensor2D,
  interest: tf.Tensor2D,
  product: boolean,
  extra: tf.Tensor2D[] = [],
): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  if (inputs.userRows) parts.push(inputs.user());
  parts.push(target, interest);
  if (product) parts.push(tf.mul(target, interest) as tf.Tensor2D);
  parts.push(...extra);
  return tf.concat(parts, 1) as tf.Tensor2D;
}

/** Width of `interestFeatures` for behaviour width De, user width Du (0 = off), plus `extra` columns. */
export function interestFeatureWidth(behaviourDim: number, userDim: number, product: boolean, extra = 0): number {
  return userDim + behaviourDim * (product ? 3 : 2) + extra;
}

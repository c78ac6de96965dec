/**
 * Masked pooling of a behaviour sequence without attention.
 *   sum:  sum_t m_t x_t                         [B, T, D] -> [B, D]
 *   mean: sum_t m_t x_t / max(1, sum_t m_t)      (users without history pool to zeros)
 * Porting note (docs/papers.md P-DIEN-5): the DIEN code's sum pooling is NOT masked (padding id 0
 * is a trainable row there); here padding rows are zero and masked, so the pooled vector does
 * not depend on the batch's padded length.
 */
import * as tf from '@tensorflow/tfjs';

export type SequencePooling = 'sum' | 'mean';
export const SEQUENCE_POOLINGS: readonly SequencePooling[] = ['sum', 'mean'];

/** history [B, T, D], mask [B, T] -> [B, D]. */
export function poolSequence(history: tf.Tensor3D, mask: tf.Tensor2D, pooling: SequencePooling): tf.Tensor2D {
  const summed = tf.sum(tf.mul(history, tf.expandDims(mask, 2)), 1) as tf.Tensor2D;
  if (pooling === 'sum') return summed;
  if (pooling === 'mean') return tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1)) as tf.Tensor2D;
  throw new Error(`poolSequence: pooling must be 'sum' or 'mean', got ${String(pooling)}`);
}

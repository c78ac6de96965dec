/**
 * Masked scaled-dot-product attention of h heads over a batch, shared by the multi-head
 * self-attention block (src/layers/multiHeadAttention.ts) and the multi-interest extractor
 * (src/layers/multiInterest.ts).
 *
 *   q, k, v [h*B, T, dk] head-major (group g = head * B + b), mask [B, T] (1 = valid)
 *   allowed(t, s) = (!causal || s <= t) && (!paddingMask || mask[b, s] = 1)
 *                   && (!zeroPaddedQueries || mask[b, t] = 1)
 *   W = softmax(q k^T * scale + (1 - allowed) * MASKED_SCORE) * allowed     [h*B, T, T]
 *   context = W v                                                           [h*B, T, dk]
 * A query with no allowed key gets context 0.
 * With `maskMode: 'addOne'` nothing is blocked (only padded queries when zeroPaddedQueries):
 *   W = softmax(q k^T * scale + (1 - allowed))   with allowed from causal / paddingMask only
 * (FuxiCTR's DMIN refiner; Porting note at `refinerMaskMode` in src/models/dmin.ts). It always
 * runs as tf ops: the one-kernel version implements blocking only.
 *
 * Where the active backend has the one-kernel version (src/kernels/maskedAttention.ts,
 * registered by src/backend.ts on wasm) this runs one forward and one backward kernel; elsewhere
 * the same values as tf ops (`attendHeadsOps`).
 */
import * as tf from '@tensorflow/tfjs';
import { matMulFast } from '../ops';
import { MASKED_SCORE } from './sequenceAttention';
import { MASKED_ATTENTION_GRAD_KERNEL, MASKED_ATTENTION_KERNEL } from '../kernels/maskedAttention';

export interface HeadAttentionOptions {
  /** Score scale (1/sqrt(dk) or 1/sqrt(D)). */
  scale: number;
  /** Query t sees keys s <= t only. */
  causal: boolean;
  /** Padded keys (mask 0) are masked. */
  paddingMask: boolean;
  /**
   * Padded queries (mask 0) attend to nothing (context 0). For a caller that zeroes its padded
   * rows afterwards this changes no output or gradient, and it skips their work.
   */
  zeroPaddedQueries?: boolean;
  /** 'block' (default): masked pairs get weight 0 | 'addOne': masked pairs get +1 on their score, nothing blocked. */
  maskMode?: 'block' | 'addOne';
}

function checkArgs(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D, o: HeadAttentionOptions): void {
  const [G, T] = q.shape;
  const B = mask.shape[0];
  const same = (x: tf.Tensor3D) => x.shape.every((d, i) => d === q.shape[i]);
  if (!same(k) || !same(v) || mask.shape[1] !== T || B < 1 || G % B !== 0) {
    throw new Error(
      `attendHeads: expected q, k, v [h*B, T, dk] and mask [B, T]; got [${q.shape}], [${k.shape}], ` +
        `[${v.shape}], [${mask.shape}]`,
    );
  }
  if (!o.causal && !o.paddingMask) throw new Error('attendHeads: at least one of causal and paddingMask must be on');
  if (!Number.isFinite(o.scale)) throw new Error(`attendHeads: scale must be a finite number, got ${o.scale}`);
  if (o.maskMode !== undefined && o.maskMode !== 'block' && o.maskMode !== 'addOne')
    throw new Error(`attendHeads: maskMode must be 'block' or 'addOne', got ${String(o.maskMode)}`);
}

/** The tf-ops version (any backend). */
export function attendHeadsOps(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor2D,
  options: HeadAttentionOptions,
): tf.Tensor3D {
  checkArgs(q, k, v, mask, options);
  const [G, T] = q.shape;
  const B = mask.shape[0];
  const h = G / B;
  return tf.tidy(() => {
    let allowed: tf.Tensor | undefined;
    if (options.paddingMask) allowed = mask.reshape([1, B, 1, T]);
    if (options.causal) {
      const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0).reshape([1, 1, T, T]);
      allowed = allowed ? allowed.mul(causal) : causal;
    }
    const scores = matMulFast(q, k, false, true).mul(options.scale).reshape([h, B, T, T]);
    if (options.maskMode === 'addOne') {
      let weights = tf.softmax(scores.add(tf.scalar(1).sub(allowed as tf.Tensor)));
      if (options.zeroPaddedQueries) weights = weights.mul(mask.reshape([1, B, T, 1]));
      return matMulFast(weights.reshape([G, T, T]), v) as tf.Tensor3D;
    }
    if (options.zeroPaddedQueries) {
      const queries = mask.reshape([1, B, T, 1]);
      allowed = allowed ? allowed.mul(queries) : queries;
    }
    const weights = tf
      .softmax(
        scores.add(
          tf
            .scalar(1)
            .sub(allowed as tf.Tensor)
            .mul(MASKED_SCORE),
        ),
      )
      .mul(allowed as tf.Tensor)
      .reshape([G, T, T]);
    return matMulFast(weights, v) as tf.Tensor3D;
  });
}

/** True when the active backend has the one-kernel attention (src/kernels/maskedAttention.ts). */
export function attentionKernelsInstalled(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(MASKED_ATTENTION_KERNEL, backend) !== undefined &&
    tf.getKernel(MASKED_ATTENTION_GRAD_KERNEL, backend) !== undefined
  );
}

type AttendFn = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor) => tf.Tensor;
const kernelCache = new Map<string, AttendFn>();

/** One forward kernel; its gradient one backward kernel (the mask gets a zero gradient). */
function makeKernelAttention(options: HeadAttentionOptions): AttendFn {
  const attrs = {
    scale: options.scale,
    causal: options.causal,
    paddingMask: options.paddingMask,
    zeroPaddedQueries: options.zeroPaddedQueries === true,
  };
  const f = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [q, k, v, mask] = args as tf.Tensor[];
    const [context, weights] = tf.engine().runKernel(MASKED_ATTENTION_KERNEL, { q, k, v, mask }, attrs) as tf.Tensor[];
    save([q, k, v, weights, mask]);
    return {
      value: context,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sw, smask] = saved;
        const grads = tf
          .engine()
          .runKernel(
            MASKED_ATTENTION_GRAD_KERNEL,
            { dContext: dy, q: sq, k: sk, v: sv, weights: sw },
            { scale: options.scale, causal: options.causal },
          ) as tf.Tensor[];
        return [...grads, tf.zerosLike(smask)];
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as AttendFn;
}

/** context [h*B, T, dk] (see the file comment); one kernel per pass where the backend has it. */
export function attendHeads(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor2D,
  options: HeadAttentionOptions,
): tf.Tensor3D {
  if (!attentionKernelsInstalled() || options.maskMode === 'addOne') return attendHeadsOps(q, k, v, mask, options);
  checkArgs(q, k, v, mask, options);
  const key = `${options.scale}/${options.causal}/${options.paddingMask}/${options.zeroPaddedQueries === true}`;
  const fn = kernelCache.get(key) ?? makeKernelAttention(options);
  kernelCache.set(key, fn);
  return tf.tidy(() => fn(q, k, v, mask.toFloat()) as tf.Tensor3D);
}

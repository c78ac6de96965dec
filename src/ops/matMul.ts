/**
 * `matMulFast`: a differentiable matrix product whose forward and backward passes use only
 * plain (untransposed) matMuls plus explicit `tf.transpose`s.
 *
 * Why: on the wasm backend a `matMul` with `transposeA` or `transposeB` takes a slow path
 * (several times slower than an explicit transpose then a plain matMul; timings:
 * bench/NOTES.md §1). tfjs' own gradient of `matMul` uses
 * the transpose flags, so the backward pass of every dense layer hits the slow path. This op
 * computes the same values; only the kernel sequence differs.
 *
 * Shapes (same contract as `tf.matMul` without broadcasting):
 * - rank 2: a [N, K] (or [K, N] with transposeA), b [K, M] (or [M, K] with transposeB) -> [N, M]
 * - rank 3: a [B, N, K], b [B, K, M] (same B; transposes swap the last two axes) -> [B, N, M]
 *
 * Gradients, with op(x) = x or x^T as the flags say and y = op(a) op(b):
 * - no flags: da = dy b^T,      db = a^T dy
 * - transposeA: da = b dy^T,    db = a dy
 * - transposeB: da = dy b,      db = dy^T a
 * - both:       da = b^T dy^T,  db = dy^T a^T
 */
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes of a rank-2 or rank-3 tensor with an explicit transpose kernel. */
export function transposeLastTwo(x: tf.Tensor): tf.Tensor {
  if (x.rank === 2) return tf.transpose(x);
  if (x.rank === 3) return tf.transpose(x, [0, 2, 1]);
  throw new Error(`transposeLastTwo expects a rank-2 or rank-3 tensor, got shape [${x.shape}]`);
}

/** op(x) op(y) with explicit transposes and one plain matMul. */
function plainProduct(x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean): tf.Tensor {
  return tf.matMul(transposeX ? transposeLastTwo(x) : x, transposeY ? transposeLastTwo(y) : y);
}

type MatMulFn = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

function makeMatMul(transposeA: boolean, transposeB: boolean): MatMulFn {
  return tf.customGrad(
    (a: tf.Tensor | tf.GradSaveFunc, b: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
      const x = a as tf.Tensor;
      const y = b as tf.Tensor;
      (save as tf.GradSaveFunc)([x, y]);
      return {
        value: plainProduct(x, y, transposeA, transposeB),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sa, sb] = saved;
          if (!transposeA && !transposeB) return [plainProduct(dy, sb, false, true), plainProduct(sa, dy, true, false)];
          if (transposeA && !transposeB) return [plainProduct(sb, dy, false, true), plainProduct(sa, dy, false, false)];
          if (!transposeA && transposeB) return [plainProduct(dy, sb, false, false), plainProduct(dy, sa, true, false)];
          return [plainProduct(sb, dy, true, true), plainProduct(dy, sa, true, true)];
        },
      };
    },
  ) as unknown as MatMulFn;
}

const VARIANTS: MatMulFn[] = [
  makeMatMul(false, false),
  makeMatMul(false, true),
  makeMatMul(true, false),
  makeMatMul(true, true),
];

function checkShapes(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): void {
  const where = 'matMulFast';
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) {
    throw new Error(`${where} expects two rank-2 or two rank-3 tensors, got [${a.shape}] and [${b.shape}]`);
  }
  if (a.rank === 3 && a.shape[0] !== b.shape[0]) {
    throw new Error(
      `${where}: batch sizes differ, [${a.shape}] vs [${b.shape}] (no broadcasting; reshape to 2-D first)`,
    );
  }
  const r = a.rank;
  const innerA = transposeA ? a.shape[r - 2] : a.shape[r - 1];
  const innerB = transposeB ? b.shape[r - 1] : b.shape[r - 2];
  if (innerA !== innerB) {
    throw new Error(
      `${where}: inner dimensions differ, a [${a.shape}]${transposeA ? '^T' : ''} by b ` +
        `[${b.shape}]${transposeB ? '^T' : ''} (${innerA} vs ${innerB})`,
    );
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(`${where} expects float32 tensors, got ${a.dtype} and ${b.dtype}`);
  }
}

/**
 * op(a) op(b), the same value as `tf.matMul(a, b, transposeA, transposeB)`, with a gradient
 * that never uses matMul's transpose flags. Rank 2: a [N, K], b [K, M] -> [N, M];
 * rank 3: a [B, N, K], b [B, K, M] -> [B, N, M].
 */
export function matMulFast(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  checkShapes(a, b, transposeA, transposeB);
  return VARIANTS[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)](a, b);
}

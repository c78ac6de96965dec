/**
 * `denseFast`: a fully connected layer `act(x W + b)` as one fused wasm kernel forward and
 * plain (untransposed) matMuls backward.
 *
 * Same values as `act(tf.add(tf.matMul(x, W), b))`; faster on wasm because (1) the forward is
 * one `FusedMatMul` kernel (matMul + bias + activation) instead of three dispatches, and (2) tfjs'
 * own gradient of matMul/fused matMul uses matMul's transpose flags, which are ~5-10x slower on
 * wasm than an explicit transpose followed by a plain matMul (bench/NOTES.md).
 *
 * Shapes: x [..., K] (any leading dims, e.g. [B, K] or [B, T, K]), w [K, M], bias [M] -> [..., M].
 *
 * Gradient with y = act(z), z = x W + b:  dz = dy * act'(z) (written in terms of y),
 * dx = dz W^T, dW = x^T dz (x flattened to [N, K]), db = sum over rows of dz (`columnSums`).
 * 'tanh' is not fusable on wasm: it runs as a separate kernel after the fused linear product.
 */
import * as tf from '@tensorflow/tfjs';
import { columnSums } from './columnSums';

/**
 * Activations `denseFast` applies (all but 'tanh' inside the fused kernel); anything else (Dice, PReLU with learned
 * slope) goes after a 'linear' dense.
 */
export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';
export const DENSE_ACTIVATIONS: readonly DenseActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/**
 * a^T b for a [N, K], b [N, M] -> [K, M] with plain matMuls only. Transposes whichever operand
 * is smaller (an explicit transpose costs ~5 ns per element on wasm): either a^T b directly,
 * or (b^T a)^T where the final transpose is only [M, K].
 */
export function transposedProduct(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.size <= b.size) return tf.matMul(tf.transpose(a), b);
  return tf.transpose(tf.matMul(tf.transpose(b), a));
}

type DenseFn = (...inputs: tf.Tensor[]) => tf.Tensor;
const cache = new Map<string, DenseFn>();

/** act'(z) * dy expressed through y = act(z). */
function activationBackward(activation: DenseActivation, y: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
  }
}

function makeDense(activation: DenseActivation, withBias: boolean): DenseFn {
  const f = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const x = args[0] as tf.Tensor;
    const w = args[1] as tf.Tensor;
    const bias = withBias ? (args[2] as tf.Tensor) : undefined;
    const [k, m] = w.shape as number[];
    const x2 = x.reshape([-1, k]);
    const fusedActivation = activation === 'tanh' ? 'linear' : activation;
    const z = tf.fused.matMul({ a: x2 as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: fusedActivation });
    const y2 = activation === 'tanh' ? tf.tanh(z) : z;
    save([x2, w, y2]);
    return {
      value: y2.reshape([...(x.shape as number[]).slice(0, -1), m]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved;
        const dz = activationBackward(activation, sy, dy.reshape([-1, m]));
        const dx = tf.matMul(dz, tf.transpose(sw)).reshape(x.shape);
        const dw = transposedProduct(sx, dz);
        return withBias ? [dx, dw, columnSums(dz)] : [dx, dw];
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as DenseFn;
}

/**
 * act(x W + b). x [..., K], w [K, M], bias [M] (optional) -> [..., M].
 * Throws on mismatched shapes or an unknown activation.
 */
export function denseFast(
  x: tf.Tensor,
  w: tf.Tensor,
  bias?: tf.Tensor,
  activation: DenseActivation = 'linear',
): tf.Tensor {
  const where = 'denseFast';
  if (!DENSE_ACTIVATIONS.includes(activation)) {
    throw new Error(
      `${where}: activation '${activation}' is not fusable; expected one of ${DENSE_ACTIVATIONS.join(', ')}`,
    );
  }
  if (w.rank !== 2) throw new Error(`${where} expects w [K, M], got [${w.shape}]`);
  if (x.rank < 1 || x.shape[x.rank - 1] !== w.shape[0]) {
    throw new Error(`${where}: x [${x.shape}] last axis must equal w's K = ${w.shape[0]}`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== w.shape[1])) {
    throw new Error(`${where}: bias must be [${w.shape[1]}], got [${bias.shape}]`);
  }
  const key = `${activation}:${bias ? 1 : 0}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = makeDense(activation, bias !== undefined);
    cache.set(key, fn);
  }
  return bias ? fn(x, w, bias) : fn(x, w);
}

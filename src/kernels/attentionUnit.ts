/**
 * The forward pass of DIN's local activation unit (src/layers/attentionUnit.ts, 'split' first
 * layer, relu or sigmoid MLP) as ONE kernel for the WebAssembly backend, used when scoring
 * (no gradient).
 *
 * Why: written as tf ops the unit runs ~20 dispatches and all its products over every one of
 * the B*T positions, padding included, and the padded scores are then multiplied by 0. Here
 * only the valid positions (mask != 0) are gathered into the products, and the elementwise
 * work is a JavaScript loop over views of the wasm heap. The products and the softmax call the
 * wasm backend's own _FusedMatMul and Softmax kernel functions. The first layer runs as ONE
 * fused product over rows [q, k, q*k] (the tf-ops path: two products plus the query part and
 * three adds), so values agree with the tf-ops path to float32 rounding, not bit for bit.
 *
 * `DilAttentionUnit`, inputs: query [B, D], keys [B, T, D], mask [B, T],
 *   kernel0 [4D, H1], bias0 [H1], kernel<i> [H_i, H_{i+1}], bias<i> for i = 1..L-1, and the
 *   score layer as kernel<L> [H_L, 1], bias<L> [1];
 *   attrs { layers: L, activation: 'relu' | 'sigmoid', normalize: 'none' | 'softmax',
 *   scale, pool }.
 *   Outputs: weights [B, T] (zero at padding), and pooled [B, D] = sum_t w_t k_t when pool.
 */
import * as tf from '@tensorflow/tfjs';
import { float32Input, heapOf, KernelArgs, offsetOf, WasmBackendLike } from './wasmHeap';

export const ATTENTION_UNIT_KERNEL = 'DilAttentionUnit';

type FusedMatMulFn = (args: {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo };
  backend: unknown;
  attrs: { transposeA: boolean; transposeB: boolean; activation: string };
}) => tf.TensorInfo;
type SoftmaxFn = (args: {
  inputs: { logits: tf.TensorInfo };
  backend: unknown;
  attrs: { dim: number };
}) => tf.TensorInfo;

const where = ATTENTION_UNIT_KERNEL;

function input(args: KernelArgs, name: string, shape: number[]): tf.TensorInfo {
  return float32Input(where, name, args.inputs[name], shape);
}

/** The same buffer seen as [1, rows, cols]: _FusedMatMul on wasm takes rank-3 operands. */
const as3d = (info: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo => ({ ...info, shape: [1, rows, cols] });

function makeForward(fusedMatMul: FusedMatMulFn, softmax: SoftmaxFn) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as WasmBackendLike;
    const attrs = args.attrs ?? {};
    const L = attrs.layers as number;
    const activation = attrs.activation as string;
    const normalize = attrs.normalize as string;
    const scale = Math.fround(attrs.scale as number);
    const pool = attrs.pool === true;
    if (!Number.isInteger(L) || L < 1) throw new Error(`${where}: attr layers must be an integer >= 1, got ${L}`);
    if (activation !== 'relu' && activation !== 'sigmoid')
      throw new Error(`${where}: attr activation must be 'relu' or 'sigmoid', got ${String(activation)}`);
    if (normalize !== 'none' && normalize !== 'softmax')
      throw new Error(`${where}: attr normalize must be 'none' or 'softmax', got ${String(normalize)}`);
    const keys = args.inputs.keys;
    if (!keys || keys.dtype !== 'float32' || keys.shape.length !== 3)
      throw new Error(
        `${where}: keys must be float32 [B, T, D], got ${keys ? `${keys.dtype} [${keys.shape}]` : 'nothing'}`,
      );
    const [B, T, D] = keys.shape;
    const query = input(args, 'query', [B, D]);
    const mask = input(args, 'mask', [B, T]);
    const H1 = args.inputs.kernel0?.shape[1] ?? 0;
    const kernel0 = input(args, 'kernel0', [4 * D, H1]);
    const bias0 = input(args, 'bias0', [H1]);
    const widths = [H1];
    for (let i = 1; i <= L; i++) {
      const w = args.inputs[`kernel${i}`];
      const out = i === L ? 1 : (w?.shape[1] ?? 0);
      input(args, `kernel${i}`, [widths[i - 1], out]);
      input(args, `bias${i}`, [out]);
      widths.push(out);
    }
    const heap = (): Float32Array => heapOf(backend);
    const at = (info: tf.TensorInfo): number => offsetOf(backend, info);
    const scratch: tf.TensorInfo[] = [];
    const temp = (shape: number[]): tf.TensorInfo => {
      const t = backend.makeOutput(shape, 'float32');
      scratch.push(t);
      return t;
    };
    const product = (a: tf.TensorInfo, rows: number, b: tf.TensorInfo, bias?: tf.TensorInfo, act = 'linear') => {
      const k = b.shape[0];
      const m = b.shape[1];
      const out = fusedMatMul({
        inputs: { a: as3d(a, rows, k), b: as3d(b, k, m), ...(bias ? { bias } : {}) },
        backend,
        attrs: { transposeA: false, transposeB: false, activation: act },
      });
      scratch.push(out);
      return out;
    };

    // The valid positions, in row-major order.
    let v = heap();
    const oMask = at(mask);
    let N = 0;
    for (let i = 0; i < B * T; i++) if (v[oMask + i] !== 0) N++;
    const positions = new Int32Array(N);
    for (let i = 0, n = 0; i < B * T; i++) if (v[oMask + i] !== 0) positions[n++] = i;

    const weights = backend.makeOutput([B, T], 'float32');
    const pooled = pool ? backend.makeOutput([B, D], 'float32') : undefined;
    const scores = new Float32Array(N);
    if (N > 0) {
      // First layer: [q, k, q-k, q*k] W0 + b0 = [q, k, q*k] [Wq + Wd; Wk - Wd; Wp] + b0, one
      // fused product (with its bias and activation) over the gathered rows [q_b, k_t, q_b * k_t].
      const firstKernel = temp([3 * D, H1]);
      const gathered = temp([N, 3 * D]);
      v = heap();
      const oW = at(kernel0);
      const DH = D * H1;
      const oFW = at(firstKernel);
      for (let j = 0; j < DH; j++) {
        v[oFW + j] = v[oW + j] + v[oW + 2 * DH + j];
        v[oFW + DH + j] = v[oW + DH + j] - v[oW + 2 * DH + j];
      }
      v.copyWithin(oFW + 2 * DH, oW + 3 * DH, oW + 4 * DH);
      const oKeys = at(keys);
      const oQuery = at(query);
      const oG = at(gathered);
      for (let n = 0; n < N; n++) {
        const p = positions[n];
        const k = oKeys + p * D;
        const q = oQuery + ((p / T) | 0) * D;
        const row = oG + n * 3 * D;
        v.copyWithin(row, q, q + D);
        v.copyWithin(row + D, k, k + D);
        for (let d = 0; d < D; d++) v[row + 2 * D + d] = v[q + d] * v[k + d];
      }
      let hidden = product(gathered, N, firstKernel, bias0, activation);
      for (let i = 1; i <= L; i++) {
        const w = args.inputs[`kernel${i}`] as tf.TensorInfo;
        const bias = args.inputs[`bias${i}`] as tf.TensorInfo;
        hidden = product(hidden, N, w, bias, i === L ? 'linear' : activation);
      }
      v = heap();
      scores.set(v.subarray(at(hidden), at(hidden) + N));
    }

    // Weights: masked scores, or the masked softmax of the scaled scores (the tf-ops formula).
    v = heap();
    const oWeights = at(weights);
    const oM = at(mask);
    if (normalize === 'none') {
      v.fill(0, oWeights, oWeights + B * T);
      for (let n = 0; n < N; n++) v[oWeights + positions[n]] = scores[n] * v[oM + positions[n]];
    } else {
      const shifted = temp([B, T]);
      v = heap();
      const oS = at(shifted);
      for (let i = 0; i < B * T; i++) v[oS + i] = Math.fround(Math.fround(1 - v[oM + i]) * -1e9);
      for (let n = 0; n < N; n++) {
        const p = positions[n];
        const s = scale === 1 ? scores[n] : Math.fround(scores[n] * scale);
        v[oS + p] = s + v[oS + p];
      }
      const softmaxed = softmax({ inputs: { logits: shifted }, backend, attrs: { dim: 1 } });
      scratch.push(softmaxed);
      v = heap();
      const oSm = at(softmaxed);
      const oWt = at(weights);
      for (let i = 0; i < B * T; i++) v[oWt + i] = v[oSm + i] * v[oM + i];
    }

    // pooled[b] = sum_t w_t k_t over the valid positions, accumulated in float32 in t order.
    if (pooled) {
      v = heap();
      const oP = at(pooled);
      const oK = at(keys);
      const oWt = at(weights);
      v.fill(0, oP, oP + B * D);
      for (let n = 0; n < N; n++) {
        const p = positions[n];
        const w = v[oWt + p];
        const k = oK + p * D;
        const out = oP + ((p / T) | 0) * D;
        for (let d = 0; d < D; d++) v[out + d] += Math.fround(w * v[k + d]);
      }
    }
    for (const s of scratch) backend.disposeData(s.dataId);
    return pooled ? [weights, pooled] : [weights];
  };
}

/**
 * Registers the kernel on the wasm backend (call after the wasm package registered its own
 * kernels: it calls their _FusedMatMul and Softmax). Idempotent; false when those are absent.
 */
export function registerWasmAttentionUnit(): boolean {
  const fused = tf.getKernel('_FusedMatMul', 'wasm');
  const softmax = tf.getKernel('Softmax', 'wasm');
  if (!fused || !softmax) return false;
  if (!tf.getKernel(ATTENTION_UNIT_KERNEL, 'wasm')) {
    tf.registerKernel({
      kernelName: ATTENTION_UNIT_KERNEL,
      backendName: 'wasm',
      kernelFunc: makeForward(
        fused.kernelFunc as unknown as FusedMatMulFn,
        softmax.kernelFunc as unknown as SoftmaxFn,
      ) as unknown as tf.KernelFunc,
    });
  }
  return true;
}

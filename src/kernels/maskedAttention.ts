/**
 * Masked scaled-dot-product attention of many small heads as ONE forward and ONE backward
 * kernel for the WebAssembly backend (used by `attendHeads` in src/layers/headAttention.ts).
 *
 * Why: DMIN's refiner and interest heads attend over 512 groups of [T = 50, dk = 9]. As tf ops
 * that is four batched products ([G, T, dk] x [G, dk, T] and [G, T, T] x [G, T, dk]) forward and
 * six backward, which the wasm backend runs at ~1-2 GFLOP/s (many small batches), plus the mask
 * arithmetic, a softmax and transposes on [G, T, T]. Here the products are JavaScript loops over
 * views of the wasm heap that skip every masked (query, key) pair (half of them with the
 * causal mask, about half the keys with the padding mask at the bench shape); the softmax
 * calls the wasm backend's own Softmax kernel function (Math.exp per element would cost more).
 *
 * Groups are head-major: group g = head * B + b uses row b of the mask.
 * Key s is allowed for query t when (!causal || s <= t) && (!paddingMask || mask[b, s] != 0)
 * && (!zeroPaddedQueries || mask[b, t] != 0); mask holds 0 / 1.
 *
 * Forward `DilMaskedAttention`, inputs q, k, v [G, T, dk], mask [B, T]; attrs
 *   { scale, causal, paddingMask, zeroPaddedQueries }. Outputs: context [G, T, dk] = W v, and
 *   weights W [G, T, T] = softmax(q k^T * scale + (1 - allowed) * -1e9) * allowed
 *   (exactly 0 at masked pairs; a query with no allowed key gets all-zero weights).
 * Backward `DilMaskedAttentionGrad`, inputs dContext [G, T, dk], q, k, v, weights; attrs
 *   { scale, causal }. Outputs dq, dk, dv [G, T, dk]:
 *   dW = dC v^T;  dS = W (dW - rowsum(dW W)) * scale;  dq = dS k;  dk = dS^T q;  dv = W^T dC.
 *   Pairs with W = 0 (every masked pair) contribute nothing and are skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { float32Input, heapOf, KernelArgs, offsetOf, WasmBackendLike } from './wasmHeap';

export const MASKED_ATTENTION_KERNEL = 'DilMaskedAttention';
export const MASKED_ATTENTION_GRAD_KERNEL = 'DilMaskedAttentionGrad';

/** Score given to masked pairs before the softmax (as MASKED_SCORE in src/layers/sequenceAttention.ts). */
const MASKED = -1e9;

type SoftmaxFn = (args: {
  inputs: { logits: tf.TensorInfo };
  backend: unknown;
  attrs: { dim: number };
}) => tf.TensorInfo;

/** q's shape [G, T, dk], checked. */
function groupShape(kernelName: string, q: tf.TensorInfo | undefined): [number, number, number] {
  if (!q || q.dtype !== 'float32' || q.shape.length !== 3) {
    throw new Error(`${kernelName}: q must be float32 [G, T, dk], got ${q ? `${q.dtype} [${q.shape}]` : 'nothing'}`);
  }
  return q.shape as [number, number, number];
}

function scaleOf(kernelName: string, attrs: tf.NamedAttrMap | undefined): number {
  const scale = Number(attrs?.scale);
  if (!Number.isFinite(scale))
    throw new Error(`${kernelName}: attr scale must be a finite number, got ${attrs?.scale}`);
  return scale;
}

/**
 * The loops below are generated once per head width dk with the dk-long dot products and row
 * updates written out: the query (or dC) row then lives in locals, which makes them ~3x faster
 * in V8 than a loop over dk (0.5 vs 1.9 ns per multiply-add at dk = 9).
 */
function unrolled(dk: number, line: (i: number) => string, separator = '\n'): string {
  return Array.from({ length: dk }, (_, i) => line(i)).join(separator);
}

/** Writes masked, scaled scores [G*T, T] (MASKED at masked pairs). */
type ScoresLoop = (
  heap: Float32Array,
  oQ: number,
  oK: number,
  oMask: number,
  oS: number,
  G: number,
  T: number,
  B: number,
  causal: boolean,
  padding: boolean,
  zeroQueries: boolean,
  scale: number,
) => void;

/** Zeroes the weights of masked pairs and writes context = W v. */
type ContextLoop = (
  heap: Float32Array,
  oW: number,
  oV: number,
  oMask: number,
  oC: number,
  G: number,
  T: number,
  B: number,
  causal: boolean,
  padding: boolean,
  zeroQueries: boolean,
) => void;

/** Writes dq, dk, dv (equations in the file comment); dS [T, T] is scratch. */
type BackwardLoop = (
  heap: Float32Array,
  oDC: number,
  oQ: number,
  oK: number,
  oV: number,
  oW: number,
  oDQ: number,
  oDK: number,
  oDV: number,
  G: number,
  T: number,
  causal: boolean,
  scale: number,
  dS: Float64Array,
) => void;

interface Loops {
  scores: ScoresLoop;
  context: ContextLoop;
  backward: BackwardLoop;
}

const loopCache = new Map<number, Loops>();

function loopsFor(dk: number): Loops {
  const cached = loopCache.get(dk);
  if (cached) return cached;
  const scores = `
    for (let g = 0; g < G; g++) {
      const m = oMask + (g % B) * T;
      const gk = oK + g * T * ${dk};
      for (let t = 0; t < T; t++) {
        const qt = oQ + (g * T + t) * ${dk};
        ${unrolled(dk, (i) => `const q${i} = heap[qt + ${i}];`)}
        const st = oS + (g * T + t) * T;
        const end = zeroQueries && heap[m + t] === 0 ? 0 : causal ? t + 1 : T;
        for (let s = 0; s < end; s++) {
          if (padding && heap[m + s] === 0) {
            heap[st + s] = ${MASKED};
            continue;
          }
          const ks = gk + s * ${dk};
          heap[st + s] = (${unrolled(dk, (i) => `q${i} * heap[ks + ${i}]`, ' + ')}) * scale;
        }
        heap.fill(${MASKED}, st + end, st + T);
      }
    }`;
  const context = `
    for (let g = 0; g < G; g++) {
      const m = oMask + (g % B) * T;
      const gv = oV + g * T * ${dk};
      for (let t = 0; t < T; t++) {
        const wt = oW + (g * T + t) * T;
        const end = zeroQueries && heap[m + t] === 0 ? 0 : causal ? t + 1 : T;
        ${unrolled(dk, (i) => `let c${i} = 0;`)}
        for (let s = 0; s < end; s++) {
          if (padding && heap[m + s] === 0) {
            heap[wt + s] = 0;
            continue;
          }
          const w = heap[wt + s];
          const vs = gv + s * ${dk};
          ${unrolled(dk, (i) => `c${i} += w * heap[vs + ${i}];`)}
        }
        heap.fill(0, wt + end, wt + T);
        const ct = oC + (g * T + t) * ${dk};
        ${unrolled(dk, (i) => `heap[ct + ${i}] = c${i};`)}
      }
    }`;
  // Per group: queries first (dW, dS into the scratch [T, T], dq), then keys (dk, dv), so that
  // every sum runs in locals. With the causal mask, key s has queries t >= s only.
  const backward = `
    for (let g = 0; g < G; g++) {
      const base = g * T * ${dk};
      for (let t = 0; t < T; t++) {
        const wt = oW + (g * T + t) * T;
        const at = base + t * ${dk};
        const end = causal ? t + 1 : T;
        ${unrolled(dk, (i) => `const dc${i} = heap[oDC + at + ${i}];`)}
        let rowDot = 0;
        for (let s = 0; s < end; s++) {
          const w = heap[wt + s];
          if (w === 0) continue;
          const vs = oV + base + s * ${dk};
          const dot = ${unrolled(dk, (i) => `dc${i} * heap[vs + ${i}]`, ' + ')};
          dS[t * T + s] = dot;
          rowDot += dot * w;
        }
        ${unrolled(dk, (i) => `let dq${i} = 0;`)}
        for (let s = 0; s < end; s++) {
          const w = heap[wt + s];
          if (w === 0) continue;
          const d = w * (dS[t * T + s] - rowDot) * scale;
          dS[t * T + s] = d;
          const ks = oK + base + s * ${dk};
          ${unrolled(dk, (i) => `dq${i} += d * heap[ks + ${i}];`)}
        }
        ${unrolled(dk, (i) => `heap[oDQ + at + ${i}] = dq${i};`)}
      }
      for (let s = 0; s < T; s++) {
        ${unrolled(dk, (i) => `let dk${i} = 0; let dv${i} = 0;`)}
        for (let t = causal ? s : 0; t < T; t++) {
          const w = heap[oW + (g * T + t) * T + s];
          if (w === 0) continue;
          const d = dS[t * T + s];
          const at = base + t * ${dk};
          ${unrolled(dk, (i) => `dk${i} += d * heap[oQ + at + ${i}]; dv${i} += w * heap[oDC + at + ${i}];`)}
        }
        const as = base + s * ${dk};
        ${unrolled(dk, (i) => `heap[oDK + as + ${i}] = dk${i}; heap[oDV + as + ${i}] = dv${i};`)}
      }
    }`;
  const loops: Loops = {
    scores: new Function(
      'heap',
      'oQ',
      'oK',
      'oMask',
      'oS',
      'G',
      'T',
      'B',
      'causal',
      'padding',
      'zeroQueries',
      'scale',
      scores,
    ) as ScoresLoop,
    context: new Function(
      'heap',
      'oW',
      'oV',
      'oMask',
      'oC',
      'G',
      'T',
      'B',
      'causal',
      'padding',
      'zeroQueries',
      context,
    ) as ContextLoop,
    backward: new Function(
      'heap',
      'oDC',
      'oQ',
      'oK',
      'oV',
      'oW',
      'oDQ',
      'oDK',
      'oDV',
      'G',
      'T',
      'causal',
      'scale',
      'dS',
      backward,
    ) as BackwardLoop,
  };
  loopCache.set(dk, loops);
  return loops;
}

function makeForward(softmax: SoftmaxFn) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const name = MASKED_ATTENTION_KERNEL;
    const backend = args.backend as WasmBackendLike;
    const [G, T, dk] = groupShape(name, args.inputs.q);
    const mask = args.inputs.mask as tf.TensorInfo | undefined;
    const B = mask?.shape[0] ?? 0;
    if (!mask || mask.dtype !== 'float32' || mask.shape.length !== 2 || mask.shape[1] !== T || G % B !== 0) {
      throw new Error(
        `${name}: mask must be float32 [B, ${T}] with B dividing ${G} groups, ` +
          `got ${mask ? `${mask.dtype} [${mask.shape}]` : 'nothing'}`,
      );
    }
    const q = args.inputs.q as tf.TensorInfo;
    const k = float32Input(name, 'k', args.inputs.k, [G, T, dk]);
    const v = float32Input(name, 'v', args.inputs.v, [G, T, dk]);
    const scale = scaleOf(name, args.attrs);
    const causal = args.attrs?.causal === true;
    const padding = args.attrs?.paddingMask === true;
    const zeroQueries = args.attrs?.zeroPaddedQueries === true;
    const loops = loopsFor(dk);

    const context = backend.makeOutput([G, T, dk], 'float32');
    const scores = backend.makeOutput([G * T, T], 'float32');
    const oMask = offsetOf(backend, mask);
    loops.scores(
      heapOf(backend),
      offsetOf(backend, q),
      offsetOf(backend, k),
      oMask,
      offsetOf(backend, scores),
      G,
      T,
      B,
      causal,
      padding,
      zeroQueries,
      scale,
    );
    const weights = softmax({ inputs: { logits: scores }, backend, attrs: { dim: 1 } });
    backend.disposeData(scores.dataId);
    loops.context(
      heapOf(backend),
      offsetOf(backend, weights),
      offsetOf(backend, v),
      oMask,
      offsetOf(backend, context),
      G,
      T,
      B,
      causal,
      padding,
      zeroQueries,
    );
    return [context, weights];
  };
}

function backward(args: KernelArgs): tf.TensorInfo[] {
  const name = MASKED_ATTENTION_GRAD_KERNEL;
  const backend = args.backend as WasmBackendLike;
  const [G, T, dk] = groupShape(name, args.inputs.q);
  const q = args.inputs.q as tf.TensorInfo;
  const dContext = float32Input(name, 'dContext', args.inputs.dContext, [G, T, dk]);
  const k = float32Input(name, 'k', args.inputs.k, [G, T, dk]);
  const v = float32Input(name, 'v', args.inputs.v, [G, T, dk]);
  const weights = float32Input(name, 'weights', args.inputs.weights, [G * T, T]);
  const scale = scaleOf(name, args.attrs);

  const dq = backend.makeOutput([G, T, dk], 'float32');
  const dkOut = backend.makeOutput([G, T, dk], 'float32');
  const dv = backend.makeOutput([G, T, dk], 'float32');
  const o = (info: tf.TensorInfo) => offsetOf(backend, info);
  loopsFor(dk).backward(
    heapOf(backend),
    o(dContext),
    o(q),
    o(k),
    o(v),
    o(weights),
    o(dq),
    o(dkOut),
    o(dv),
    G,
    T,
    args.attrs?.causal === true,
    scale,
    new Float64Array(T * T),
  );
  return [dq, dkOut, dv];
}

/**
 * Registers both kernels on the wasm backend (call after the wasm package registered its own
 * kernels: the forward calls its Softmax). Idempotent; false when that is absent.
 */
export function registerWasmMaskedAttention(): boolean {
  const softmaxKernel = tf.getKernel('Softmax', 'wasm');
  if (!softmaxKernel) return false;
  if (!tf.getKernel(MASKED_ATTENTION_KERNEL, 'wasm')) {
    tf.registerKernel({
      kernelName: MASKED_ATTENTION_KERNEL,
      backendName: 'wasm',
      kernelFunc: makeForward(softmaxKernel.kernelFunc as unknown as SoftmaxFn) as unknown as tf.KernelFunc,
    });
  }
  if (!tf.getKernel(MASKED_ATTENTION_GRAD_KERNEL, 'wasm')) {
    tf.registerKernel({
      kernelName: MASKED_ATTENTION_GRAD_KERNEL,
      backendName: 'wasm',
      kernelFunc: backward as unknown as tf.KernelFunc,
    });
  }
  return true;
}

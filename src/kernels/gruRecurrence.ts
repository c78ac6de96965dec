/**
 * The masked GRU / AGRU / AUGRU recurrence as ONE forward and ONE backward kernel for the
 * WebAssembly backend (used by `kernelRecurrence` in src/layers/gruRecurrence.ts; the cell
 * equations are in src/layers/gru.ts).
 *
 * Why: written as tf ops the recurrence runs ~35 small kernels per step and layer (forward
 * and backward), each paying ~30 us of tfjs dispatch for ~5k elements of work. Here the
 * elementwise work of every step is a JavaScript loop over views of the wasm heap, and the
 * per-step hidden product ([B, H] x [H, 3H] forward, [B, 3H] x [3H, H] backward) and the
 * forward's sigmoids call the wasm backend's own BatchMatMul and Sigmoid kernel functions
 * directly, without the engine (Math.exp / Math.tanh per element in JavaScript would cost
 * about twice the whole kernel).
 *
 * Forward `DilGruRecurrence`, inputs (batch-major):
 *   projected [B, T, 3H] (x W + b, blocks u | r | c), kernel U [H, 3H],
 *   scale [B, T, 1] s_t, keep [B, T, 1] k_t (mode 'official' only); attrs { mode, skipIdle }.
 *   Outputs: states [B, T, H], gates [B, T, 2H] (u | r), candidates [B, T, H] c,
 *   hiddenCandidate [B, T, H] (U_c h_{t-1}, the candidate block of h_{t-1} U).
 *   skipIdle (scoring, no backward pass): steps where a row's gate is 0 in every mode
 *   (s_t = 0 and k_t = 0, e.g. padding) are left out of that step's product and sigmoids; their
 *   states are h_{t-1} as computed (exactly), their gates, candidates and hiddenCandidate are 0.
 * Backward `DilGruRecurrenceGrad`, inputs: dStates [B, T, H], kernelT U^T [3H, H], scale,
 *   keep (mode 'official' only), and the forward's four outputs; attrs { mode }.
 *   Outputs: dProjected [B, T, 3H], dHidden [B*T, 3H] (gradient of each step's h_{t-1} U),
 *   previousT [H, B*T] (h_{t-1} of each row, transposed: dU = previousT x dHidden),
 *   dScale [B, T, 1], dKeep [B, T, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { heapOf, KernelArgs, offsetOf, WasmBackendLike } from './wasmHeap';

export const GRU_RECURRENCE_KERNEL = 'DilGruRecurrence';
export const GRU_RECURRENCE_GRAD_KERNEL = 'DilGruRecurrenceGrad';

type MatMulFn = (args: {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
  backend: unknown;
  attrs: { transposeA: boolean; transposeB: boolean };
}) => tf.TensorInfo;
type UnaryFn = (args: { inputs: { x: tf.TensorInfo }; backend: unknown }) => tf.TensorInfo;

const UPDATE = 0;
const REPLACE = 1;
const OFFICIAL = 2;

function modeCode(kernelName: string, attrs: tf.NamedAttrMap | undefined): number {
  const mode = attrs?.mode;
  if (mode === 'update') return UPDATE;
  if (mode === 'replace') return REPLACE;
  if (mode === 'official') return OFFICIAL;
  throw new Error(`${kernelName}: attr mode must be 'update', 'replace' or 'official', got ${String(mode)}`);
}

function checkShape(
  kernelName: string,
  label: string,
  info: tf.TensorInfo | undefined,
  expected: number[],
): tf.TensorInfo {
  const ok =
    info !== undefined &&
    info.dtype === 'float32' &&
    info.shape.reduce((a, b) => a * b, 1) === expected.reduce((a, b) => a * b, 1) &&
    info.shape[0] === expected[0];
  if (!ok)
    throw new Error(
      `${kernelName}: ${label} must be float32 [${expected}], ` +
        `got ${info ? `${info.dtype} [${info.shape}]` : 'nothing'}`,
    );
  return info as tf.TensorInfo;
}

/**
 * Per step t: [u | r] = sigmoid(x W_ur + h_{t-1} U_ur), c = tanh(x W_c + r * (h_{t-1} U_c)),
 * g from s_t, k_t and u by mode, h_t = h_{t-1} + g (c - h_{t-1}); h_0 = 0.
 */
function makeForward(matMul: MatMulFn, sigmoid: UnaryFn) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as WasmBackendLike;
    const mode = modeCode(GRU_RECURRENCE_KERNEL, args.attrs);
    const skipIdle = args.attrs?.skipIdle === true;
    const projected = args.inputs.projected as tf.TensorInfo;
    if (!projected || projected.dtype !== 'float32' || projected.shape.length !== 3 || projected.shape[2] % 3 !== 0) {
      throw new Error(
        `${GRU_RECURRENCE_KERNEL}: projected must be float32 [B, T, 3H], ` +
          `got ${projected ? `${projected.dtype} [${projected.shape}]` : 'nothing'}`,
      );
    }
    const [B, T, H3] = projected.shape;
    const H = H3 / 3;
    const H2 = 2 * H;
    const kernel = checkShape(GRU_RECURRENCE_KERNEL, 'kernel', args.inputs.kernel, [H, H3]);
    const scale = checkShape(GRU_RECURRENCE_KERNEL, 'scale', args.inputs.scale, [B, T, 1]);
    const keep = mode === OFFICIAL ? checkShape(GRU_RECURRENCE_KERNEL, 'keep', args.inputs.keep, [B, T, 1]) : undefined;

    const states = backend.makeOutput([B, T, H], 'float32');
    const gates = backend.makeOutput([B, T, H2], 'float32');
    const candidates = backend.makeOutput([B, T, H], 'float32');
    const hiddenCandidate = backend.makeOutput([B, T, H], 'float32');
    // h_{t-1} of every row; the active rows' h_{t-1} (the product's left operand when some rows
    // are idle) and the sigmoids' inputs (first A rows used; the sigmoids run over all B rows).
    const previous = backend.makeOutput([B, H], 'float32');
    const operand = skipIdle ? backend.makeOutput([B, H], 'float32') : previous;
    const preGates = backend.makeOutput([B, H2], 'float32');
    const preCandidate = backend.makeOutput([B, H], 'float32');
    const oPreG = offsetOf(backend, preGates);
    const oPreC = offsetOf(backend, preCandidate);
    const oOp = offsetOf(backend, operand);
    const oProj = offsetOf(backend, projected);
    const oScale = offsetOf(backend, scale);
    const oKeep = keep ? offsetOf(backend, keep) : 0;
    const oStates = offsetOf(backend, states);
    const oGates = offsetOf(backend, gates);
    const oCand = offsetOf(backend, candidates);
    const oHc = offsetOf(backend, hiddenCandidate);
    const oPrev = offsetOf(backend, previous);
    const heap = (): Float32Array => heapOf(backend);
    heap().fill(0, oPrev, oPrev + B * H);
    const active = new Int32Array(B);
    for (let t = 0; t < T; t++) {
      // The rows this step changes: all, or with skipIdle those with g != 0 possible (s_t != 0, or k_t != 0).
      let A = 0;
      let v = heap();
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        if (!skipIdle || v[oScale + row] !== 0 || (keep !== undefined && v[oKeep + row] !== 0)) active[A++] = b;
        else {
          // g = 0: h_t = h_{t-1} exactly; the other outputs are not needed without a backward pass.
          v.copyWithin(oStates + row * H, oPrev + b * H, oPrev + b * H + H);
          v.fill(0, oGates + row * H2, oGates + row * H2 + H2);
          v.fill(0, oCand + row * H, oCand + row * H + H);
          v.fill(0, oHc + row * H, oHc + row * H + H);
        }
      }
      if (A === 0) continue;
      const compact = A < B;
      if (compact && t > 0)
        for (let i = 0; i < A; i++) v.copyWithin(oOp + i * H, oPrev + active[i] * H, oPrev + active[i] * H + H);
      // [u | r] = sigmoid(x W_ur + h_{t-1} U_ur); h_0 = 0, so the first product is skipped.
      // The product reads the first A rows of its operand (it takes the shape it is given).
      const a = compact ? { ...operand, shape: [A, H] } : previous;
      const hidden =
        t > 0
          ? matMul({ inputs: { a, b: kernel }, backend, attrs: { transposeA: false, transposeB: false } })
          : undefined;
      v = heap();
      const oHid = hidden ? offsetOf(backend, hidden) : 0;
      for (let i = 0; i < A; i++) {
        const b = active[i];
        const p = oProj + (b * T + t) * H3;
        const q = oHid + i * H3;
        const g = oPreG + i * H2;
        const hc = oHc + (b * T + t) * H;
        if (hidden) {
          for (let k = 0; k < H2; k++) v[g + k] = v[p + k] + v[q + k];
          v.copyWithin(hc, q + H2, q + H3);
        } else {
          v.copyWithin(g, p, p + H2);
          v.fill(0, hc, hc + H);
        }
      }
      if (hidden) backend.disposeData(hidden.dataId);
      const ur = sigmoid({ inputs: { x: preGates }, backend });
      v = heap();
      const oUr = offsetOf(backend, ur);
      // c = tanh(z) = 2 sigmoid(2z) - 1 with z = x W_c + r * (h_{t-1} U_c) (the wasm tanh is slow).
      for (let i = 0; i < A; i++) {
        const row = active[i] * T + t;
        const p = oProj + row * H3 + H2;
        const r = oUr + i * H2 + H;
        const hc = oHc + row * H;
        const z = oPreC + i * H;
        for (let k = 0; k < H; k++) v[z + k] = 2 * (v[p + k] + v[r + k] * v[hc + k]);
      }
      const sc = sigmoid({ inputs: { x: preCandidate }, backend });
      v = heap();
      const oSc = offsetOf(backend, sc);
      for (let i = 0; i < A; i++) {
        const b = active[i];
        const row = b * T + t;
        const s = v[oScale + row];
        const keepT = keep ? v[oKeep + row] : 0;
        const urRow = oUr + i * H2;
        const gRow = oGates + row * H2;
        const hRow = row * H;
        const hp = oPrev + b * H;
        const sRow = oSc + i * H;
        v.copyWithin(gRow, urRow, urRow + H2);
        for (let k = 0; k < H; k++) {
          const u = v[urRow + k];
          const c = 2 * v[sRow + k] - 1;
          const g = mode === UPDATE ? s * u : mode === REPLACE ? s : s - keepT * (1 - u);
          const h = v[hp + k];
          const next = h + g * (c - h);
          v[oCand + hRow + k] = c;
          v[oStates + hRow + k] = next;
          v[hp + k] = next;
        }
      }
      backend.disposeData(ur.dataId);
      backend.disposeData(sc.dataId);
    }
    for (const scratch of new Set([previous, operand, preGates, preCandidate])) backend.disposeData(scratch.dataId);
    return [states, gates, candidates, hiddenCandidate];
  };
}

/**
 * Backpropagation through time, per step t from T-1 down to 0, with dh the gradient reaching
 * h_t (dStates_t plus the carry from step t+1) and h_{t-1} = 0 at t = 0:
 *   dc = dh g;  dg = dh (c - h_{t-1});  dPreC = dc (1 - c^2);  dPreR = dPreC hc r (1 - r)
 *   dPreU = dg s u (1 - u) ('update') | dg k u (1 - u) ('official') | 0 ('replace')
 *   dProjected_t = [dPreU, dPreR, dPreC];  dHidden_t = [dPreU, dPreR, dPreC r]
 *   ds_t = sum_H dg u ('update') | sum_H dg;  dk_t = -sum_H dg (1 - u) ('official')
 *   carry = dh (1 - g) + dHidden_t U^T
 */
function makeBackward(matMul: MatMulFn) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as WasmBackendLike;
    const mode = modeCode(GRU_RECURRENCE_GRAD_KERNEL, args.attrs);
    const states = args.inputs.states as tf.TensorInfo;
    if (!states || states.dtype !== 'float32' || states.shape.length !== 3)
      throw new Error(
        `${GRU_RECURRENCE_GRAD_KERNEL}: states must be float32 [B, T, H], ` +
          `got ${states ? `${states.dtype} [${states.shape}]` : 'nothing'}`,
      );
    const [B, T, H] = states.shape;
    const H3 = 3 * H;
    const N = B * T;
    const dStates = checkShape(GRU_RECURRENCE_GRAD_KERNEL, 'dStates', args.inputs.dStates, [B, T, H]);
    const kernelT = checkShape(GRU_RECURRENCE_GRAD_KERNEL, 'kernelT', args.inputs.kernelT, [H3, H]);
    const scale = checkShape(GRU_RECURRENCE_GRAD_KERNEL, 'scale', args.inputs.scale, [B, T, 1]);
    const keep =
      mode === OFFICIAL ? checkShape(GRU_RECURRENCE_GRAD_KERNEL, 'keep', args.inputs.keep, [B, T, 1]) : undefined;
    const gates = checkShape(GRU_RECURRENCE_GRAD_KERNEL, 'gates', args.inputs.gates, [B, T, 2 * H]);
    const candidates = checkShape(GRU_RECURRENCE_GRAD_KERNEL, 'candidates', args.inputs.candidates, [B, T, H]);
    const hiddenCandidate = checkShape(GRU_RECURRENCE_GRAD_KERNEL, 'hiddenCandidate', args.inputs.hiddenCandidate, [
      B,
      T,
      H,
    ]);

    const dProjected = backend.makeOutput([B, T, H3], 'float32');
    const dHidden = backend.makeOutput([N, H3], 'float32');
    const previousT = backend.makeOutput([H, N], 'float32');
    const dScale = backend.makeOutput([B, T, 1], 'float32');
    const dKeep = backend.makeOutput([B, T, 1], 'float32');
    const stepGrad = backend.makeOutput([B, H3], 'float32'); // dHidden_t: the product's left operand
    const oDy = offsetOf(backend, dStates);
    const oScale = offsetOf(backend, scale);
    const oKeep = keep ? offsetOf(backend, keep) : 0;
    const oStates = offsetOf(backend, states);
    const oGates = offsetOf(backend, gates);
    const oCand = offsetOf(backend, candidates);
    const oHc = offsetOf(backend, hiddenCandidate);
    const oDProj = offsetOf(backend, dProjected);
    const oDHid = offsetOf(backend, dHidden);
    const oPrevT = offsetOf(backend, previousT);
    const oDScale = offsetOf(backend, dScale);
    const oDKeep = offsetOf(backend, dKeep);
    const oStep = offsetOf(backend, stepGrad);
    const carry = new Float64Array(B * H);
    const leak = new Float64Array(B * H); // dh (1 - g), the carry's direct part
    let heap = heapOf(backend);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        const s = heap[oScale + row];
        const keepT = keep ? heap[oKeep + row] : 0;
        const hRow = row * H;
        const gRow = oGates + row * 2 * H;
        const pRow = row * H3;
        const sRow = oStep + b * H3;
        const cb = b * H;
        let ds = 0;
        let dk = 0;
        for (let k = 0; k < H; k++) {
          const dh = heap[oDy + hRow + k] + carry[cb + k];
          const hPrev = t > 0 ? heap[oStates + hRow - H + k] : 0;
          const u = heap[gRow + k];
          const r = heap[gRow + H + k];
          const c = heap[oCand + hRow + k];
          const g = mode === UPDATE ? s * u : mode === REPLACE ? s : s - keepT * (1 - u);
          const dc = dh * g;
          const dg = dh * (c - hPrev);
          const dPreC = dc * (1 - c * c);
          const dPreR = dPreC * heap[oHc + hRow + k] * r * (1 - r);
          const dPreU = mode === UPDATE ? dg * s * u * (1 - u) : mode === OFFICIAL ? dg * keepT * u * (1 - u) : 0;
          if (mode === UPDATE) ds += dg * u;
          else ds += dg;
          if (mode === OFFICIAL) dk -= dg * (1 - u);
          heap[oDProj + pRow + k] = dPreU;
          heap[oDProj + pRow + H + k] = dPreR;
          heap[oDProj + pRow + 2 * H + k] = dPreC;
          heap[oDHid + pRow + k] = dPreU;
          heap[oDHid + pRow + H + k] = dPreR;
          heap[oDHid + pRow + 2 * H + k] = dPreC * r;
          heap[oPrevT + k * N + row] = hPrev;
          leak[cb + k] = dh * (1 - g);
        }
        heap.copyWithin(sRow, oDHid + pRow, oDHid + pRow + H3);
        heap[oDScale + row] = ds;
        heap[oDKeep + row] = dk;
      }
      if (t > 0) {
        const back = matMul({
          inputs: { a: stepGrad, b: kernelT },
          backend,
          attrs: { transposeA: false, transposeB: false },
        });
        heap = heapOf(backend);
        const oBack = offsetOf(backend, back);
        for (let i = 0; i < B * H; i++) carry[i] = leak[i] + heap[oBack + i];
        backend.disposeData(back.dataId);
      }
    }
    backend.disposeData(stepGrad.dataId);
    return [dProjected, dHidden, previousT, dScale, dKeep];
  };
}

/**
 * Registers both kernels on the wasm backend (call after the wasm package registered its own
 * kernels: they call its BatchMatMul and Sigmoid). Idempotent; false when those are absent.
 */
export function registerWasmGruRecurrence(): boolean {
  const batchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const sigmoidKernel = tf.getKernel('Sigmoid', 'wasm');
  if (!batchMatMul || !sigmoidKernel) return false;
  const matMul = batchMatMul.kernelFunc as unknown as MatMulFn;
  const sigmoid = sigmoidKernel.kernelFunc as unknown as UnaryFn;
  if (!tf.getKernel(GRU_RECURRENCE_KERNEL, 'wasm')) {
    tf.registerKernel({
      kernelName: GRU_RECURRENCE_KERNEL,
      backendName: 'wasm',
      kernelFunc: makeForward(matMul, sigmoid) as unknown as tf.KernelFunc,
    });
  }
  if (!tf.getKernel(GRU_RECURRENCE_GRAD_KERNEL, 'wasm')) {
    tf.registerKernel({
      kernelName: GRU_RECURRENCE_GRAD_KERNEL,
      backendName: 'wasm',
      kernelFunc: makeBackward(matMul) as unknown as tf.KernelFunc,
    });
  }
  return true;
}

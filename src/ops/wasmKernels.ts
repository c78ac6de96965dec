/**
 * Copy-free `Slice`, `Unpack` (tf.unstack), `SplitV` (tf.split, and the gradient of
 * tf.concat) and `Identity` kernels for the WebAssembly backend.
 *
 * Why: tfjs-backend-wasm 4.22's `Slice` starts with `backend.readSync(x.dataId)`, which copies
 * the WHOLE input out of the wasm heap into a fresh JavaScript buffer before copying the slice
 * back in, and its `Unpack` and `SplitV` call that `Slice` once per output. Unstacking a
 * [128, 50, 36] history into 50 steps therefore copies the full tensor 50 times (quadratic in T),
 * and the gradient of every `tf.concat` (a split) copies its whole input once per piece.
 * These kernels read the input through a view of the heap instead; values are identical
 * (pure copies, no arithmetic).
 *
 * `Identity`: tfjs saves every tensor a gradient needs by cloning it (`engine.clone` runs the
 * Identity kernel), and the wasm Identity copies the whole buffer, so a training forward pass
 * copies most of its activations once more. The CPU and WebGL backends implement Identity by
 * sharing the buffer (reference count + 1); tfjs tensors are immutable (a Variable's assign
 * swaps its buffer, it never writes into it), so sharing is safe. This kernel does the same
 * on wasm (as the wasm Reshape kernel already does).
 *
 * Install after the wasm backend is registered (`installFastWasmKernels()`); the call
 * is idempotent and does nothing when the wasm backend is absent.
 */
import * as tf from '@tensorflow/tfjs';

/** The slice of the wasm backend's API used here. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const KERNELS = ['Slice', 'Unpack', 'SplitV', 'Identity'] as const;
const originals = new Map<string, KernelFn>();
const MARK = Symbol.for('deep-interest-lab.fastWasmKernel');

function product(xs: readonly number[], from = 0, to = xs.length): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= xs[i];
  return p;
}

/**
 * Copies the box [begin, begin + size) of a row-major tensor of `shape` from `src` into `dst`
 * (contiguous). Trailing axes taken whole are merged into one contiguous run.
 */
export function copyBox(
  src: ArrayLike<number> & { subarray?: unknown },
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: Float32Array | Int32Array | Uint8Array,
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  // Innermost axis k such that axes k+1.. are taken whole: a run is size[k] * prod(shape[k+1..]).
  let k = rank - 1;
  while (k > 0 && begin[k] === 0 && size[k] === shape[k]) k--;
  const runInner = product(shape, k + 1);
  const run = size[k] * runInner;
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  const outer = product(size, 0, k);
  const index = new Array<number>(k).fill(0);
  const typedSrc = src as Float32Array;
  let out = 0;
  for (let o = 0; o < outer; o++) {
    let offset = begin[k] * strides[k];
    for (let i = 0; i < k; i++) offset += (begin[i] + index[i]) * strides[i];
    if (run >= 32) {
      dst.set(typedSrc.subarray(offset, offset + run), out);
    } else {
      for (let j = 0; j < run; j++) dst[out + j] = typedSrc[offset + j];
    }
    out += run;
    for (let i = k - 1; i >= 0; i--) {
      if (++index[i] < size[i]) break;
      index[i] = 0;
    }
  }
}

function sliceKernel(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return originals.get('Slice')!(args) as tf.TensorInfo;
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as { begin: number | number[]; size?: number | number[] };
  const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin, attrs.size);
  const out = backend.makeOutput(size, x.dtype);
  if (product(size) === 0) return out;
  // Views are taken after makeOutput: an allocation may grow (and move) the heap.
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

/** Splits x along `axis` into pieces of `sizes`; the output shapes are `shapeOf(pieceSize)`. */
function splitAlong(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  axis: number,
  sizes: number[],
  shapeOf: (s: number) => number[],
): tf.TensorInfo[] {
  const outs = sizes.map((s) => backend.makeOutput(shapeOf(s), x.dtype));
  const src = backend.typedArrayFromHeap(x);
  const begin = new Array<number>(x.shape.length).fill(0);
  const boxSize = x.shape.slice();
  sizes.forEach((s, i) => {
    boxSize[axis] = s;
    if (s > 0 && product(boxSize) > 0) copyBox(src, x.shape, begin, boxSize, backend.typedArrayFromHeap(outs[i]));
    begin[axis] += s;
  });
  return outs;
}

function unpackKernel(args: KernelArgs): tf.TensorInfo[] {
  const value = args.inputs.value as tf.TensorInfo;
  if (value.dtype === 'string') return originals.get('Unpack')!(args) as tf.TensorInfo[];
  let axis = Number((args.attrs as { axis: number }).axis);
  if (axis < 0) axis += value.shape.length;
  const outShape = value.shape.filter((_, i) => i !== axis);
  return splitAlong(
    args.backend as WasmBackendLike,
    value,
    axis,
    new Array<number>(value.shape[axis]).fill(1),
    () => outShape,
  );
}

function splitVKernel(args: KernelArgs): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return originals.get('SplitV')!(args) as tf.TensorInfo[];
  const attrs = args.attrs as { numOrSizeSplits: number | number[]; axis: number | number[] };
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits, axis);
  return splitAlong(args.backend as WasmBackendLike, x, axis, sizes, (s) =>
    x.shape.map((d, i) => (i === axis ? s : d)),
  );
}

function identityKernel(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return originals.get('Identity')!(args) as tf.TensorInfo;
  (args.backend as WasmBackendLike).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

const REPLACEMENTS: Record<(typeof KERNELS)[number], KernelFn> = {
  Slice: sliceKernel,
  Unpack: unpackKernel,
  SplitV: splitVKernel,
  Identity: identityKernel,
};

/**
 * Replaces the wasm backend's Slice, Unpack, SplitV and Identity kernels with copy-free versions.
 * Returns true when installed (now or before), false when no wasm kernels are registered.
 */
export function installFastWasmKernels(): boolean {
  let installed = true;
  for (const name of KERNELS) {
    const current = tf.getKernel(name, 'wasm');
    if (!current) {
      installed = false;
      continue;
    }
    if ((current as unknown as Record<symbol, boolean>)[MARK]) continue;
    originals.set(name, current.kernelFunc as unknown as KernelFn);
    tf.unregisterKernel(name, 'wasm');
    const config = {
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: REPLACEMENTS[name] as unknown as tf.KernelFunc,
    };
    (config as unknown as Record<symbol, boolean>)[MARK] = true;
    tf.registerKernel(config);
  }
  return installed;
}

/** True when the copy-free kernels are the active wasm kernels. */
export function fastWasmKernelsInstalled(): boolean {
  return KERNELS.every((name) => {
    const k = tf.getKernel(name, 'wasm');
    return k !== undefined && (k as unknown as Record<symbol, boolean>)[MARK] === true;
  });
}

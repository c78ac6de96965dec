/**
 * `columnSums(x)`: sums of the columns of a [N, M] matrix -> [M] (the bias gradient of a
 * dense layer). Not differentiable (meant for gradient code).
 *
 * On wasm `tf.sum(x, 0)` transposes first, and a ones[1, N] x [N, M] product pays for
 * packing the fresh [N, M] operand; this kernel is 2-4x faster than either (timings:
 * bench/NOTES.md §2).
 * The wasm kernel is a JavaScript loop over a view of the heap, accumulating in float64.
 * Other backends use `tf.sum(x, 0)`.
 */
import * as tf from '@tensorflow/tfjs';

const KERNEL = 'DilColumnSums';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function columnSumsWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const backend = args.backend as WasmBackendLike;
  const [n, m] = x.shape;
  const out = backend.makeOutput([m], 'float32');
  // Views after makeOutput (an allocation may move the heap).
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const acc = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) acc[j] += src[row + j];
  }
  for (let j = 0; j < m; j++) dst[j] = acc[j];
  return out;
}

function ensureRegistered(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (!tf.getKernel(KERNEL, 'wasm')) {
    tf.registerKernel({
      kernelName: KERNEL,
      backendName: 'wasm',
      kernelFunc: columnSumsWasm as unknown as tf.KernelFunc,
    });
  }
  return true;
}

/** x [N, M] float32 -> [M], the sum of each column. */
export function columnSums(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 2 || x.dtype !== 'float32') {
    throw new Error(`columnSums expects a float32 [N, M] matrix, got ${x.dtype} [${x.shape}]`);
  }
  if (ensureRegistered()) return tf.engine().runKernel(KERNEL, { x }) as tf.Tensor;
  return tf.sum(x, 0);
}

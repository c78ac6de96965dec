/**
 * `UnsortedSegmentSum` for the WebAssembly backend, which ships none.
 *
 * tfjs differentiates `tf.gather` (every embedding lookup) into an unsorted segment sum,
 * so without this kernel no embedding can be trained on wasm. The kernel reads the inputs
 * straight from the wasm heap and accumulates in one pass: O(N * D) instead of the CPU
 * backend's O(numSegments * N * D) loop of equal/multiply/sum.
 *
 * Inputs: x [N, ...rest], segmentIds [N] (int32, or a prefix of x's shape); numSegments S.
 * Output: [S, ...rest], out[s] = sum of x[i] over i with segmentIds[i] == s; ids outside
 * [0, S) are dropped, as in TensorFlow.
 */
import * as tf from '@tensorflow/tfjs';

/** The slice of the wasm backend's API this kernel uses. */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface Inputs {
  x: tf.TensorInfo;
  segmentIds: tf.TensorInfo;
}

function unsortedSegmentSumWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as unknown as Inputs;
  const backend = args.backend as WasmBackendLike;
  const numSegments = Number((args.attrs as { numSegments: number }).numSegments);
  const idsRank = segmentIds.shape.length;
  const outer = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(idsRank).reduce((a, b) => a * b, 1);
  const outShape = [numSegments, ...x.shape.slice(idsRank)];
  const out = backend.makeOutput(outShape, x.dtype);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(0);
  const src = backend.readSync(x.dataId);
  const ids = backend.readSync(segmentIds.dataId);
  for (let i = 0; i < outer; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const from = i * inner;
    const to = s * inner;
    for (let j = 0; j < inner; j++) dst[to + j] += src[from + j];
  }
  return out;
}

/** Registers the kernel on the wasm backend unless it already has one. */
export function registerWasmUnsortedSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
  });
}

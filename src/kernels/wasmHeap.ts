/**
 * What the kit's own wasm kernels (src/kernels/*) use of the WebAssembly backend: its output
 * allocation and the float32 heap that holds every tensor.
 */
import * as tf from '@tensorflow/tfjs';

/** The slice of the wasm backend's API the kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): void;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

/** The arguments tfjs passes to a kernel function. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The whole heap as float32 (re-read after every allocation: growing the heap replaces its buffer). */
export function heapOf(backend: WasmBackendLike): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer);
}

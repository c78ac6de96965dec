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

/** Float32 index of a tensor's first element in the heap. */
export function offsetOf(backend: WasmBackendLike, info: tf.TensorInfo): number {
  return backend.dataIdMap.get(info.dataId).memoryOffset >>> 2;
}

/** `info` if it is float32 of exactly `shape`; otherwise an error naming the kernel and input. */
export function float32Input(
  kernelName: string,
  label: string,
  info: tf.TensorInfo | undefined,
  shape: number[],
): tf.TensorInfo {
  const ok =
    info !== undefined &&
    info.dtype === 'float32' &&
    info.shape.length === shape.length &&
    info.shape.every((d, i) => d === shape[i]);
  if (!ok) {
    throw new Error(
      `${kernelName}: ${label} must be float32 [${shape}], got ${info ? `${info.dtype} [${info.shape}]` : 'nothing'}`,
    );
  }
  return info as tf.TensorInfo;
}

/**
 * Fast differentiable primitives for the wasm backend (see bench/NOTES.md for measurements).
 * Same values and gradients as the plain tfjs compositions; faster kernel sequences.
 */
export { matMulFast, transposeLastTwo } from './matMul';
export { denseFast, DENSE_ACTIVATIONS, transposedProduct } from './dense';
export { columnSums } from './columnSums';
export type { DenseActivation } from './dense';
export { installFastWasmKernels, fastWasmKernelsInstalled } from './wasmKernels';

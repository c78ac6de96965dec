/**
 * The one module that knows which TensorFlow.js backend runs.
 *
 * `useBestBackend()` picks, in order: the native TensorFlow backend when
 * `@tensorflow/tfjs-node` loads, else WebAssembly, else the pure-JS CPU backend.
 * `@tensorflow/tfjs-node` is an optional peer dependency, installed by the user where it can
 * install: its install step downloads the TensorFlow C library, which fails without internet
 * (and, as a regular or optional dependency, npm dedupes danfojs-node's hard dependency onto
 * it, so that failure would fail the whole `npm ci`).
 * `DIL_BACKEND=tensorflow|wasm|cpu` forces one. It prints one line saying which runs and why.
 * `DIL_WASM_THREADS=n` runs the wasm backend's threaded build with n threads (off by default:
 * same numbers, but on this kit's small kernels it costs CPU without shortening a training
 * step; see docs/findings/performance.md).
 * Nothing else in the kit may depend on which backend is present.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { registerWasmAttentionUnit } from './kernels/attentionUnit';
import { registerWasmGruRecurrence } from './kernels/gruRecurrence';
import { registerWasmMaskedAttention } from './kernels/maskedAttention';
import { registerWasmUnsortedSegmentSum } from './kernels/unsortedSegmentSum';
import { installFastWasmKernels } from './ops/wasmKernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  /** The backend now active in tf. */
  name: BackendName;
  /** One sentence: why this one. */
  reason: string;
}

let chosen: BackendChoice | undefined;

function tryLoadNative(): string | undefined {
  try {
    // danfojs-node's dependency on '@tensorflow/tfjs-node' is aliased to '@tensorflow/tfjs'
    // (package.json overrides), so the name can resolve to plain tfjs: that is not native.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const installed = (require('@tensorflow/tfjs-node/package.json') as { name?: string }).name;
    if (installed !== '@tensorflow/tfjs-node')
      return 'not installed (npm install @tensorflow/tfjs-node to use native TensorFlow)';
  } catch {
    return 'not installed (npm install @tensorflow/tfjs-node to use native TensorFlow)';
  }
  try {
    // A plain require, so that bundlers and the TypeScript build leave it optional.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return message.length > 160 ? `${message.slice(0, 157)}...` : message;
  }
}

/**
 * Parses `DIL_WASM_THREADS` (the wasm backend's thread count; unset = the unthreaded build);
 * throws a clear error on a value that is not a positive integer.
 */
export function wasmThreadsRequested(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.DIL_WASM_THREADS?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) {
    throw new Error(`DIL_WASM_THREADS=${raw} is not a thread count; expected an integer from 1 to 8`);
  }
  return n;
}

interface LoadMessage {
  cmd?: string;
  urlOrBlob?: unknown;
}

/**
 * Starts tfjs-backend-wasm 4.22's threaded SIMD build under Node with `threads` XNNPACK threads.
 * The package turns threads off under Node, and three things stop them when forced on:
 * - each pthread worker is spawned from a `blob:` URL, which Node's Worker refuses: it is
 *   started from the worker script's text instead (the package ships it as a string);
 * - each worker is told to load the main script from a Blob it cannot import: it gets the
 *   path of the same Emscripten glue as a file (wasm-out/tfjs-backend-wasm-threaded-simd.js);
 * - the module sizes its pool as min(requested, logical cores / 2) (it assumes two hardware
 *   threads per core), so 2 cores give 1 thread: it is told of 2 x `threads` logical cores.
 * The patches are undone once the backend is ready; the pool's workers are unref'd so that
 * they do not keep the process alive.
 */
async function activateThreadedWasm(threads: number): Promise<boolean> {
  const wasmPackage = await import('@tensorflow/tfjs-backend-wasm');
  const root = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const mainScript = path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { wasmWorkerContents } = require(path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The string holds "\n" escapes that a template literal turned into newlines (as the package does).
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n');

  // require, not import: Worker is patched on the module object itself (an import namespace is read-only)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const workerThreads = require('worker_threads') as typeof import('worker_threads');
  const RealWorker = workerThreads.Worker;
  class PthreadWorker extends RealWorker {
    constructor(file: string | URL, options?: import('worker_threads').WorkerOptions) {
      if (String(file).startsWith('blob:')) super(workerSource, { eval: true });
      else super(file, options);
    }
    override postMessage(message: unknown, transferList?: readonly import('worker_threads').TransferListItem[]): void {
      const load = message as LoadMessage | undefined;
      if (load?.cmd === 'load' && typeof load.urlOrBlob !== 'string') message = { ...load, urlOrBlob: mainScript };
      super.postMessage(message, transferList);
    }
  }
  // Node's global WebAssembly; the kit's TypeScript lib has no DOM types for it.
  type Imports = Record<string, Record<string, unknown>>;
  const webAssembly = (
    globalThis as unknown as { WebAssembly: { instantiate: (source: unknown, imports?: Imports) => Promise<unknown> } }
  ).WebAssembly;
  const realInstantiate = webAssembly.instantiate;
  const logicalCores = (): number => 2 * threads;
  const instantiate = (source: unknown, imports?: Imports): Promise<unknown> => {
    if (imports?.env && 'emscripten_num_logical_cores' in imports.env) {
      imports = { ...imports, env: { ...imports.env, emscripten_num_logical_cores: logicalCores } };
    }
    return realInstantiate(source, imports);
  };

  wasmPackage.setThreadsCount(threads);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  workerThreads.Worker = PthreadWorker;
  webAssembly.instantiate = instantiate;
  try {
    if (!(await tf.setBackend('wasm'))) return false;
    await tf.ready();
  } finally {
    workerThreads.Worker = RealWorker;
    webAssembly.instantiate = realInstantiate;
  }
  const module = (tf.backend() as unknown as { wasm: { PThread: { runningWorkers: Array<{ unref(): void }> } } }).wasm;
  module.PThread.runningWorkers.forEach((worker) => worker.unref());
  const running = wasmPackage.getThreadsCount();
  if (running !== threads)
    throw new Error(`DIL_WASM_THREADS=${threads}, but the wasm backend started ${running} thread(s)`);
  return true;
}

async function activate(name: BackendName): Promise<boolean> {
  const threads = name === 'wasm' ? wasmThreadsRequested() : undefined;
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    // Kernels the wasm backend lacks (UnsortedSegmentSum: every embedding gradient) and
    // copy-free replacements of Slice/Unpack/SplitV/Identity (see src/ops/wasmKernels.ts);
    // the GRU recurrence and the masked multi-head attention as one kernel per pass
    // (src/kernels/gruRecurrence.ts, src/kernels/maskedAttention.ts); the scoring pass of DIN's
    // attention unit as one kernel (src/kernels/attentionUnit.ts).
    registerWasmUnsortedSegmentSum();
    registerWasmGruRecurrence();
    registerWasmMaskedAttention();
    registerWasmAttentionUnit();
    installFastWasmKernels();
  }
  if (threads !== undefined) return activateThreadedWasm(threads);
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  }
}

/** Parses `DIL_BACKEND`; throws a clear error on an unknown value. */
export function forcedBackend(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const raw = env.DIL_BACKEND?.trim();
  if (!raw) return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(raw)) return raw as BackendName;
  throw new Error(`DIL_BACKEND=${raw} is not a backend; expected one of: ${BACKEND_NAMES.join(', ')}`);
}

/**
 * Selects and activates the fastest available backend (once per process; later calls
 * return the first choice). Set `quiet` to skip the one-line report.
 */
export async function useBestBackend(options: { quiet?: boolean } = {}): Promise<BackendChoice> {
  if (chosen && tf.getBackend() === chosen.name) return chosen;
  const forced = forcedBackend();
  let choice: BackendChoice;
  if (forced) {
    if (forced === 'tensorflow') {
      const failure = tryLoadNative();
      if (failure) throw new Error(`DIL_BACKEND=tensorflow, but @tensorflow/tfjs-node does not load: ${failure}`);
    }
    if (!(await activate(forced))) throw new Error(`DIL_BACKEND=${forced}, but that backend failed to start`);
    choice = { name: forced, reason: 'forced by DIL_BACKEND' };
  } else {
    const nativeFailure = tryLoadNative();
    if (!nativeFailure && (await activate('tensorflow'))) {
      choice = { name: 'tensorflow', reason: '@tensorflow/tfjs-node loaded (native TensorFlow)' };
    } else if (await activate('wasm')) {
      choice = { name: 'wasm', reason: `@tensorflow/tfjs-node unavailable (${nativeFailure ?? 'failed to start'})` };
    } else {
      await activate('cpu');
      choice = { name: 'cpu', reason: 'neither native TensorFlow nor WebAssembly started; training will be very slow' };
    }
  }
  chosen = choice;
  if (!options.quiet) console.log(`[deep-interest-lab] backend: ${choice.name} (${choice.reason})`);
  return choice;
}

/** The backend chosen by `useBestBackend`, or undefined before it ran. */
export function currentBackend(): BackendChoice | undefined {
  return chosen;
}

/**
 * Loads danfojs-node (DataFrames for the notebooks) on any backend.
 *
 * danfojs-node requires `@tensorflow/tfjs-node`. package.json's `overrides` alias that
 * dependency to `@tensorflow/tfjs`, but npm dedupes it against our own optional
 * `@tensorflow/tfjs-node`, which is present yet unusable where its native library could not be
 * downloaded. So when the native package does not load, danfojs-node's request for it is
 * answered with `@tensorflow/tfjs` (the same instance the kit uses), which is all the override
 * meant to do.
 */
export function loadDanfo(): typeof import('danfojs-node') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (tryLoadNative() === undefined) return require('danfojs-node');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module') as {
    _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
  };
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const fromDanfo = parent?.filename !== undefined && /[\\/]danfojs-node[\\/]/.test(parent.filename);
    return original.call(
      this,
      fromDanfo && request === '@tensorflow/tfjs-node' ? '@tensorflow/tfjs' : request,
      parent,
      ...rest,
    );
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('danfojs-node');
  } finally {
    Module._resolveFilename = original;
  }
}

/**
 * Optimizers over plain Float32Arrays, used for both the dense variables (every entry)
 * and the embedding tables (only the rows a batch touched: sparse updates).
 *
 * - `sgd`: w -= lr * g.
 * - `adam`: Kingma & Ba with bias correction by the global step. On tables it is LAZY Adam by
 *   default (as TF's LazyAdamOptimizer): the moments of a row move only when the row is in the
 *   batch, and stand still between its appearances. `embeddingAdam: 'dense'` is plain Adam
 *   over the whole table (TF1 AdamOptimizer of the official code, PyTorch Adam of FuxiCTR):
 *   every row's moments decay at every step and every row with non-zero moments moves.
 * - `adagrad`: accumulator += g^2; w -= lr * g / (sqrt(accumulator) + epsilon).
 *
 * The learning rate is a field the trainer may change between epochs (DIN: SGD 1.0 then
 * 0.1; DIEN: Adam 1e-3 halved each epoch). Moment state lives in the optimizer, keyed by
 * parameter name; `getState()/setState()` allow resuming.
 */

export type OptimizerKind = 'sgd' | 'adam' | 'adagrad';

/** Plain-data optimizer description (saved with results). */
export interface OptimizerSpec {
  kind: OptimizerKind;
  /** Learning rate. DIN code: SGD 1.0; DIEN/DMIN code: Adam 0.001. */
  learningRate: number;
  /** Adam beta1, default 0.9. */
  beta1?: number;
  /** Adam beta2, default 0.999. */
  beta2?: number;
  /** Adam / Adagrad epsilon, default 1e-8 (Adam) and 1e-7 (Adagrad). */
  epsilon?: number;
  /** Adagrad initial accumulator value, default 0.1 (as TF). */
  initialAccumulator?: number;
  /**
   * Adam on embedding tables (`applySparse`): 'lazy' (default) updates only the rows of the
   * batch; 'dense' updates every row but the padding row 0 as if the table's gradient were
   * dense (zero outside the batch). SGD and Adagrad do not move zero-gradient rows either way.
   */
  embeddingAdam?: EmbeddingAdam;
}

export type EmbeddingAdam = 'lazy' | 'dense';

export interface ParameterOptimizer {
  readonly spec: Readonly<OptimizerSpec>;
  /** Current learning rate; assign to change it (e.g. between epochs). */
  learningRate: number;
  /** Number of completed steps (incremented by `nextStep`). */
  readonly step: number;
  /** Marks the start of a new step (Adam's bias correction uses the step count). */
  nextStep(): void;
  /** Updates every entry of `param` in place from `grad` (same length). `key` names the state. */
  applyDense(key: string, param: Float32Array, grad: Float32Array): void;
  /**
   * Updates only rows `ids` of table `param` [V, dim] in place; `grads` is [ids.length * dim].
   * `vocab * dim` must equal `param.length`.
   */
  applySparse(key: string, param: Float32Array, dim: number, ids: Int32Array, grads: Float32Array): void;
  /** Resets all moment state and the step count. */
  reset(): void;
}

function check(spec: OptimizerSpec): void {
  const where = 'createOptimizer';
  if (!['sgd', 'adam', 'adagrad'].includes(spec.kind))
    throw new Error(`${where}: unknown optimizer kind "${spec.kind}"; expected sgd, adam or adagrad`);
  if (!(spec.learningRate > 0) || !Number.isFinite(spec.learningRate))
    throw new Error(`${where}: learningRate must be a positive number, got ${spec.learningRate}`);
  for (const k of ['beta1', 'beta2'] as const) {
    const v = spec[k];
    if (v !== undefined && !(v >= 0 && v < 1)) throw new Error(`${where}: ${k} must be in [0, 1), got ${v}`);
  }
  if (spec.epsilon !== undefined && !(spec.epsilon > 0))
    throw new Error(`${where}: epsilon must be > 0, got ${spec.epsilon}`);
  if (spec.embeddingAdam !== undefined && spec.embeddingAdam !== 'lazy' && spec.embeddingAdam !== 'dense')
    throw new Error(`${where}: embeddingAdam must be 'lazy' or 'dense', got ${String(spec.embeddingAdam)}`);
  if (spec.initialAccumulator !== undefined && !(spec.initialAccumulator >= 0))
    throw new Error(`${where}: initialAccumulator must be >= 0, got ${spec.initialAccumulator}`);
}

class ArrayOptimizer implements ParameterOptimizer {
  readonly spec: Readonly<OptimizerSpec>;
  learningRate: number;
  step = 0;
  private readonly slots = new Map<string, Float32Array[]>();
  /** Zero-filled whole-table gradient buffers of dense Adam, by parameter key. */
  private readonly tableGrads = new Map<string, Float32Array>();

  constructor(spec: OptimizerSpec) {
    check(spec);
    this.spec = Object.freeze({ ...spec });
    this.learningRate = spec.learningRate;
  }

  nextStep(): void {
    this.step++;
  }

  reset(): void {
    this.slots.clear();
    this.tableGrads.clear();
    this.step = 0;
  }

  private state(key: string, length: number): Float32Array[] {
    let s = this.slots.get(key);
    if (!s || s[0].length !== length) {
      const kind = this.spec.kind;
      if (kind === 'adam') s = [new Float32Array(length), new Float32Array(length)];
      else if (kind === 'adagrad') s = [new Float32Array(length).fill(this.spec.initialAccumulator ?? 0.1)];
      else s = [new Float32Array(0)];
      this.slots.set(key, s);
    }
    return s;
  }

  /** Updates param[offset + i] from grad[gOffset + i], i < n. */
  private update(
    state: Float32Array[],
    param: Float32Array,
    offset: number,
    grad: Float32Array,
    gOffset: number,
    n: number,
  ): void {
    const lr = this.learningRate;
    const kind = this.spec.kind;
    if (kind === 'sgd') {
      for (let i = 0; i < n; i++) param[offset + i] -= lr * grad[gOffset + i];
    } else if (kind === 'adam') {
      const b1 = this.spec.beta1 ?? 0.9;
      const b2 = this.spec.beta2 ?? 0.999;
      const eps = this.spec.epsilon ?? 1e-8;
      const t = Math.max(1, this.step);
      const c1 = 1 - Math.pow(b1, t);
      const c2 = 1 - Math.pow(b2, t);
      const [m, v] = state;
      for (let i = 0; i < n; i++) {
        const g = grad[gOffset + i];
        const j = offset + i;
        m[j] = b1 * m[j] + (1 - b1) * g;
        v[j] = b2 * v[j] + (1 - b2) * g * g;
        param[j] -= (lr * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + eps);
      }
    } else {
      const eps = this.spec.epsilon ?? 1e-7;
      const [acc] = state;
      for (let i = 0; i < n; i++) {
        const g = grad[gOffset + i];
        const j = offset + i;
        acc[j] += g * g;
        param[j] -= (lr * g) / (Math.sqrt(acc[j]) + eps);
      }
    }
  }

  applyDense(key: string, param: Float32Array, grad: Float32Array): void {
    if (param.length !== grad.length)
      throw new Error(`optimizer.applyDense(${key}): gradient has ${grad.length} values, parameter ${param.length}`);
    this.update(this.state(key, param.length), param, 0, grad, 0, param.length);
  }

  applySparse(key: string, param: Float32Array, dim: number, ids: Int32Array, grads: Float32Array): void {
    if (grads.length !== ids.length * dim)
      throw new Error(
        `optimizer.applySparse(${key}): ${grads.length} gradient values for ${ids.length} rows of ${dim}`,
      );
    const vocab = param.length / dim;
    const state = this.state(key, param.length);
    for (const id of ids) {
      if (id < 0 || id >= vocab) throw new Error(`optimizer.applySparse(${key}): row ${id} outside 0..${vocab - 1}`);
    }
    if (this.spec.kind === 'adam' && this.spec.embeddingAdam === 'dense') {
      // Scatter into a zero [V, dim] gradient, update rows 1..V-1, zero the buffer again.
      let full = this.tableGrads.get(key);
      if (!full || full.length !== param.length) {
        full = new Float32Array(param.length);
        this.tableGrads.set(key, full);
      }
      for (let n = 0; n < ids.length; n++) {
        const base = ids[n] * dim;
        for (let d = 0; d < dim; d++) full[base + d] += grads[n * dim + d];
      }
      this.update(state, param, dim, full, dim, param.length - dim);
      for (const id of ids) full.fill(0, id * dim, (id + 1) * dim);
      return;
    }
    for (let n = 0; n < ids.length; n++) this.update(state, param, ids[n] * dim, grads, n * dim, dim);
  }
}

/** Creates the optimizer described by `spec` (throws on a bad spec). */
export function createOptimizer(spec: OptimizerSpec): ParameterOptimizer {
  return new ArrayOptimizer(spec);
}

/**
 * The factor by which `gradients` (all of them together) must be scaled so that their
 * global L2 norm is at most `clipNorm` (1 when already below). DIN code clips at 5.
 */
export function globalNormClipFactor(gradients: Float32Array[], clipNorm: number): { norm: number; factor: number } {
  if (!(clipNorm > 0)) throw new Error(`globalNormClipFactor: clipNorm must be > 0, got ${clipNorm}`);
  let sq = 0;
  for (const g of gradients) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const norm = Math.sqrt(sq);
  return { norm, factor: norm > clipNorm ? clipNorm / norm : 1 };
}

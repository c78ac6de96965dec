/**
 * GRU and DIEN's three attention-gated recurrences (AIGRU, AGRU, AUGRU), masked for
 * post-padded histories.
 *
 * Paper equations (DIEN, arXiv 1809.03672, §4.2-4.3), for input i_t [B, D], state h [B, H]:
 *   u_t = sigma(W^u i_t + U^u h_{t-1} + b^u)               update gate
 *   r_t = sigma(W^r i_t + U^r h_{t-1} + b^r)               reset gate
 *   h~_t = tanh(W^h i_t + r_t * (U^h h_{t-1}) + b^h)       candidate
 *   h_t = (1 - u_t) * h_{t-1} + u_t * h~_t
 * Porting note: the candidate follows the paper, r_t * (U^h h_{t-1}) (reset after the
 * product, as cuDNN and PyTorch's GRU); TF1's GRUCell, and the official DIEN cells built on it
 * (`VecAttGRUCell`, `QAAttGRUCell`), compute U^h (r_t * h_{t-1}) (reset before the product):
 * `candidate: 'official'` (it always runs the autodiff recurrence; the fused BPTT is the paper's).
 * Attention-gated variants with a_t [B] (one scalar per step):
 *   AIGRU: i'_t = a_t * i_t, then a plain GRU step;
 *   AGRU:  h_t = (1 - a_t) * h_{t-1} + a_t * h~_t          (the update gate is replaced);
 *   AUGRU: u'_t = a_t * u_t, h_t = (1 - u'_t) * h_{t-1} + u'_t * h~_t.
 * Every variant is written as h_t = h_{t-1} + g_t * (h~_t - h_{t-1}) with a per-variant gate
 * g_t, and masking multiplies g_t by m_t: a padded step (m_t = 0) leaves the state unchanged,
 * so the final state is the state after the last real behaviour.
 *
 * Performance (wasm backend): the input projections of all T steps are one matMul
 * ([B*T, D] x [D, 3H]); each step runs one fused hidden matMul ([B, H] x [H, 3H]); the
 * sequence is split once with `tf.unstack` (slicing per step would make the backward pass
 * quadratic in T, since a slice's gradient is padded back to the full shape). Where the
 * backend has the recurrence kernels (wasm: src/kernels/gruRecurrence.ts), all T steps are
 * one kernel in the forward pass and one in the backward pass instead.
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';
import { denseFast, matMulFast } from '../ops';
import { fusedRecurrence, kernelRecurrence, recurrenceKernelsInstalled, RecurrenceMode } from './gruRecurrence';

export type GruKind = 'GRU' | 'AIGRU' | 'AGRU' | 'AUGRU';
export const GRU_KINDS: readonly GruKind[] = ['GRU', 'AIGRU', 'AGRU', 'AUGRU'];

/**
 * Which meaning a_t has in AUGRU.
 * - 'paper': update weight on the candidate = a_t * u_t, so a_t = 0 keeps the state and
 *   a_t = 1 is a plain GRU step (DIEN paper, FuxiCTR's AUGRUCell).
 * - 'official': update weight = 1 - (1 - a_t) * (1 - u_t), so a_t = 0 is a plain GRU step
 *   and a_t = 1 overwrites the state with the candidate.
 *   Porting note: this is the official TF `VecAttGRUCell` (mouna99/dien), which follows
 *   TF's GRU (`new_h = u*h + (1-u)*c`, u = keep gate) and applies `u <- (1 - a) * u` to the
 *   keep gate (docs/papers.md P-DIEN-4). AGRU (`QAAttGRUCell`) and AIGRU match the paper in both
 *   conventions, so this option changes AUGRU only.
 */
export type AttentionGateConvention = 'paper' | 'official';

/** Where the reset gate acts in the candidate: 'paper' r * (U^h h) | 'official' U^h (r * h) (TF1 GRUCell). */
export type GruCandidate = 'paper' | 'official';

export interface GruConfig {
  /** D, size of each input vector. */
  inputSize: number;
  /** H, size of the hidden state. */
  hiddenSize: number;
  /** Which recurrence; 'GRU' ignores any attention passed in. Default 'GRU'. */
  kind?: GruKind;
  /** Meaning of a_t in AUGRU; default 'paper'. */
  convention?: AttentionGateConvention;
  /** Reset gate before or after U^h in the candidate; default 'paper' (Porting note above). */
  candidate?: GruCandidate;
  /**
   * 'fused' (default): the recurrence is one custom-gradient op with a hand-written
   * backpropagation through time (no per-op tape, weight gradients as one matMul over all
   * steps): one kernel per pass where the backend has it (`kernelRecurrence`), else tf ops
   * under a gradient tape and the plain forward without one (scoring). 'autodiff': always the
   * plain tf ops differentiated by tfjs (reference; the tests check both give the same values
   * and gradients).
   */
  implementation?: 'fused' | 'autodiff';
}

export const GRU_DEFAULTS = {
  kind: 'GRU' as GruKind,
  convention: 'paper' as AttentionGateConvention,
  candidate: 'paper' as GruCandidate,
  implementation: 'fused' as 'fused' | 'autodiff',
};

export interface GruOutput {
  /** [B, T, H] the state after each step (a padded step repeats the previous state). */
  states: tf.Tensor3D;
  /** [B, H] the state after the last step, i.e. after the last real behaviour. */
  final: tf.Tensor2D;
}

/** True inside a tfjs gradient scope (engine's tape on); true as well if the engine does not say. */
function gradientTapeIsRecording(): boolean {
  const engine = tf.engine() as unknown as { isTapeOn?: () => boolean };
  return typeof engine.isTapeOn === 'function' ? engine.isTapeOn() : true;
}

/**
 * `tf.unstack(x, axis)` that stays differentiable when x has size 1 along `axis`: tfjs's
 * Unpack gradient receives a bare tensor instead of a list for a single output and fails, so
 * a size-1 axis is removed with a reshape instead.
 */
export function unstackDifferentiable(x: tf.Tensor, axis: number): tf.Tensor[] {
  if (x.shape[axis] === 1) return [x.reshape(x.shape.filter((_, i) => i !== axis))];
  return tf.unstack(x, axis);
}

/**
 * A GRU layer (or AIGRU / AGRU / AUGRU) over a masked sequence.
 * Weights (registered in the store under `name/`): `inputKernel` [D, 3H] (blocks u | r | h),
 * `recurrentKernel` [H, 3H], `bias` [3H].
 */
export class GruLayer {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly kind: GruKind;
  readonly convention: AttentionGateConvention;
  readonly candidate: GruCandidate;
  readonly implementation: 'fused' | 'autodiff';
  readonly name: string;
  readonly inputKernel: tf.Variable;
  readonly recurrentKernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParameterStore, name: string, config: GruConfig) {
    const c = { ...GRU_DEFAULTS, ...config };
    if (!Number.isInteger(c.inputSize) || c.inputSize < 1)
      throw new Error(`GruLayer(${name}): inputSize must be a positive integer, got ${c.inputSize}`);
    if (!Number.isInteger(c.hiddenSize) || c.hiddenSize < 1)
      throw new Error(`GruLayer(${name}): hiddenSize must be a positive integer, got ${c.hiddenSize}`);
    if (!GRU_KINDS.includes(c.kind))
      throw new Error(`GruLayer(${name}): kind must be one of ${GRU_KINDS.join(', ')}, got ${String(c.kind)}`);
    if (c.convention !== 'paper' && c.convention !== 'official')
      throw new Error(`GruLayer(${name}): convention must be 'paper' or 'official', got ${String(c.convention)}`);
    this.inputSize = c.inputSize;
    this.hiddenSize = c.hiddenSize;
    this.kind = c.kind;
    this.convention = c.convention;
    if (c.candidate !== 'paper' && c.candidate !== 'official')
      throw new Error(`GruLayer(${name}): candidate must be 'paper' or 'official', got ${String(c.candidate)}`);
    this.candidate = c.candidate;
    if (c.implementation !== 'fused' && c.implementation !== 'autodiff')
      throw new Error(
        `GruLayer(${name}): implementation must be 'fused' or 'autodiff', got ${String(c.implementation)}`,
      );
    this.implementation = c.implementation;
    this.name = name;
    const D = c.inputSize;
    const H = c.hiddenSize;
    this.inputKernel = store.weight(`${name}/inputKernel`, [D, 3 * H], {
      kind: 'glorotUniform',
      fanIn: D,
      fanOut: 3 * H,
    });
    this.recurrentKernel = store.weight(`${name}/recurrentKernel`, [H, 3 * H], {
      kind: 'glorotUniform',
      fanIn: H,
      fanOut: 3 * H,
    });
    this.bias = store.weight(`${name}/bias`, [3 * H], { kind: 'zeros' });
  }

  /**
   * x W + b at the real steps (mask != 0) only, zeros at padding: x [B, T, D] -> [B, T, 3H].
   * For the scoring pass of the one-kernel recurrence, which never reads a padded step's
   * projection (its gate scales s_t and k_t carry the mask factor, so it skips the step).
   */
  private projectRealSteps(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
    const [B, T, D] = x.shape;
    const H3 = 3 * this.hiddenSize;
    const m = mask.dataSync();
    const rows: number[] = [];
    for (let i = 0; i < m.length; i++) if (m[i] !== 0) rows.push(i);
    if (rows.length === B * T) return denseFast(x, this.inputKernel, this.bias) as tf.Tensor3D;
    if (rows.length === 0) return tf.zeros([B, T, H3]);
    const index = tf.tensor2d(rows, [rows.length, 1], 'int32');
    const real = denseFast(tf.gatherND(x.reshape([B * T, D]), index), this.inputKernel, this.bias);
    return tf.scatterND(index, real, [B * T, H3]).reshape([B, T, H3]) as tf.Tensor3D;
  }

  /**
   * Runs the recurrence.
   * @param inputs [B, T, D]
   * @param mask [B, T] 1 = real behaviour, 0 = padding (post-padded)
   * @param attention [B, T] a_t; required for AIGRU / AGRU / AUGRU, ignored by GRU
   */
  apply(inputs: tf.Tensor3D, mask: tf.Tensor2D, attention?: tf.Tensor2D): GruOutput {
    const [B, T, D] = inputs.shape;
    const H = this.hiddenSize;
    if (D !== this.inputSize)
      throw new Error(
        `GruLayer(${this.name}).apply: inputs [B, T, D] must have D = ${this.inputSize}, got shape [${inputs.shape}]`,
      );
    if (mask.shape[0] !== B || mask.shape[1] !== T)
      throw new Error(`GruLayer(${this.name}).apply: mask must be [${B}, ${T}], got [${mask.shape}]`);
    if (this.kind !== 'GRU') {
      if (!attention) throw new Error(`GruLayer(${this.name}).apply: ${this.kind} needs attention scores [B, T]`);
      if (attention.shape[0] !== B || attention.shape[1] !== T)
        throw new Error(`GruLayer(${this.name}).apply: attention must be [${B}, ${T}], got [${attention.shape}]`);
    }
    return tf.tidy(() => {
      const m = mask.reshape([B, T, 1]);
      const a = this.kind === 'GRU' ? undefined : (attention as tf.Tensor2D).reshape([B, T, 1]);
      // AIGRU: i'_t = a_t * i_t.
      const x = this.kind === 'AIGRU' ? inputs.mul(a as tf.Tensor3D) : inputs;
      // Where the backend has it, the recurrence is one kernel per pass (batch-major). Else,
      // without a gradient tape (scoring) the plain forward is cheaper: no custom-gradient op,
      // no time-major transposes.
      const handWritten = this.implementation === 'fused' && this.candidate === 'paper';
      const oneKernel = handWritten && recurrenceKernelsInstalled();
      const fused = handWritten && !oneKernel && gradientTapeIsRecording();
      // All input projections at once: [B*T, D] x [D, 3H] + b. The fused recurrence works
      // time-major ([T, B, .]: per-step pieces are contiguous, so splitting and stacking them
      // is a plain copy), so x is transposed once before the projection.
      // Scoring with the one-kernel recurrence: only the real steps are projected (see projectRealSteps).
      const projected =
        oneKernel && !tf.engine().isTapeOn()
          ? this.projectRealSteps(x as tf.Tensor3D, mask)
          : (denseFast(fused ? tf.transpose(x, [1, 0, 2]) : x, this.inputKernel, this.bias) as tf.Tensor3D);
      // Gate scales [B, T, 1] (see RecurrenceMode):
      //   GRU, AIGRU:        g = s * u        with s = m
      //   AGRU:              g = s            with s = m * a
      //   AUGRU (paper):     g = s * u        with s = m * a
      //   AUGRU (official):  g = s - k * (1 - u)   with s = m, k = m * (1 - a)
      let mode: RecurrenceMode;
      let scale: tf.Tensor3D;
      let keep: tf.Tensor3D | undefined;
      if (this.kind === 'AGRU') {
        mode = 'replace';
        scale = m.mul(a as tf.Tensor3D) as tf.Tensor3D;
      } else if (this.kind === 'AUGRU' && this.convention === 'official') {
        mode = 'official';
        scale = m as tf.Tensor3D;
        keep = m.mul(tf.scalar(1).sub(a as tf.Tensor3D)) as tf.Tensor3D;
      } else {
        mode = 'update';
        scale = (this.kind === 'AUGRU' ? m.mul(a as tf.Tensor3D) : m) as tf.Tensor3D;
      }
      if (oneKernel) {
        const states = kernelRecurrence(mode, projected, this.recurrentKernel as tf.Tensor2D, scale, keep);
        const final = states.slice([0, T - 1, 0], [B, 1, H]).reshape([B, H]) as tf.Tensor2D;
        return { states, final };
      }
      if (fused) {
        const timeMajor = (v: tf.Tensor3D): tf.Tensor3D => tf.transpose(v, [1, 0, 2]) as tf.Tensor3D;
        const statesTM = fusedRecurrence(
          mode,
          projected,
          this.recurrentKernel as tf.Tensor2D,
          timeMajor(scale),
          keep ? timeMajor(keep) : undefined,
        );
        const final = statesTM.slice([T - 1, 0, 0], [1, B, H]).reshape([B, H]) as tf.Tensor2D;
        return { states: timeMajor(statesTM), final };
      }
      const states = autodiffRecurrence(
        mode,
        projected,
        this.recurrentKernel as tf.Tensor2D,
        scale,
        keep,
        this.candidate,
      );
      const final = states.slice([0, T - 1, 0], [B, 1, H]).reshape([B, H]) as tf.Tensor2D;
      return { states, final };
    });
  }
}

/** One forward step shared by both implementations. Returns the new state and what backprop needs. */
function forwardStep(
  mode: RecurrenceMode,
  h: tf.Tensor2D,
  projGates: tf.Tensor2D,
  projCandidate: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  s: tf.Tensor2D,
  k: tf.Tensor2D | undefined,
  H: number,
  resetAt: GruCandidate = 'paper',
) {
  let hiddenGates: tf.Tensor2D;
  let hiddenCandidate: tf.Tensor2D;
  let u: tf.Tensor2D;
  let r: tf.Tensor2D;
  let gates: tf.Tensor2D;
  let candidate: tf.Tensor2D;
  if (resetAt === 'paper') {
    const hidden = matMulFast(h, recurrentKernel) as tf.Tensor2D; // [B, 3H]
    [hiddenGates, hiddenCandidate] = tf.split(hidden, [2 * H, H], 1) as tf.Tensor2D[];
    gates = tf.sigmoid(projGates.add(hiddenGates)) as tf.Tensor2D; // [B, 2H] = [u | r]
    [u, r] = tf.split(gates, 2, 1) as tf.Tensor2D[];
    candidate = tf.tanh(projCandidate.add(r.mul(hiddenCandidate))) as tf.Tensor2D;
  } else {
    const [gateKernel, candidateKernel] = tf.split(recurrentKernel, [2 * H, H], 1) as tf.Tensor2D[];
    gates = tf.sigmoid(projGates.add(matMulFast(h, gateKernel))) as tf.Tensor2D;
    [u, r] = tf.split(gates, 2, 1) as tf.Tensor2D[];
    hiddenCandidate = matMulFast(r.mul(h), candidateKernel) as tf.Tensor2D; // U^h (r * h)
    candidate = tf.tanh(projCandidate.add(hiddenCandidate)) as tf.Tensor2D;
  }
  let g: tf.Tensor2D;
  if (mode === 'replace') g = s;
  else if (mode === 'official') g = s.sub((k as tf.Tensor2D).mul(tf.scalar(1).sub(u)));
  else g = s.mul(u);
  const next = h.add(g.mul(candidate.sub(h))) as tf.Tensor2D;
  return { next, gates, u, r, candidate, hiddenCandidate, g };
}

/**
 * The recurrence as plain tf ops (tfjs differentiates it).
 * projected [B, T, 3H] (x W + b, blocks u | r | c), recurrentKernel [H, 3H], scale / keep [B, T, 1] -> states [B, T,
 * H].
 */
export function autodiffRecurrence(
  mode: RecurrenceMode,
  projected: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  scale: tf.Tensor3D,
  keep?: tf.Tensor3D,
  resetAt: GruCandidate = 'paper',
): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, H3] = projected.shape;
    const H = H3 / 3;
    const [projGates, projCandidate] = tf.split(projected, [2 * H, H], 2);
    const gateSteps = unstackDifferentiable(projGates, 1) as tf.Tensor2D[];
    const candidateSteps = unstackDifferentiable(projCandidate, 1) as tf.Tensor2D[];
    const scaleSteps = unstackDifferentiable(scale, 1) as tf.Tensor2D[];
    const keepSteps = keep ? (unstackDifferentiable(keep, 1) as tf.Tensor2D[]) : undefined;
    let h: tf.Tensor2D = tf.zeros([B, H]);
    const states: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      h = forwardStep(
        mode,
        h,
        gateSteps[t],
        candidateSteps[t],
        recurrentKernel,
        scaleSteps[t],
        keepSteps?.[t],
        H,
        resetAt,
      ).next;
      states.push(h);
    }
    return tf.stack(states, 1) as tf.Tensor3D;
  });
}

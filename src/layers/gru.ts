/**
 * GRU and DIEN's three attention-gated recurrences (AIGRU, AGRU, AUGRU), masked for
 * post-padded histories.
 *
 * Paper equations (DIEN, arXiv 1809.03672, §4.2-4.3), for input i_t [B, D], state h [B, H]:
 *   u_t = sigma(W^u i_t + U^u h_{t-1} + b^u)               update gate
 *   r_t = sigma(W^r i_t + U^r h_{t-1} + b^r)               reset gate
 *   h~_t = tanh(W^h i_t + r_t * (U^h h_{t-1}) + b^h)       candidate
 *   h_t = (1 - u_t) * h_{t-1} + u_t * h~_t
 * Attention-gated variants with a_t [B] (one scalar per step):
 *   AIGRU: i'_t = a_t * i_t, then a plain GRU step;
 *   AGRU:  h_t = (1 - a_t) * h_{t-1} + a_t * h~_t          (the update gate is replaced);
 *   AUGRU: u'_t = a_t * u_t, h_t = (1 - u'_t) * h_{t-1} + u'_t * h~_t.
 * Every variant is written as h_t = h_{t-1} + g_t * (h~_t - h_{t-1}) with a per-variant gate
 * g_t, and masking multiplies g_t by m_t: a padded step (m_t = 0) leaves the state unchanged,
 * so the final state is the state after the last real behaviour.
 *
 * Performance (wasm backend, issue 7): the input projections of all T steps are one matMul
 * ([B*T, D] x [D, 3H]); each step runs one fused hidden matMul ([B, H] x [H, 3H]); the
 * sequence is split once with `tf.unstack` (slicing per step would make the backward pass
 * quadratic in T, since a slice's gradient is padded back to the full shape).
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';
import { matMulFast } from '../ops';

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
 *   keep gate (papers.md P-DIEN-4). AGRU (`QAAttGRUCell`) and AIGRU match the paper in both
 *   conventions, so this option changes AUGRU only.
 */
export type AttentionGateConvention = 'paper' | 'official';

export interface GruConfig {
  /** D, size of each input vector. */
  inputSize: number;
  /** H, size of the hidden state. */
  hiddenSize: number;
  /** Which recurrence; 'GRU' ignores any attention passed in. Default 'GRU'. */
  kind?: GruKind;
  /** Meaning of a_t in AUGRU; default 'paper'. */
  convention?: AttentionGateConvention;
}

export const GRU_DEFAULTS = { kind: 'GRU' as GruKind, convention: 'paper' as AttentionGateConvention };

export interface GruOutput {
  /** [B, T, H] the state after each step (a padded step repeats the previous state). */
  states: tf.Tensor3D;
  /** [B, H] the state after the last step, i.e. after the last real behaviour. */
  final: tf.Tensor2D;
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
  readonly name: string;
  readonly inputKernel: tf.Variable;
  readonly recurrentKernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParameterStore, name: string, config: GruConfig) {
    const c = { ...GRU_DEFAULTS, ...config };
    if (!Number.isInteger(c.inputSize) || c.inputSize < 1) throw new Error(`src/layers/gru.ts GruLayer: inputSize must be a positive integer, got ${c.inputSize}`);
    if (!Number.isInteger(c.hiddenSize) || c.hiddenSize < 1) throw new Error(`src/layers/gru.ts GruLayer: hiddenSize must be a positive integer, got ${c.hiddenSize}`);
    if (!GRU_KINDS.includes(c.kind)) throw new Error(`src/layers/gru.ts GruLayer: kind must be one of ${GRU_KINDS.join(', ')}, got ${String(c.kind)}`);
    if (c.convention !== 'paper' && c.convention !== 'official') throw new Error(`src/layers/gru.ts GruLayer: convention must be 'paper' or 'official', got ${String(c.convention)}`);
    this.inputSize = c.inputSize;
    this.hiddenSize = c.hiddenSize;
    this.kind = c.kind;
    this.convention = c.convention;
    this.name = name;
    const D = c.inputSize;
    const H = c.hiddenSize;
    this.inputKernel = store.weight(`${name}/inputKernel`, [D, 3 * H], { kind: 'glorotUniform', fanIn: D, fanOut: 3 * H });
    this.recurrentKernel = store.weight(`${name}/recurrentKernel`, [H, 3 * H], { kind: 'glorotUniform', fanIn: H, fanOut: 3 * H });
    this.bias = store.weight(`${name}/bias`, [3 * H], { kind: 'zeros' });
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
    if (D !== this.inputSize) throw new Error(`src/layers/gru.ts ${this.name}.apply: inputs [B, T, D] must have D = ${this.inputSize}, got shape [${inputs.shape}]`);
    if (mask.shape[0] !== B || mask.shape[1] !== T) throw new Error(`src/layers/gru.ts ${this.name}.apply: mask must be [${B}, ${T}], got [${mask.shape}]`);
    if (this.kind !== 'GRU') {
      if (!attention) throw new Error(`src/layers/gru.ts ${this.name}.apply: ${this.kind} needs attention scores [B, T]`);
      if (attention.shape[0] !== B || attention.shape[1] !== T) throw new Error(`src/layers/gru.ts ${this.name}.apply: attention must be [${B}, ${T}], got [${attention.shape}]`);
    }
    return tf.tidy(() => {
      const m = mask.reshape([B, T, 1]);
      const a = this.kind === 'GRU' ? undefined : (attention as tf.Tensor2D).reshape([B, T, 1]);
      // AIGRU: i'_t = a_t * i_t.
      const x = this.kind === 'AIGRU' ? inputs.mul(a as tf.Tensor3D) : inputs;
      // All input projections at once: [B*T, D] x [D, 3H] + b -> [B, T, 3H].
      const projected = matMulFast(x.reshape([B * T, D]), this.inputKernel).add(this.bias).reshape([B, T, 3 * H]);
      const [projGates, projCandidate] = tf.split(projected, [2 * H, H], 2);
      const gateSteps = tf.unstack(projGates, 1) as tf.Tensor2D[];
      const candidateSteps = tf.unstack(projCandidate, 1) as tf.Tensor2D[];
      // Per-step gate scales, [B, 1] each:
      //   GRU, AIGRU:        g = m * u
      //   AGRU:              g = m * a
      //   AUGRU (paper):     g = (m * a) * u
      //   AUGRU (official):  g = m - m * (1 - a) * (1 - u)
      let scaleSteps: tf.Tensor2D[];
      let keepSteps: tf.Tensor2D[] | undefined;
      if (this.kind === 'AGRU' || (this.kind === 'AUGRU' && this.convention === 'paper')) {
        scaleSteps = tf.unstack(m.mul(a as tf.Tensor3D), 1) as tf.Tensor2D[];
      } else {
        scaleSteps = tf.unstack(m, 1) as tf.Tensor2D[];
        if (this.kind === 'AUGRU') keepSteps = tf.unstack(m.mul(tf.scalar(1).sub(a as tf.Tensor3D)), 1) as tf.Tensor2D[];
      }
      let h: tf.Tensor2D = tf.zeros([B, H]);
      const states: tf.Tensor2D[] = [];
      for (let t = 0; t < T; t++) {
        const hidden = matMulFast(h, this.recurrentKernel) as tf.Tensor2D; // [B, 3H]
        const [hiddenGates, hiddenCandidate] = tf.split(hidden, [2 * H, H], 1);
        const gates = tf.sigmoid(gateSteps[t].add(hiddenGates));
        const [u, r] = tf.split(gates, 2, 1);
        const candidate = tf.tanh(candidateSteps[t].add(r.mul(hiddenCandidate)));
        let g: tf.Tensor2D;
        if (this.kind === 'AGRU') g = scaleSteps[t];
        else if (keepSteps) g = scaleSteps[t].sub(keepSteps[t].mul(tf.scalar(1).sub(u)));
        else g = scaleSteps[t].mul(u);
        h = h.add(g.mul(candidate.sub(h)));
        states.push(h);
      }
      return { states: tf.stack(states, 1) as tf.Tensor3D, final: h };
    });
  }
}

/**
 * DMIN's multi-interest extractor (Xiao et al., CIKM'20; docs/papers.md §4).
 *
 * H_E heads of self-attention over the (refined) behaviour sequence z [B, T, D]; head h
 * (width dk, default D / H_E) gives its own sequence, projected back to D:
 *   s_h = LayerNorm_h(z + softmax(Q_h K_h^T * scale + mask) V_h Wo_h + bo_h)       [B, T, D]
 *   optional FFN (`ffn`): s_h = s_h + relu(s_h W1_h + b1_h) W2_h + b2_h   (D -> 2D -> D)
 * (one LayerNorm per head, as in the official code) and each head's sequence is pooled by its
 * own target-aware attention unit (DIN style) whose query at step t includes a position
 * embedding p_t (position ids: see forwardPositions / reversePositions):
 *   q_{h,t} = [e_a ; p_t] Wq_h + bq_h                                            [B, T, D]
 *   score_{h,t} = MLP_h([q, s, q - s, q * s])   (hidden 80-40 sigmoid, linear output)
 *   w_h = masked softmax_t(score_h)   (or raw scores with `normalize: 'none'`)
 *   interest_h = sum_t w_{h,t} s_{h,t}                                            [B, D]
 * Output: the H_E interests concatenated, [B, H_E * D].
 *
 * Porting note: the DMIN paper text was not available here (docs/papers.md §4); this follows the
 * official code (`Model_DNN_Multi_Head`: per-head attention 80-40 sigmoid with softmax, query
 * `Dense([target; position_emb])`, position embedding size 2, each head projected back to the
 * model width with residual + its own LayerNorm). Every head masks padded keys.
 * Porting note: the official heads (`self_multi_head_attn_v2`) also apply the causal mask
 * (step t sees steps <= t; with post-padding that mask alone keeps valid steps off padding),
 * scale by 1/sqrt(D) and add a per-head FFN (2D ReLU, residual, no LayerNorm):
 * `{ causal: true, scale: 'official', ffn: true }`. Defaults: no causal mask (nothing here is
 * scored against a later behaviour), 1/sqrt(dk) as in the Transformer, no FFN.
 * Positions beyond `maxPositions - 1` share the last row.
 * All heads run as one batched computation ([H_E, ...] matMuls).
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';
import { LayerNorm } from './layerNorm';
import { denseFast, matMulFast } from '../ops';
import { maskedSoftmax } from './sequenceAttention';
import { attendHeads } from './headAttention';
import { unstackDifferentiable } from './gru';

export interface MultiInterestConfig {
  /** D, width of the behaviour sequence (and of each interest). */
  size: number;
  /** Dt, width of the target embedding. */
  targetSize: number;
  /** H_E, number of interest heads. Default 4 (DMIN repo). */
  heads?: number;
  /**
   * Width of one head's Q/K/V; default round(D / H_E) (at least 1): the heads split the width,
   * as in the official code (4 heads of 9 for D = 36), and each head is projected back to D.
   */
  headSize?: number;
  /** Position embedding in the query (ids given to `apply`). Default true. */
  positionEncoding?: boolean;
  /** Size of the position embedding; default 2 (DMIN repo). */
  positionDim?: number;
  /** Rows of the position table; default 100. */
  maxPositions?: number;
  /** Hidden sizes of each head's attention MLP; default [80, 40] (sigmoid). */
  attentionUnits?: number[];
  /** 'softmax' (official, default) | 'none' (raw scores, as in the DIN paper). */
  normalize?: 'softmax' | 'none';
  /** Add the causal (lower-triangular) mask to the heads' padding mask. Default false (Porting note). */
  causal?: boolean;
  /** Head score scale: 'perHead' 1/sqrt(dk) (default) | 'official' 1/sqrt(D). */
  scale?: 'perHead' | 'official';
  /** Per-head FFN D -> 2D ReLU -> D with residual after the LayerNorm. Default false (Porting note). */
  ffn?: boolean;
}

export const MULTI_INTEREST_DEFAULTS = {
  heads: 4,
  positionEncoding: true,
  positionDim: 2,
  maxPositions: 100,
  attentionUnits: [80, 40],
  normalize: 'softmax' as 'softmax' | 'none',
  causal: false,
  scale: 'perHead' as 'perHead' | 'official',
  ffn: false,
};

export interface MultiInterestOutput {
  /** [B, H_E * D] concatenated interests. */
  interests: tf.Tensor2D;
  /** [H_E, B, T, D] per-head sequences. */
  headSequences: tf.Tensor4D;
  /** [H_E, B, T] pooling weights. */
  weights: tf.Tensor3D;
}

/**
 * Forward positions [B*T] (int32), the official code's (`tf.range(maxlen)` over post-padded
 * histories): step t gets min(t, maxPositions - 1), so the oldest behaviour kept is 0. Padded
 * steps get their index too (they are masked in the pooling).
 */
export function forwardPositions(histLen: Int32Array, T: number, maxPositions: number): Int32Array {
  const out = new Int32Array(histLen.length * T);
  for (let b = 0; b < histLen.length; b++) {
    for (let t = 0; t < T; t++) out[b * T + t] = Math.min(t, maxPositions - 1);
  }
  return out;
}

/**
 * Reverse positions [B*T] (int32): position t of a row with `len` behaviours gets
 * min(len - 1 - t, maxPositions - 1), so the most recent behaviour is 0 whatever the length;
 * padded positions get 0.
 */
export function reversePositions(histLen: Int32Array, T: number, maxPositions: number): Int32Array {
  const out = new Int32Array(histLen.length * T);
  histLen.forEach((len, b) => {
    for (let t = 0; t < Math.min(len, T); t++) out[b * T + t] = Math.min(len - 1 - t, maxPositions - 1);
  });
  return out;
}

export class MultiInterestExtractor {
  readonly size: number;
  readonly targetSize: number;
  readonly heads: number;
  readonly headSize: number;
  readonly positionEncoding: boolean;
  readonly positionDim: number;
  readonly maxPositions: number;
  readonly normalize: 'softmax' | 'none';
  readonly causal: boolean;
  readonly scaleKind: 'perHead' | 'official';
  readonly name: string;
  readonly qkvKernel: tf.Variable;
  readonly qkvBias: tf.Variable;
  /** Per head: output projection [dk, D] and bias [D]. */
  readonly outKernels: tf.Variable[] = [];
  readonly outBiases: tf.Variable[] = [];
  /** Per head: the LayerNorm of its residual (official: `layer_norm(name + str(head_index))`). */
  readonly norms: LayerNorm[] = [];
  /** Per head, the FFN (when `ffn`): [D, 2D], [2D], [2D, D], [D]. */
  readonly ffns: { k1: tf.Variable; b1: tf.Variable; k2: tf.Variable; b2: tf.Variable }[] = [];
  readonly queryTargetKernel: tf.Variable;
  readonly queryPositionKernel?: tf.Variable;
  readonly queryBias: tf.Variable;
  readonly positionTable?: tf.Variable;
  /** Per head, the attention MLP layers: kernel [in, out], bias [out] (first layer in = 4D). */
  readonly mlp: { kernel: tf.Variable; bias: tf.Variable }[][] = [];

  constructor(store: ParameterStore, name: string, config: MultiInterestConfig) {
    const c = { ...MULTI_INTEREST_DEFAULTS, ...config };
    const where = `MultiInterestExtractor(${name})`;
    const D = c.size;
    const dk = c.headSize ?? Math.max(1, Math.round(D / c.heads));
    const HE = c.heads;
    for (const [k, v] of Object.entries({
      size: D,
      targetSize: c.targetSize,
      heads: HE,
      headSize: dk,
      positionDim: c.positionDim,
      maxPositions: c.maxPositions,
    })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${k} must be a positive integer, got ${v}`);
    }
    if (c.normalize !== 'softmax' && c.normalize !== 'none')
      throw new Error(`${where}: normalize must be 'softmax' or 'none', got ${String(c.normalize)}`);
    if (c.scale !== 'perHead' && c.scale !== 'official')
      throw new Error(`${where}: scale must be 'perHead' or 'official', got ${String(c.scale)}`);
    this.size = D;
    this.targetSize = c.targetSize;
    this.heads = HE;
    this.headSize = dk;
    this.positionEncoding = c.positionEncoding;
    this.positionDim = c.positionDim;
    this.maxPositions = c.maxPositions;
    this.normalize = c.normalize;
    this.causal = !!c.causal;
    this.scaleKind = c.scale;
    this.name = name;
    this.qkvKernel = store.weight(`${name}/qkvKernel`, [D, 3 * HE * dk], {
      kind: 'glorotUniform',
      fanIn: D,
      fanOut: dk,
    });
    this.qkvBias = store.weight(`${name}/qkvBias`, [3 * HE * dk], { kind: 'zeros' });
    for (let h = 0; h < HE; h++) {
      this.outKernels.push(
        store.weight(`${name}/head${h}/outKernel`, [dk, D], { kind: 'glorotUniform', fanIn: dk, fanOut: D }),
      );
      this.outBiases.push(store.weight(`${name}/head${h}/outBias`, [D], { kind: 'zeros' }));
      this.norms.push(new LayerNorm(store, `${name}/head${h}/norm`, { size: D }));
      if (c.ffn) {
        this.ffns.push({
          k1: store.weight(`${name}/head${h}/ffn/kernel1`, [D, 2 * D], {
            kind: 'glorotUniform',
            fanIn: D,
            fanOut: 2 * D,
          }),
          b1: store.weight(`${name}/head${h}/ffn/bias1`, [2 * D], { kind: 'zeros' }),
          k2: store.weight(`${name}/head${h}/ffn/kernel2`, [2 * D, D], {
            kind: 'glorotUniform',
            fanIn: 2 * D,
            fanOut: D,
          }),
          b2: store.weight(`${name}/head${h}/ffn/bias2`, [D], { kind: 'zeros' }),
        });
      }
    }
    const queryIn = c.targetSize + (c.positionEncoding ? c.positionDim : 0);
    this.queryTargetKernel = store.weight(`${name}/queryTargetKernel`, [c.targetSize, HE * D], {
      kind: 'glorotUniform',
      fanIn: queryIn,
      fanOut: D,
    });
    if (c.positionEncoding) {
      this.queryPositionKernel = store.weight(`${name}/queryPositionKernel`, [c.positionDim, HE * D], {
        kind: 'glorotUniform',
        fanIn: queryIn,
        fanOut: D,
      });
      this.positionTable = store.weight(`${name}/positionTable`, [c.maxPositions, c.positionDim], {
        kind: 'normal',
        std: 0.1,
      });
    }
    this.queryBias = store.weight(`${name}/queryBias`, [HE * D], { kind: 'zeros' });
    if (
      !Array.isArray(c.attentionUnits) ||
      c.attentionUnits.length < 1 ||
      c.attentionUnits.some((u) => !Number.isInteger(u) || u < 1)
    ) {
      throw new Error(
        `${where}: attentionUnits must be a non-empty list of positive integers, got ` +
          `${JSON.stringify(c.attentionUnits)}`,
      );
    }
    const sizes = [4 * D, ...c.attentionUnits, 1];
    for (let h = 0; h < HE; h++) {
      const layers: { kernel: tf.Variable; bias: tf.Variable }[] = [];
      for (let i = 0; i + 1 < sizes.length; i++) {
        layers.push({
          kernel: store.weight(`${name}/head${h}/unit/dense${i}/kernel`, [sizes[i], sizes[i + 1]], {
            kind: 'glorotUniform',
            fanIn: sizes[i],
            fanOut: sizes[i + 1],
          }),
          bias: store.weight(`${name}/head${h}/unit/dense${i}/bias`, [sizes[i + 1]], { kind: 'zeros' }),
        });
      }
      this.mlp.push(layers);
    }
  }

  /**
   * @param z [B, T, D] behaviour sequence (refiner output or embeddings)
   * @param target [B, Dt]
   * @param mask [B, T]
   * @param positions [B, T] int32 position ids (forwardPositions or reversePositions); needed
   *   when positionEncoding is on
   */
  apply(z: tf.Tensor3D, target: tf.Tensor2D, mask: tf.Tensor2D, positions?: tf.Tensor2D): MultiInterestOutput {
    const [B, T, D] = z.shape;
    const where = `MultiInterestExtractor(${this.name}).apply`;
    if (
      D !== this.size ||
      target.shape[0] !== B ||
      target.shape[1] !== this.targetSize ||
      mask.shape[0] !== B ||
      mask.shape[1] !== T
    ) {
      throw new Error(
        `${where}: expected z [B, T, ${this.size}], target [B, ${this.targetSize}], mask ` +
          `[B, T]; got [${z.shape}], [${target.shape}], [${mask.shape}]`,
      );
    }
    if (this.positionEncoding && (!positions || positions.shape[0] !== B || positions.shape[1] !== T)) {
      throw new Error(`${where}: positionEncoding needs positions [${B}, ${T}] (int32 position ids)`);
    }
    const HE = this.heads;
    const dk = this.headSize;
    return tf.tidy(() => {
      const N = B * T;
      // --- H_E self-attention heads, head-major [H_E * B, T, dk] (rank-3 transposes only) ---
      const qkv = denseFast(z, this.qkvKernel, this.qkvBias); // [B, T, 3 * HE * dk]
      const split = tf.transpose(qkv.reshape([N, 3 * HE, dk]), [1, 0, 2]).reshape([3, HE * B, T, dk]);
      const [q, k, v] = tf.unstack(split, 0) as tf.Tensor3D[];
      const scale = 1 / Math.sqrt(this.scaleKind === 'perHead' ? dk : D);
      // Padded rows of each head's sequence are zeroed below, so their queries need not attend.
      const context = attendHeads(q, k, v, mask, {
        scale,
        causal: this.causal,
        paddingMask: true,
        zeroPaddedQueries: true,
      });
      // HE x [B*T, dk]
      const contexts = unstackDifferentiable(context.reshape([HE, N, dk]), 0) as tf.Tensor2D[];
      // --- per-head, per-position queries q_h = target Wt_h + b_h + p_t Wp_h: HE x [B*T, D] ---
      const targetQuery = matMulFast(target, this.queryTargetKernel).add(this.queryBias); // [B, HE * D]
      const p = this.positionEncoding
        ? tf.gather(this.positionTable as tf.Variable, (positions as tf.Tensor2D).reshape([N])) // [B*T, P]
        : undefined;
      let query = targetQuery.reshape([B, 1, HE * D]);
      if (p) query = query.add(matMulFast(p, this.queryPositionKernel as tf.Variable).reshape([B, T, HE * D]));
      else query = query.tile([1, T, 1]);
      const queries = unstackDifferentiable(tf.transpose(query.reshape([N, HE, D]), [1, 0, 2]), 0) as tf.Tensor2D[];
      // their target parts, HE x [B, D] (for the units' query parts)
      const targetQueries = unstackDifferentiable(tf.transpose(targetQuery.reshape([B, HE, D]), [1, 0, 2]), 0);
      const z2 = z.reshape([N, D]);
      const maskColumn = mask.reshape([N, 1]);
      const sequences: tf.Tensor2D[] = [];
      const rawScores: tf.Tensor[] = [];
      for (let head = 0; head < HE; head++) {
        // s_h = LayerNorm_h(z + context_h Wo_h + bo_h) (+ FFN_h), zero at padding
        let normed = this.norms[head].apply(
          z2.add(denseFast(contexts[head], this.outKernels[head], this.outBiases[head])) as tf.Tensor2D,
        );
        const f = this.ffns[head];
        if (f) normed = normed.add(denseFast(denseFast(normed, f.k1, f.b1, 'relu'), f.k2, f.b2)) as tf.Tensor2D;
        const sh = normed.mul(maskColumn) as tf.Tensor2D;
        sequences.push(sh);
        // First layer on [q, s, q - s, q * s] with W = [Wq; Ws; Wd; Wp]:
        //   q (Wq + Wd) + s (Ws - Wd) + (q * s) Wp   (no concat: on wasm a [B*T, 2D] operand's
        //   concat, gradient split and transpose cost more than the extra [B*T, D] product)
        const qh = queries[head];
        const layers = this.mlp[head];
        const [wq, ws, wd, wp] = tf.split(layers[0].kernel, 4, 0);
        // q_h is affine in (target, position): q_h (Wq + Wd) = (target Wt_h + b_h) (Wq + Wd) per row
        // [B, U] + p_t (Wp_h (Wq + Wd)) [B*T, P]: two small products instead of one [B*T, D] one
        const wqd = wq.add(wd);
        const U = layers[0].bias.size;
        let queryPart = denseFast(targetQueries[head], wqd, layers[0].bias).reshape([B, 1, U]);
        if (p) {
          const positionKernel = tf.slice(this.queryPositionKernel as tf.Variable, [0, head * D], [-1, D]); // [P, D]
          queryPart = queryPart.add(matMulFast(p, matMulFast(positionKernel, wqd)).reshape([B, T, U]));
        }
        const seqPart = denseFast(sh, ws.sub(wd)).add(denseFast(qh.mul(sh), wp));
        let x = tf.sigmoid(seqPart.reshape([B, T, U]).add(queryPart).reshape([N, U])) as tf.Tensor2D;
        for (let i = 1; i < layers.length; i++) {
          x = denseFast(
            x,
            layers[i].kernel,
            layers[i].bias,
            i + 1 < layers.length ? 'sigmoid' : 'linear',
          ) as tf.Tensor2D;
        }
        rawScores.push(x.reshape([B, T]));
      }
      const raw = tf.stack(rawScores, 0) as tf.Tensor3D; // [HE, B, T]
      const maskHE = mask.reshape([1, B, T]) as tf.Tensor3D; // broadcast over the heads (a wasm Tile costs ~1 ms)
      const weights = (this.normalize === 'softmax' ? maskedSoftmax(raw, maskHE) : raw.mul(maskHE)) as tf.Tensor3D;
      const headSequences = tf.stack(sequences, 0).reshape([HE, B, T, D]) as tf.Tensor4D;
      const pooled = headSequences.mul(weights.reshape([HE, B, T, 1])).sum(2); // [HE, B, D]
      const interests = tf.transpose(pooled, [1, 0, 2]).reshape([B, HE * D]) as tf.Tensor2D;
      return { interests, headSequences, weights };
    });
  }
}

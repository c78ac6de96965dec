/**
 * Multi-head self-attention block with padding mask, optional causal mask, residual,
 * LayerNorm and position-wise FFN: DMIN's behaviour refiner (a Transformer encoder layer).
 *
 *   Q, K, V = x Wq, x Wk, x Wv                      x [B, T, D], each split into h heads [B, h, T, dk]
 *   A = softmax(Q K^T * scale + mask)  per head     [B, h, T, T]
 *   y = LayerNorm(x + concat_h(A V) Wo)             [B, T, D]
 *   z = LayerNorm(y + relu(y W1 + b1) W2 + b2)      [B, T, D]   (FFN width `ffnSize`, default 2D)
 * Output rows of padded positions are set to zero.
 *
 * Masks: by default a query attends to every VALID key (padding mask). `causal: true` adds
 * the lower-triangular mask (step t sees steps <= t).
 * Porting note: the DMIN repo (`Model_DNN_Multi_Head`) applies ONLY the causal mask and no
 * padding mask; with post-padded histories (src/data/batch.ts) the causal mask alone already
 * keeps valid steps from seeing padding, so `{ causal: true, paddingMask: false }` reproduces
 * it exactly on valid positions. The repo scales by 1/sqrt(D) (all heads' width); the paper
 * (Transformer) scales by 1/sqrt(dk): option `scale: 'official'`. The repo's FFN block has no
 * second LayerNorm: option `ffnLayerNorm: false`.
 * `maskMode: 'addOne'` blocks nothing and adds +1 to the scores of the pairs the masks above
 * would block (FuxiCTR's refiner; Porting note at `refinerMaskMode` in src/models/dmin.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterStore } from './params';
import { LayerNorm } from './layerNorm';
import { denseFast } from '../ops';
import { attendHeads } from './headAttention';

export interface MultiHeadSelfAttentionConfig {
  /** D, model width (input and output). */
  size: number;
  /** h, number of heads; must divide D. Default 4 (DMIN repo). */
  heads?: number;
  /** Width of the FFN's hidden layer; default 2 * D (DMIN repo: 72 for D = 36). 0 = no FFN. */
  ffnSize?: number;
  /** Add the lower-triangular (causal) mask. Default false. */
  causal?: boolean;
  /** Mask padded keys. Default true. */
  paddingMask?: boolean;
  /** 'perHead' = 1/sqrt(D/h) (paper, default) | 'official' = 1/sqrt(D). */
  scale?: 'perHead' | 'official';
  /** LayerNorm after the FFN residual. Default true. */
  ffnLayerNorm?: boolean;
  /**
   * 'block' (default): masked pairs get weight 0 | 'addOne': every pair is attended and the pairs
   * `causal` / `paddingMask` would mask get +1 on their score (tf-ops path, src/layers/headAttention.ts).
   */
  maskMode?: 'block' | 'addOne';
}

export const MULTI_HEAD_DEFAULTS = {
  heads: 4,
  causal: false,
  paddingMask: true,
  scale: 'perHead' as const,
  ffnLayerNorm: true,
  maskMode: 'block' as const,
};

export class MultiHeadSelfAttention {
  readonly size: number;
  readonly heads: number;
  readonly ffnSize: number;
  readonly causal: boolean;
  readonly paddingMask: boolean;
  readonly scaleKind: 'perHead' | 'official';
  readonly maskMode: 'block' | 'addOne';
  readonly name: string;
  private readonly qkvKernel: tf.Variable;
  private readonly qkvBias: tf.Variable;
  private readonly outKernel: tf.Variable;
  private readonly outBias: tf.Variable;
  private readonly norm1: LayerNorm;
  private readonly ffn?: { k1: tf.Variable; b1: tf.Variable; k2: tf.Variable; b2: tf.Variable; norm?: LayerNorm };

  constructor(store: ParameterStore, name: string, config: MultiHeadSelfAttentionConfig) {
    const c = { ...MULTI_HEAD_DEFAULTS, ...config };
    const D = c.size;
    const ffnSize = c.ffnSize ?? 2 * D;
    const where = `MultiHeadSelfAttention(${name})`;
    if (!Number.isInteger(D) || D < 1) throw new Error(`${where}: size must be a positive integer, got ${D}`);
    if (!Number.isInteger(c.heads) || c.heads < 1 || D % c.heads !== 0)
      throw new Error(`${where}: heads must be a positive integer dividing size ${D}, got ${c.heads}`);
    if (!Number.isInteger(ffnSize) || ffnSize < 0)
      throw new Error(`${where}: ffnSize must be an integer >= 0, got ${ffnSize}`);
    if (c.scale !== 'perHead' && c.scale !== 'official')
      throw new Error(`${where}: scale must be 'perHead' or 'official', got ${String(c.scale)}`);
    if (c.maskMode !== 'block' && c.maskMode !== 'addOne')
      throw new Error(`${where}: maskMode must be 'block' or 'addOne', got ${String(c.maskMode)}`);
    if (!c.causal && !c.paddingMask)
      throw new Error(
        `${where}: at least one of causal and paddingMask must be on (otherwise valid steps attend to padding)`,
      );
    this.size = D;
    this.heads = c.heads;
    this.ffnSize = ffnSize;
    this.causal = c.causal;
    this.paddingMask = c.paddingMask;
    this.scaleKind = c.scale;
    this.maskMode = c.maskMode;
    this.name = name;
    this.qkvKernel = store.weight(`${name}/qkvKernel`, [D, 3 * D], { kind: 'glorotUniform', fanIn: D, fanOut: D });
    this.qkvBias = store.weight(`${name}/qkvBias`, [3 * D], { kind: 'zeros' });
    this.outKernel = store.weight(`${name}/outKernel`, [D, D], { kind: 'glorotUniform', fanIn: D, fanOut: D });
    this.outBias = store.weight(`${name}/outBias`, [D], { kind: 'zeros' });
    this.norm1 = new LayerNorm(store, `${name}/norm1`, { size: D });
    if (ffnSize > 0) {
      this.ffn = {
        k1: store.weight(`${name}/ffn/kernel1`, [D, ffnSize], { kind: 'glorotUniform', fanIn: D, fanOut: ffnSize }),
        b1: store.weight(`${name}/ffn/bias1`, [ffnSize], { kind: 'zeros' }),
        k2: store.weight(`${name}/ffn/kernel2`, [ffnSize, D], { kind: 'glorotUniform', fanIn: ffnSize, fanOut: D }),
        b2: store.weight(`${name}/ffn/bias2`, [D], { kind: 'zeros' }),
        norm: c.ffnLayerNorm ? new LayerNorm(store, `${name}/norm2`, { size: D }) : undefined,
      };
    }
  }

  /**
   * @param x [B, T, D]
   * @param mask [B, T] 1 = valid
   * @returns [B, T, D] refined sequence (zero at padded positions)
   */
  apply(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
    const [B, T, D] = x.shape;
    if (D !== this.size || mask.shape[0] !== B || mask.shape[1] !== T) {
      throw new Error(
        `MultiHeadSelfAttention(${this.name}).apply: expected x [B, T, ${this.size}] and ` +
          `mask [B, T], got [${x.shape}] and [${mask.shape}]`,
      );
    }
    const h = this.heads;
    const dk = D / h;
    return tf.tidy(() => {
      const qkv = denseFast(x, this.qkvKernel, this.qkvBias); // [B, T, 3D]
      // Head-major layout with rank-3 transposes only (wasm's rank-5 transpose is ~50x slower):
      // [B*T, 3h, dk] -> [3h, B*T, dk] -> three [h*B, T, dk]
      const split = tf.transpose(qkv.reshape([B * T, 3 * h, dk]), [1, 0, 2]).reshape([3, h * B, T, dk]);
      const [q, k, v] = tf.unstack(split, 0) as tf.Tensor3D[];
      const scale = 1 / Math.sqrt(this.scaleKind === 'perHead' ? dk : D);
      // Padded rows are zeroed at the end, so their queries need not attend (zeroPaddedQueries).
      const context = attendHeads(q, k, v, mask, {
        scale,
        causal: this.causal,
        paddingMask: this.paddingMask,
        zeroPaddedQueries: true,
        maskMode: this.maskMode,
      });
      const merged = tf.transpose(context.reshape([h, B * T, dk]), [1, 0, 2]).reshape([B, T, D]);
      const attended = denseFast(merged, this.outKernel, this.outBias);
      let y = this.norm1.apply(x.add(attended) as tf.Tensor3D);
      if (this.ffn) {
        const hidden = denseFast(y, this.ffn.k1, this.ffn.b1, 'relu');
        const out = y.add(denseFast(hidden, this.ffn.k2, this.ffn.b2)) as tf.Tensor3D;
        y = this.ffn.norm ? this.ffn.norm.apply(out) : out;
      }
      return y.mul(mask.reshape([B, T, 1])) as tf.Tensor3D;
    });
  }
}

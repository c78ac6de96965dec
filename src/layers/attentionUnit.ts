/**
 * DIN's local activation unit (KDD'18 §4.3, Fig. 2) and the weighted-sum pooling it drives.
 *
 * For a query q [B, D] (the target) and keys k [B, T, D] (the behaviours):
 *   score_t = MLP([q, k_t, q - k_t, q * k_t]) -> scalar      (MLP 80 -> 40, sigmoid, -> 1)
 *   w_t     = score_t * m_t                                 normalize 'none' (paper)
 *           = softmax_t(scale * score_t | m_t = 1)          normalize 'softmax'
 *   pooled  = sum_t w_t k_t                                 [B, D]
 * Porting note: the paper relaxes sum(w) = 1 (no softmax); the official DIN and DIEN code
 * apply a masked softmax (docs/papers.md P-DIN-2), the DIN code after scaling by 1/sqrt(D)
 * (`scale: 1 / Math.sqrt(D)`); `normalize: 'softmax'` offers that behaviour.
 *
 * Performance: with the first weight W [4D, H] split in row blocks Wq, Wk, Wd, Wp,
 *   [q, k, q-k, q*k] W = q (Wq + Wd) + k (Wk - Wd) + (q*k) Wp
 * so the query part is computed once per row instead of once per position and the
 * four-way concat (and its gradient's slices) disappear. `firstLayer: 'concat'` computes the literal concat
 * (reference).
 * Both use the same stored weight, so checkpoints are interchangeable.
 *
 * Scoring (training false, no gradient recorded) runs the whole unit as one kernel where the
 * backend has it (src/kernels/attentionUnit.ts, registered on wasm by src/backend.ts; 'split'
 * first layer, relu or sigmoid): same values up to float32 rounding, products over the valid
 * positions only.
 *
 * Weights: `<name>/dense0/kernel` [4D, H1], `<name>/dense0/bias`, then `<name>/dense<i>/...`,
 * `<name>/score/kernel` [H_last, 1], `<name>/score/bias` [1], plus Dice/PReLU state.
 */
import * as tf from '@tensorflow/tfjs';
import { ATTENTION_UNIT_KERNEL } from '../kernels/attentionUnit';
import { denseFast } from '../ops';
import { ActivationLayer, ActivationName, checkActivationName, createActivation } from './activation';
import { Dense } from './dense';
import { DICE_DEFAULTS, DiceOptions } from './dice';
import { ParameterStore } from './params';

export type AttentionNormalize = 'none' | 'softmax';

export interface AttentionUnitConfig {
  /** Hidden sizes of the scoring MLP; default [80, 40] (DIN paper and code). */
  hidden: number[];
  /** Activation of the scoring MLP; default 'sigmoid' (DIN/DIEN code). */
  activation: ActivationName;
  /** Default 'none' (paper). 'softmax' = official code (Porting note above). */
  normalize: AttentionNormalize;
  /** Scores are multiplied by this before the softmax (DIN code: 1/sqrt(D)); default 1. */
  scale: number;
  /** Default 'split' (fast); 'concat' is the literal reference computation. */
  firstLayer: 'split' | 'concat';
  /** Options of Dice when activation = 'dice' (DICE_DEFAULTS). */
  dice: DiceOptions;
}

export const ATTENTION_UNIT_DEFAULTS: Readonly<AttentionUnitConfig> = Object.freeze({
  hidden: [80, 40],
  activation: 'sigmoid' as ActivationName,
  normalize: 'none' as AttentionNormalize,
  scale: 1,
  firstLayer: 'split' as const,
  dice: DICE_DEFAULTS,
});

/** Weighted-sum pooling: keys [B, T, D], weights [B, T] -> [B, D]. */
export function weightedSum(keys: tf.Tensor3D, weights: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(tf.mul(keys, tf.expandDims(weights, 2)), 1) as tf.Tensor2D;
}

/** Masked softmax over the last axis: scores, mask [B, T] -> [B, T]; rows without any real position give zeros. */
function softmaxOverValid(scores: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  const shifted = tf.add(scores, tf.mul(tf.sub(1, mask), -1e9));
  return tf.mul(tf.softmax(shifted), mask) as tf.Tensor2D;
}

export class AttentionUnit {
  readonly config: Readonly<AttentionUnitConfig>;
  private readonly first: Dense;
  private readonly firstActivation: ActivationLayer;
  private readonly rest: { dense: Dense; activation: ActivationLayer }[] = [];
  private readonly scoreLayer: Dense;

  constructor(
    store: ParameterStore,
    readonly name: string,
    /** D of the query and of every key. */
    readonly dim: number,
    config: Partial<AttentionUnitConfig> = {},
  ) {
    const c: AttentionUnitConfig = { ...ATTENTION_UNIT_DEFAULTS, ...config };
    const where = `AttentionUnit(${name})`;
    if (!Array.isArray(c.hidden) || c.hidden.length < 1 || c.hidden.some((h) => !Number.isInteger(h) || h < 1)) {
      throw new Error(
        `${where}: hidden must be a non-empty list of positive integers, got ${JSON.stringify(c.hidden)}`,
      );
    }
    checkActivationName(c.activation, where);
    if (c.normalize !== 'none' && c.normalize !== 'softmax')
      throw new Error(`${where}: normalize must be 'none' or 'softmax', got ${String(c.normalize)}`);
    if (c.firstLayer !== 'split' && c.firstLayer !== 'concat')
      throw new Error(`${where}: firstLayer must be 'split' or 'concat', got ${String(c.firstLayer)}`);
    if (!Number.isFinite(c.scale)) throw new Error(`${where}: scale must be a finite number, got ${c.scale}`);
    this.config = Object.freeze(c);
    this.first = new Dense(store, `${name}/dense0`, 4 * dim, c.hidden[0]);
    this.firstActivation = createActivation(store, `${name}/act0`, c.activation, c.hidden[0], c.dice);
    for (let i = 1; i < c.hidden.length; i++) {
      this.rest.push({
        dense: new Dense(store, `${name}/dense${i}`, c.hidden[i - 1], c.hidden[i]),
        activation: createActivation(store, `${name}/act${i}`, c.activation, c.hidden[i], c.dice),
      });
    }
    this.scoreLayer = new Dense(store, `${name}/score`, c.hidden[c.hidden.length - 1], 1);
  }

  /** The first layer's pre-activation: query [B, D], keys [B, T, D] -> [B, T, H1]. */
  firstLayer(query: tf.Tensor2D, keys: tf.Tensor3D): tf.Tensor3D {
    const [B, T, D] = keys.shape;
    const qk = tf.mul(tf.expandDims(query, 1), keys) as tf.Tensor3D; // [B, T, D]
    if (this.config.firstLayer === 'concat') {
      const q = tf.broadcastTo(tf.expandDims(query, 1), [B, T, D]);
      const x = tf.concat([q, keys, tf.sub(q, keys), qk], 2);
      return this.first.apply(x) as tf.Tensor3D;
    }
    const [wq, wk, wd, wp] = tf.split(this.first.kernel, 4, 0);
    const queryPart = denseFast(query, tf.add(wq, wd), this.first.bias); // [B, H1]
    // Two products instead of one over concat([k, q*k]): the concat's gradient (SplitV) copies.
    const keyPart = tf.add(denseFast(keys, tf.sub(wk, wd)), denseFast(qk, wp)); // [B, T, H1]
    return tf.add(keyPart, tf.expandDims(queryPart, 1)) as tf.Tensor3D;
  }

  /** Raw scores before masking: query [B, D], keys [B, T, D], mask [B, T] (for Dice statistics) -> [B, T]. */
  scores(query: tf.Tensor2D, keys: tf.Tensor3D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    this.check(query, keys, mask);
    const [B, T] = mask.shape;
    let h: tf.Tensor = this.firstLayer(query, keys);
    const fused0 = this.firstActivation.fused;
    if (fused0 === 'relu') h = tf.relu(h);
    else if (fused0 === 'sigmoid') h = tf.sigmoid(h);
    else h = this.firstActivation.apply(h, training, mask);
    for (const layer of this.rest) {
      h = layer.dense.apply(h, layer.activation.fused);
      h = layer.activation.apply(h, training, mask);
    }
    return tf.reshape(this.scoreLayer.apply(h), [B, T]) as tf.Tensor2D;
  }

  /** Pooling weights [B, T]: masked scores (none) or masked softmax (softmax); zero at padding. */
  weights(query: tf.Tensor2D, keys: tf.Tensor3D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const scored = this.scoreByKernel(query, keys, mask, training, false);
    if (scored) return scored[0] as tf.Tensor2D;
    const s = this.scores(query, keys, mask, training);
    if (this.config.normalize === 'none') return tf.mul(s, mask) as tf.Tensor2D;
    return softmaxOverValid(this.config.scale === 1 ? s : (tf.mul(s, this.config.scale) as tf.Tensor2D), mask);
  }

  /** query [B, D], keys [B, T, D], mask [B, T] -> pooled [B, D] and the weights [B, T]. */
  apply(
    query: tf.Tensor2D,
    keys: tf.Tensor3D,
    mask: tf.Tensor2D,
    training: boolean,
  ): { pooled: tf.Tensor2D; weights: tf.Tensor2D } {
    const scored = this.scoreByKernel(query, keys, mask, training, true);
    if (scored) return { weights: scored[0] as tf.Tensor2D, pooled: scored[1] as tf.Tensor2D };
    const weights = this.weights(query, keys, mask, training);
    return { pooled: weightedSum(keys, weights), weights };
  }

  /** True when `weights` / `apply` with these arguments run the one-kernel forward. */
  usesKernel(training: boolean): boolean {
    const c = this.config;
    return (
      !training &&
      c.firstLayer === 'split' &&
      (c.activation === 'relu' || c.activation === 'sigmoid') &&
      !tf.engine().isTapeOn() &&
      tf.getKernel(ATTENTION_UNIT_KERNEL, tf.getBackend()) !== undefined
    );
  }

  /** [weights] or [weights, pooled] from the one-kernel forward, or undefined where it does not apply. */
  private scoreByKernel(
    query: tf.Tensor2D,
    keys: tf.Tensor3D,
    mask: tf.Tensor2D,
    training: boolean,
    pool: boolean,
  ): tf.Tensor[] | undefined {
    if (!this.usesKernel(training)) return undefined;
    this.check(query, keys, mask);
    const dense = [this.first, ...this.rest.map((r) => r.dense), this.scoreLayer];
    const inputs: tf.NamedTensorMap = { query, keys, mask };
    dense.forEach((d, i) => {
      inputs[`kernel${i}`] = d.kernel;
      inputs[`bias${i}`] = d.bias as tf.Tensor;
    });
    const { activation, normalize, scale } = this.config;
    const attrs = { layers: dense.length - 1, activation, normalize, scale, pool };
    return tf.engine().runKernel(ATTENTION_UNIT_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  }

  private check(query: tf.Tensor2D, keys: tf.Tensor3D, mask: tf.Tensor2D): void {
    const where = `AttentionUnit(${this.name})`;
    if (keys.rank !== 3 || keys.shape[2] !== this.dim)
      throw new Error(`${where}: keys must be [B, T, ${this.dim}], got [${keys.shape}]`);
    if (query.rank !== 2 || query.shape[0] !== keys.shape[0] || query.shape[1] !== this.dim) {
      throw new Error(`${where}: query must be [${keys.shape[0]}, ${this.dim}], got [${query.shape}]`);
    }
    if (mask.rank !== 2 || mask.shape[0] !== keys.shape[0] || mask.shape[1] !== keys.shape[1]) {
      throw new Error(`${where}: mask must be [${keys.shape[0]}, ${keys.shape[1]}], got [${mask.shape}]`);
    }
  }
}

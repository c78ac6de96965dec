/**
 * DHAN, Deep Hierarchical Attention Network (Xu et al., SIGIR'20, arXiv 2005.12981; docs/papers.md §5).
 *
 *   e = history embeddings [B, T, De], e_a = target [B, De]
 *   level 1: activation-unit weights of every behaviour; flat = sum_t w_t e_t (= DIN's vector)
 *   for every hierarchy dimension (e.g. category path, brand): group behaviours by the
 *   dimension's levels (batch.histCats[level], finest first), weight-normalised cluster
 *   vectors, one activation unit per cluster level -> hierarchical vector [B, De]
 *   MLP input [user?, e_a, sum_t e_t, e_a * sum_t e_t, hierarchical_1..K, flat (remedy)]
 *     (`pooling: 'flat'`: [..., flat] only, i.e. DIN pooling)
 *   `onDien: true`: DIEN's interest evolution (GRU + aux loss + AUGRU, src/models/dien.ts)
 *   adds its final state to the MLP input (official `DHAN_DIEN`: DIEN plus the HAN branch).
 *
 * Config: `dimensions` lists the hierarchy dimensions, each a list of category levels of the
 * batch from fine to coarse. Simplified DHAN = one dimension (category), two attention levels:
 * `dimensions: [[0]]` (default). Category -> parent: `[[0, 1]]` (three attention levels).
 * Two dimensions: `[[0], [1]]`. The level-1 (behaviour) unit is shared by all dimensions.
 *
 * Porting note: the official DHAN code normalises the level-1 weights with a softmax (scaled
 * 1/sqrt(De)) and reuses the same attention weights at level 2 with a LayerNorm on the cluster
 * vectors; here each level has its own unit. The default `attention.normalize` is 'softmax':
 * the cluster vector divides by the in-cluster weight sum, which is only well defined for
 * positive weights (unnormalised DIN scores can be negative). The official DHAN_DIEN code
 * hard-codes 13 categories; here clusters are the distinct ids of each row.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSizes } from '../data/batch';
import {
  CommonModelConfig,
  ConfigOverrides,
  CtrModelBase,
  EMBEDDING_DEFAULTS,
  ModelInputs,
  ModelOutput,
  resolveConfig,
} from './model';
import { interestFeatures, interestFeatureWidth } from './features';
import { ATTENTION_UNIT_DEFAULTS, AttentionUnit, AttentionUnitConfig } from '../layers/attentionUnit';
import {
  buildClusterGroupings,
  clusterGroupingTensors,
  hierarchicalPooling,
  AttentionWeightsFn,
} from '../layers/hierarchicalAttention';
import { MlpConfig, MLP_DEFAULTS } from '../layers/mlp';
import { ClickHead } from '../layers/clickHead';
import { poolSequence } from '../layers/pooling';
import { INTEREST_EVOLUTION_DEFAULTS, InterestEvolution, InterestEvolutionConfig } from './dien';

export type DhanPooling = 'hierarchical' | 'flat';

export interface DhanConfig extends CommonModelConfig {
  /** 'hierarchical' (DHAN, default) or 'flat' (DIN pooling, the ablation). */
  pooling: DhanPooling;
  /** Hierarchy dimensions, each a list of batch category levels, finest first. Default [[0]]. */
  dimensions: number[][];
  /** Remedy against over-centralisation: add the flat item-level vector to the MLP input. Default true. */
  remedy: boolean;
  /** Every activation unit (default 80-40 sigmoid, softmax; see Porting note). */
  attention: AttentionUnitConfig;
  /** DHAN on top of DIEN (official DHAN_DIEN). Default false. */
  onDien: boolean;
  /** DIEN part when onDien (defaults: DIEN's, AUGRU + aux loss alpha 1). */
  dien: InterestEvolutionConfig;
  /** Top MLP. */
  mlp: MlpConfig;
}

export const DHAN_DEFAULTS: Readonly<DhanConfig> = Object.freeze({
  embedding: { ...EMBEDDING_DEFAULTS },
  pooling: 'hierarchical' as DhanPooling,
  dimensions: [[0]],
  remedy: true,
  attention: { ...ATTENTION_UNIT_DEFAULTS, normalize: 'softmax' as const },
  onDien: false,
  dien: { ...INTEREST_EVOLUTION_DEFAULTS, attentionUnit: { ...INTEREST_EVOLUTION_DEFAULTS.attentionUnit } },
  mlp: { ...MLP_DEFAULTS, activation: 'dice' as const },
});

/** The attention tree of one hierarchy dimension (see DhanModel.attentionTree). */
export interface DhanAttentionTree {
  /** [B, T] level-1 weights as the behaviour unit gives them (softmax over the row's history by default). */
  behaviourWeights: tf.Tensor2D;
  /**
   * [B, T] level-1 weights divided by their cluster's sum (what a cluster vector weights its behaviours with); 0 at
   * padding.
   */
  withinClusterWeights: tf.Tensor2D;
  /** [B, C] level-2 weights of the clusters (0 for empty cluster slots). */
  clusterWeights: tf.Tensor2D;
  /** Weights of every attention level of the dimension: [B, T], [B, C_1], [B, C_2], ... */
  levelWeights: tf.Tensor2D[];
  /** The batch category level the clusters group by (the dimension's first level). */
  categoryLevel: number;
  /** C, cluster slots per row (the batch maximum). */
  clusters: number;
  /** [B * T] cluster slot c of every behaviour, -1 at padding. */
  clusterOf: Int32Array;
  /** [B * C] category id (at the dimension's first level) of each cluster slot; 0 for empty slots. */
  clusterIds: Int32Array;
  /** [B * C] 1 = the cluster slot exists in the row. */
  clusterMask: Float32Array;
}

export class DhanModel extends CtrModelBase<DhanConfig> {
  readonly itemUnit: AttentionUnit;
  /** clusterUnits[k][l]: unit of cluster level l of dimension k. */
  readonly clusterUnits: AttentionUnit[][];
  readonly evolution?: InterestEvolution;
  private readonly head: ClickHead;

  constructor(config: ConfigOverrides<DhanConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('dhan', resolveConfig(DHAN_DEFAULTS, config, 'dhan config'), sizes, seed);
    const c = this.config;
    const where = 'dhan config';
    if (c.pooling !== 'hierarchical' && c.pooling !== 'flat')
      throw new Error(`${where}: pooling must be 'hierarchical' or 'flat', got ${String(c.pooling)}`);
    if (
      !Array.isArray(c.dimensions) ||
      c.dimensions.length < 1 ||
      c.dimensions.some(
        (d) =>
          !Array.isArray(d) || d.length < 1 || d.some((l) => !Number.isInteger(l) || l < 0 || l >= sizes.cats.length),
      )
    ) {
      throw new Error(
        `${where}: dimensions must be a non-empty list of non-empty lists of category ` +
          `levels in 0..${sizes.cats.length - 1}, got ${JSON.stringify(c.dimensions)}`,
      );
    }
    const De = this.embeddings.behaviourDim;
    this.itemUnit = new AttentionUnit(this.params, 'dhan/level1', De, c.attention);
    this.clusterUnits =
      c.pooling === 'flat'
        ? []
        : c.dimensions.map((levels, k) =>
            levels.map((_, l) => new AttentionUnit(this.params, `dhan/dim${k}/level${l + 2}`, De, c.attention)),
          );
    if (c.onDien) this.evolution = new InterestEvolution(this.params, 'dhan/dien', De, c.dien);
    const extra =
      (c.pooling === 'flat' ? De : c.dimensions.length * De + (c.remedy ? De : 0)) + (c.onDien ? c.dien.hiddenSize : 0);
    this.head = new ClickHead(
      this.params,
      'dhan/head',
      interestFeatureWidth(De, c.embedding.userDim, true, extra),
      c.mlp,
      seed,
    );
  }

  /** DIEN's weight when on DIEN, else 0 (no auxiliary loss). */
  override get auxWeight(): number {
    return this.config.onDien ? this.config.dien.auxWeight : 0;
  }

  /** The hierarchical vectors (one per dimension) and the flat vector, each [B, De]. */
  pooled(
    inputs: ModelInputs,
    history: tf.Tensor3D,
    target: tf.Tensor2D,
    training: boolean,
  ): { hierarchical: tf.Tensor2D[]; flat: tf.Tensor2D } {
    const mask = inputs.mask;
    const asFn =
      (u: AttentionUnit): AttentionWeightsFn =>
      (q, k, m) =>
        u.weights(q, k, m, training);
    if (this.config.pooling === 'flat')
      return { hierarchical: [], flat: this.itemUnit.apply(target, history, mask, training).pooled };
    const batch = inputs.batch;
    const { size: B, maxLen: T } = batch;
    let flat: tf.Tensor2D | undefined;
    const hierarchical = this.config.dimensions.map((levels, k) => {
      const ids = levels.map((l) => {
        const a = batch.histCats[l];
        if (!a)
          throw new Error(
            `DhanModel: dimension ${k} uses category level ${l} but the batch carries ` +
              `${batch.histCats.length} level(s)`,
          );
        return a;
      });
      const groupings = clusterGroupingTensors(B, buildClusterGroupings(B, T, batch.histMask, ids));
      const out = hierarchicalPooling(target, history, mask, groupings, [
        asFn(this.itemUnit),
        ...this.clusterUnits[k].map(asFn),
      ]);
      flat = flat ?? out.flat;
      return out.hierarchical;
    });
    return { hierarchical, flat: flat as tf.Tensor2D };
  }

  /**
   * The attention tree of hierarchy dimension `dimension` (default 0) for every row and its
   * target, in inference mode: the same weights `pooled` computes (read only, for plots).
   * Tensors are the caller's to dispose. Throws for `pooling: 'flat'` (no tree).
   */
  attentionTree(inputs: ModelInputs, dimension = 0): DhanAttentionTree {
    const where = 'DhanModel.attentionTree';
    if (this.config.pooling === 'flat')
      throw new Error(`${where}: pooling 'flat' has no cluster level (use pooling 'hierarchical')`);
    const levels = this.config.dimensions[dimension];
    if (!levels)
      throw new Error(
        `${where}: dimension ${dimension} does not exist; the model has ${this.config.dimensions.length} dimension(s)`,
      );
    const batch = inputs.batch;
    const { size: B, maxLen: T } = batch;
    const ids = levels.map((l) => {
      const a = batch.histCats[l];
      if (!a)
        throw new Error(
          `${where}: dimension ${dimension} uses category level ${l} but the batch carries ` +
            `${batch.histCats.length} level(s)`,
        );
      return a;
    });
    const arrays = buildClusterGroupings(B, T, batch.histMask, ids);
    const first = arrays[0];
    const C = first.clusters;
    const clusterOf = new Int32Array(B * T);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const segment = first.segmentIds[b * T + t];
        clusterOf[b * T + t] = segment === B * C ? -1 : segment - b * C;
      }
    const asFn =
      (u: AttentionUnit): AttentionWeightsFn =>
      (q, k, m) =>
        u.weights(q, k, m, false);
    const tensors = tf.tidy(() => {
      const history = inputs.history();
      const target = inputs.target();
      const groupings = clusterGroupingTensors(B, arrays);
      const { levelWeights } = hierarchicalPooling(target, history, inputs.mask, groupings, [
        asFn(this.itemUnit),
        ...this.clusterUnits[dimension].map(asFn),
      ]);
      const w = levelWeights[0].reshape([B * T]);
      const sums = tf.unsortedSegmentSum(w, groupings[0].segmentIds, B * C + 1);
      const own = tf.gather(sums, groupings[0].segmentIds);
      const padding = tf.scalar(1).sub(inputs.mask.reshape([B * T]));
      const within = w
        .div(own.add(padding))
        .mul(inputs.mask.reshape([B * T]))
        .reshape([B, T]) as tf.Tensor2D;
      return { levelWeights, within };
    });
    return {
      behaviourWeights: tensors.levelWeights[0],
      withinClusterWeights: tensors.within,
      clusterWeights: tensors.levelWeights[1],
      levelWeights: tensors.levelWeights,
      categoryLevel: levels[0],
      clusters: C,
      clusterOf,
      clusterIds: first.clusterIds,
      clusterMask: first.clusterMask,
    };
  }

  forward(inputs: ModelInputs, training: boolean): ModelOutput {
    return tf.tidy(() => {
      const history = inputs.history();
      const target = inputs.target();
      const { hierarchical, flat } = this.pooled(inputs, history, target, training);
      const extra = this.config.pooling === 'flat' ? [flat] : [...hierarchical, ...(this.config.remedy ? [flat] : [])];
      let auxLoss: tf.Scalar | undefined;
      if (this.evolution) {
        const evolved = this.evolution.apply(inputs, history, target, training);
        extra.push(evolved.interest);
        auxLoss = evolved.auxLoss;
      }
      const summed = poolSequence(history, inputs.mask, 'sum');
      const logit = this.head.apply(interestFeatures(inputs, target, summed, true, extra), training);
      return auxLoss ? { logit, auxLoss } : { logit };
    });
  }
}

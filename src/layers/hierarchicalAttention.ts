/**
 * DHAN's hierarchical attention (Xu et al., SIGIR'20, arXiv 2005.12981; docs/papers.md §5):
 *
 *   level 1: w_t = a(e_t, v_A)                  activation-unit weight of every behaviour [B, T]
 *   group behaviours by a level of the item hierarchy (e.g. category); for cluster l:
 *            c_l = sum_{k in l} w_k e_k / (sum_{k in l} w_k + eps)  (weight-normalised sum) [B, C, D]
 *   eps = CLUSTER_EPSILON = 1e-10, as the official code (`attention_item`, `weights_sum + eps`):
 *   a cluster whose weights all underflow to 0 gets the zero vector instead of 0/0 = NaN.
 *   level 2: w^c_l = a'(c_l, v_A); x = sum_l w^c_l c_l               [B, D]
 * With more levels (category -> parent category -> ...) the cluster vectors of one level are
 * grouped again by the next level and the recursion continues; the last level's clusters
 * are pooled by the last activation unit. Empty clusters (rows with fewer distinct ids than
 * the batch maximum C) are masked. Also returned: the flat item-level vector
 * sum_t w_t e_t (= DIN's pooled vector with the level-1 unit), for the "remedy"
 * concatenation [hierarchical, flat, target] of the paper.
 *
 * Grouping is computed in JS from the batch arrays (`buildClusterGroupings`): the clusters
 * of a row are the distinct ids present in it (in order of first appearance); every unit
 * gets a segment id b * C + c, and cluster sums are segment sums.
 *
 * The activation units themselves (DIN's local activation unit, src/layers) are passed in as
 * functions, so this file holds only the hierarchical recursion.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Attention weights of `keys` against `query`: query [B, Dq], keys [B, N, D], mask [B, N]
 * -> weights [B, N] (0 at masked keys; normalisation is the unit's business).
 */
export type AttentionWeightsFn = (query: tf.Tensor2D, keys: tf.Tensor3D, mask: tf.Tensor2D) => tf.Tensor2D;

/** One grouping step as plain arrays: units (behaviours or clusters) -> clusters. */
export interface ClusterGroupingArrays {
  /** N, number of units grouped (T for the first level). */
  units: number;
  /** C, maximum number of clusters in a row of the batch (at least 1). */
  clusters: number;
  /** [B * C] 1 = the cluster exists in this row. */
  clusterMask: Float32Array;
  /** [B * C] the grouping id of each cluster (0 for empty clusters). */
  clusterIds: Int32Array;
  /** [B * N] segment of every unit: b * C + c, or B * C (a dummy segment) for masked units. */
  segmentIds: Int32Array;
}

/**
 * Groups the behaviours of every row by successive levels of the hierarchy.
 * @param B batch size; @param T padded length
 * @param histMask [B*T] 1 = real behaviour
 * @param levelIds one [B*T] array per grouping level, finest first (e.g. batch.histCats[0],
 *   batch.histCats[1]): level k groups the clusters of level k-1 by the id their behaviours
 *   have at level k. Levels must be nested (all behaviours of a cluster share the next id);
 *   otherwise this throws.
 */
export function buildClusterGroupings(
  B: number,
  T: number,
  histMask: Float32Array,
  levelIds: Int32Array[],
): ClusterGroupingArrays[] {
  const where = 'buildClusterGroupings';
  if (histMask.length !== B * T)
    throw new Error(`${where}: histMask has ${histMask.length} entries, expected B*T = ${B * T}`);
  levelIds.forEach((ids, k) => {
    if (ids.length !== B * T)
      throw new Error(`${where}: level ${k} ids have ${ids.length} entries, expected B*T = ${B * T}`);
  });
  // members[b][u] = behaviour positions of unit u of row b at the current level
  let members: number[][][] = [];
  for (let b = 0; b < B; b++) {
    const row: number[][] = [];
    for (let t = 0; t < T; t++) if (histMask[b * T + t] > 0) row.push([t]);
    members.push(row);
  }
  let N = T;
  // unit index of behaviour t at the first level is t itself (padded behaviours have no unit)
  let unitIndexOf: (b: number, u: number) => number = (b, u) => members[b][u][0];
  const out: ClusterGroupingArrays[] = [];
  levelIds.forEach((ids, k) => {
    const clustersPerRow: number[][][] = [];
    const idsPerRow: number[][] = [];
    const assignPairs: [number, number][][] = [];
    for (let b = 0; b < B; b++) {
      const byId = new Map<number, number>();
      const clusters: number[][] = [];
      const clusterIds: number[] = [];
      const pairs: [number, number][] = [];
      members[b].forEach((positions, u) => {
        const id = ids[b * T + positions[0]];
        for (const p of positions) {
          if (ids[b * T + p] !== id)
            throw new Error(
              `${where}: level ${k} is not nested in level ${k - 1}: row ${b} has behaviours ` +
                `${positions[0]} and ${p} in one cluster but ids ${id} and ${ids[b * T + p]}`,
            );
        }
        let c = byId.get(id);
        if (c === undefined) {
          c = clusters.length;
          byId.set(id, c);
          clusters.push([]);
          clusterIds.push(id);
        }
        clusters[c].push(...positions);
        pairs.push([unitIndexOf(b, u), c]);
      });
      clustersPerRow.push(clusters);
      idsPerRow.push(clusterIds);
      assignPairs.push(pairs);
    }
    const C = Math.max(1, ...clustersPerRow.map((c) => c.length));
    const clusterMask = new Float32Array(B * C);
    const clusterIds = new Int32Array(B * C);
    const segmentIds = new Int32Array(B * N).fill(B * C);
    for (let b = 0; b < B; b++) {
      for (const [u, c] of assignPairs[b]) {
        segmentIds[b * N + u] = b * C + c;
      }
      idsPerRow[b].forEach((id, c) => {
        clusterMask[b * C + c] = 1;
        clusterIds[b * C + c] = id;
      });
    }
    out.push({ units: N, clusters: C, clusterMask, clusterIds, segmentIds });
    members = clustersPerRow;
    N = C;
    unitIndexOf = (_b, u) => u;
  });
  return out;
}

/**
 * Added to every cluster's weight sum (official code: 1e-10); negligible against any weight sum that has not
 * underflowed.
 */
export const CLUSTER_EPSILON = 1e-10;

/** Tensors of one grouping step (see ClusterGroupingArrays). */
export interface ClusterGrouping {
  /** [B * N] int32 segment ids (see ClusterGroupingArrays.segmentIds). */
  segmentIds: tf.Tensor1D;
  /** C */
  clusters: number;
  /** [B, C] */
  clusterMask: tf.Tensor2D;
}

/** Makes tensors of grouping arrays (caller disposes, or call inside a tidy). */
export function clusterGroupingTensors(B: number, groupings: ClusterGroupingArrays[]): ClusterGrouping[] {
  return groupings.map((g) => ({
    segmentIds: tf.tensor1d(g.segmentIds, 'int32'),
    clusters: g.clusters,
    clusterMask: tf.tensor2d(g.clusterMask, [B, g.clusters]),
  }));
}

export interface HierarchicalPoolingOutput {
  /** [B, D] the top-level pooled vector x. */
  hierarchical: tf.Tensor2D;
  /** [B, D] sum_t w_t e_t with the level-1 weights (DIN's pooled vector). */
  flat: tf.Tensor2D;
  /** Weights of every attention level: [B, T], then [B, C_1], ... */
  levelWeights: tf.Tensor2D[];
}

/**
 * Cluster vectors c = (sum_{n in c} w_n e_n) / (sum_{n in c} w_n + CLUSTER_EPSILON) of one level, as two
 * segment sums over the B*N units (O(B*N*D), no [B, C, N] product; masked units go to a
 * dummy segment that is dropped).
 * @param units [B, N, D]; @param weights [B, N]
 * @returns [B, C, D]; empty clusters are zero vectors.
 */
export function clusterVectors(units: tf.Tensor3D, weights: tf.Tensor2D, grouping: ClusterGrouping): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, N, D] = units.shape;
    const C = grouping.clusters;
    const w = weights.reshape([B * N, 1]);
    const segments = B * C + 1;
    const weightedSum = tf
      .unsortedSegmentSum(units.reshape([B * N, D]).mul(w), grouping.segmentIds, segments)
      .slice([0, 0], [B * C, D])
      .reshape([B, C, D]);
    const weightSum = tf
      .unsortedSegmentSum(w, grouping.segmentIds, segments)
      .slice([0, 0], [B * C, 1])
      .reshape([B, C, 1]);
    // Empty clusters: numerator 0; make the denominator 1 there. Underflowed clusters: eps.
    const empty = tf.scalar(1).sub(grouping.clusterMask).reshape([B, C, 1]);
    return weightedSum.div(weightSum.add(empty).add(CLUSTER_EPSILON)) as tf.Tensor3D;
  });
}

/** sum_n w_n x_n: x [B, N, D], w [B, N] -> [B, D]. */
function weightedPool(x: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor2D {
  const [B, N] = w.shape;
  return x.mul(w.reshape([B, N, 1])).sum(1) as tf.Tensor2D;
}

/**
 * The hierarchical recursion.
 * @param target [B, Dq] query (the target item's embedding)
 * @param behaviours [B, T, D]
 * @param mask [B, T]
 * @param groupings one per grouping level (finest first), from buildClusterGroupings
 * @param units groupings.length + 1 attention functions: behaviours, then each cluster level
 */
export function hierarchicalPooling(
  target: tf.Tensor2D,
  behaviours: tf.Tensor3D,
  mask: tf.Tensor2D,
  groupings: ClusterGrouping[],
  units: AttentionWeightsFn[],
): HierarchicalPoolingOutput {
  if (units.length !== groupings.length + 1) {
    throw new Error(
      `hierarchicalPooling: needs ${groupings.length + 1} attention units (one per level), got ${units.length}`,
    );
  }
  const [B, T] = behaviours.shape;
  if (groupings.length > 0 && groupings[0].segmentIds.shape[0] !== B * T) {
    throw new Error(
      `hierarchicalPooling: first grouping must have B*T = ${B * T} segment ids, got ` +
        `${groupings[0].segmentIds.shape[0]}`,
    );
  }
  return tf.tidy(() => {
    const levelWeights: tf.Tensor2D[] = [];
    let current = behaviours;
    let currentMask = mask;
    let flat: tf.Tensor2D | undefined;
    for (let level = 0; level <= groupings.length; level++) {
      const w = units[level](target, current, currentMask);
      levelWeights.push(w);
      if (level === 0) flat = weightedPool(behaviours, w);
      if (level === groupings.length) {
        const hierarchical = weightedPool(current, w);
        return { hierarchical, flat: flat as tf.Tensor2D, levelWeights };
      }
      current = clusterVectors(current, w, groupings[level]);
      currentMask = groupings[level].clusterMask;
    }
    throw new Error('unreachable');
  });
}

/**
 * The attention a trained model gives one user's history, for the papers' illustrations
 * (DIN: the weights of one user's behaviours for two candidate items; DMIN: per interest head).
 *
 * Run records keep metrics, not weights, so `trainVariantModel` retrains one variant of an
 * experiment (same resolved config and seed as its recorded run, hence the same model).
 * Supported models: those exposing `interest(inputs, training) -> { weights [B, T] }` (DIN),
 * `interests(inputs) -> { weights [H_E, B, T] }` (DMIN), `evolutionAttention(inputs) -> [B, T]`
 * (DIEN: the evolution attention a_t over the history, oldest step first, i.e. over time) and
 * `attentionTree(inputs)` (DHAN: level-1 weights within each category cluster, level-2 weights
 * of the clusters).
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batch';
import type { Dataset } from '../data/types';
import { datasetForRun } from '../experiments/executeRun';
import { trainRun } from '../experiments/runModel';
import { variantRunConfig } from '../experiments/spec';
import type { CtrModel, ModelInputs } from '../models/model';
import type { DhanAttentionTree } from '../models/dhan';
import type { AttentionCluster } from './figures';
import type { ExperimentReport } from './paperExperiment';

/**
 * Trains `variant` of the experiment with `seed` (default: the first seed) and returns the model (caller disposes) and
 * its dataset.
 */
export async function trainVariantModel(
  report: ExperimentReport,
  variantName: string,
  seed?: number,
): Promise<{ model: CtrModel; dataset: Dataset }> {
  const variant = report.spec.variants.find((v) => v.name === variantName);
  if (!variant) {
    throw new Error(
      `trainVariantModel: experiment ${report.spec.paper}/${report.spec.name} has no ` +
        `variant "${variantName}"; variants: ` +
        `${report.spec.variants.map((v) => v.name).join(', ')}`,
    );
  }
  const config = variantRunConfig(report.spec, variant, seed ?? report.spec.seeds[0]);
  const dataset = await datasetForRun(config);
  const { model } = await trainRun(config, dataset);
  return { model, dataset };
}

export interface UserAttention {
  user: number;
  /** Labels of the user's behaviours, oldest first ("item (category)"). */
  behaviours: string[];
  /** Labels of the candidate items. */
  candidates: string[];
  /**
   * [candidate][behaviour] attention weights: DIN's activation weights, or DIEN's evolution
   * attention a_t (one weight per step of the history, oldest first).
   */
  weights?: number[][];
  /** What `weights` are: 'activation' (DIN-style pooling) or 'evolution' (DIEN's a_t over time). */
  weightsKind?: 'activation' | 'evolution';
  /**
   * [candidate] DHAN's attention tree: clusters (categories) with their level-2 weights, each with its behaviours'
   * level-1 weights within the cluster.
   */
  trees?: AttentionCluster[][];
  /** [head][behaviour] weights of the first candidate (multi-interest models). */
  headWeights?: number[][];
}

function rowOf(array: Int32Array | Float32Array, row: number, width: number): number[] {
  return Array.from(array.subarray(row * width, (row + 1) * width));
}

/**
 * Two-row batch: row `row` of `source` twice, the second with `otherItem` as the target.
 * Arrays are copied; every per-level category follows the item.
 */
function twoCandidateBatch(dataset: Dataset, source: Batch, row: number, otherItem: number): Batch {
  const T = source.maxLen;
  const twice = <A extends Int32Array | Float32Array>(array: A, width: number, make: (n: number) => A): A => {
    const out = make(2 * width);
    out.set(array.subarray(row * width, (row + 1) * width), 0);
    out.set(array.subarray(row * width, (row + 1) * width), width);
    return out;
  };
  const ints = (n: number) => new Int32Array(n);
  const floats = (n: number) => new Float32Array(n);
  const targets = Int32Array.from([source.targetItems[row], otherItem]);
  return {
    size: 2,
    maxLen: T,
    levels: source.levels,
    users: twice(source.users, 1, ints),
    targetItems: targets,
    targetCats: dataset.itemCats
      .slice(0, source.levels)
      .map((cats) => Int32Array.from([cats[targets[0]], cats[targets[1]]])),
    histItems: twice(source.histItems, T, ints),
    histCats: source.histCats.map((c) => twice(c, T, ints)),
    histMask: twice(source.histMask, T, floats),
    histLen: twice(source.histLen, 1, ints),
    labels: Float32Array.from([1, 0]),
    negHistItems: source.negHistItems ? twice(source.negHistItems, T, ints) : undefined,
    negHistCats: source.negHistCats ? source.negHistCats.map((c) => twice(c, T, ints)) : undefined,
  };
}

/**
 * Row `row` of a DHAN attention tree as clusters (in order of first appearance in the
 * history), each with its level-2 weight and its behaviours' level-1 weights within the cluster.
 */
function treeClusters(
  dataset: Dataset,
  tree: DhanAttentionTree,
  row: number,
  batch: Batch,
  len: number,
): AttentionCluster[] {
  const T = batch.maxLen;
  const C = tree.clusters;
  const within = tree.withinClusterWeights.arraySync()[row];
  const clusterWeights = tree.clusterWeights.arraySync()[row];
  const names = dataset.vocab.cats[tree.categoryLevel];
  const clusters: AttentionCluster[] = [];
  for (let c = 0; c < C; c++) {
    if (tree.clusterMask[row * C + c] === 0) continue;
    const id = tree.clusterIds[row * C + c];
    const items: AttentionCluster['items'] = [];
    for (let t = 0; t < len; t++) {
      if (tree.clusterOf[row * T + t] !== c) continue;
      const item = batch.histItems[row * T + t];
      items.push({ label: `${t + 1}. ${dataset.vocab.items[item] ?? item}`, weight: within[t] });
    }
    clusters.push({
      label: names?.[id] !== undefined ? String(names[id]) : `category ${id}`,
      weight: clusterWeights[c],
      items,
    });
  }
  return clusters;
}

/**
 * The attention of `model` over the history of one test user (the one with the longest
 * history among the first test rows, unless `row` is given) for two candidates: the user's
 * real next item and an item of another category.
 */
export function userAttention(model: CtrModel, dataset: Dataset, options: { row?: number } = {}): UserAttention {
  const first = dataset.batches('test', 256, { shuffle: false }).next();
  if (first.done) throw new Error(`userAttention: dataset ${dataset.name} has no test rows`);
  const batch = first.value;
  let row = options.row ?? 0;
  if (options.row === undefined)
    for (let b = 0; b < batch.size; b++) if (batch.histLen[b] > batch.histLen[row]) row = b;
  const cats0 = dataset.itemCats[0];
  const target = batch.targetItems[row];
  let other = -1;
  for (let b = 0; b < batch.size && other < 0; b++)
    if (cats0[batch.targetItems[b]] !== cats0[target]) other = batch.targetItems[b];
  if (other < 0) other = target === 1 ? 2 : 1;
  const probe = twoCandidateBatch(dataset, batch, row, other);
  const len = batch.histLen[row];
  const label = (item: number): string =>
    `${dataset.vocab.items[item] ?? item} (${dataset.vocab.cats[0][cats0[item]] ?? cats0[item]})`;
  const result: UserAttention = {
    user: batch.users[row],
    behaviours: rowOf(batch.histItems, row, batch.maxLen).slice(0, len).map(label),
    candidates: [label(target), label(other)],
  };
  const inputs: ModelInputs = model.prepare(probe);
  try {
    const withInterest = model as unknown as {
      interest?: (i: ModelInputs, training: boolean) => { weights: tf.Tensor2D };
    };
    const withInterests = model as unknown as { interests?: (i: ModelInputs) => { weights: tf.Tensor3D } };
    const withEvolution = model as unknown as { evolutionAttention?: (i: ModelInputs) => tf.Tensor2D };
    const withTree = model as unknown as { attentionTree?: (i: ModelInputs) => DhanAttentionTree };
    if (typeof withInterest.interest === 'function') {
      const weights = tf.tidy(() => withInterest.interest!(inputs, false).weights.arraySync() as number[][]);
      result.weights = weights.map((w) => w.slice(0, len));
      result.weightsKind = 'activation';
    } else if (typeof withInterests.interests === 'function') {
      // DMIN's extractor returns [H_E, B, T]: row 0 of every head is the first candidate.
      const heads = tf.tidy(() => withInterests.interests!(inputs).weights.arraySync() as number[][][]);
      result.headWeights = heads.map((head) => head[0].slice(0, len));
    } else if (typeof withEvolution.evolutionAttention === 'function') {
      const weights = tf.tidy(() => withEvolution.evolutionAttention!(inputs).arraySync() as number[][]);
      result.weights = weights.map((w) => w.slice(0, len));
      result.weightsKind = 'evolution';
    } else if (typeof withTree.attentionTree === 'function') {
      const tree = withTree.attentionTree(inputs);
      try {
        result.trees = [0, 1].map((candidate) => treeClusters(dataset, tree, candidate, probe, len));
      } finally {
        tf.dispose([...tree.levelWeights, tree.withinClusterWeights]);
      }
    } else {
      throw new Error(
        `userAttention: model "${model.name}" exposes no attention weights (expected ` +
          `interest() like DIN, interests() like DMIN, evolutionAttention() like DIEN or ` +
          `attentionTree() like DHAN)`,
      );
    }
  } finally {
    inputs.dispose();
  }
  return result;
}

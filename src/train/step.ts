/**
 * One training step and batch scoring for any CtrModel.
 *
 * A step: build the batch's embedding leaves (`model.prepare`), run the forward pass in a
 * gradient scope, differentiate the loss w.r.t. the dense variables AND the embedding leaves
 * in one backward pass, add the regularisation gradients, clip by global norm, then update
 * the dense variables and ONLY the embedding rows the batch touched.
 *
 * Loss: `targetLoss` = mean binary cross-entropy of the logits against the labels;
 * `auxLoss` = the model's (already weighted) auxiliary loss, 0 if none; `loss` = sum of both.
 * Regularisation terms are applied to the gradients and not included in the reported losses.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batch';
import type { CtrModel } from '../models/model';
import type { SparseRowGradient } from '../layers/embedding';
import { globalNormClipFactor, ParameterOptimizer } from './optimizers';

/** Occurrences of every id in the whole training data (n_j of DIN's MBA regularizer). */
export interface FeatureCounts {
  /** [V_items] */
  items: ArrayLike<number>;
  /** One [V_cats(l)] per embedded level. */
  cats?: ArrayLike<number>[];
  /** [V_users] */
  users?: ArrayLike<number>;
}

/** Regularisation of embedding rows (only rows present in the batch, as in DIN §5.1). */
export type EmbeddingRegularization =
  /** Plain L2 on the rows of the batch: g_j += lambda * w_j. */
  | { kind: 'l2'; lambda: number }
  /**
   * DIN's mini-batch aware regularizer: g_j += lambda * w_j / n_j for rows j in the batch,
   * n_j = occurrences of j in the training data (ids never seen count as 1). DIN: lambda 0.01.
   */
  | { kind: 'mba'; lambda: number; counts: FeatureCounts };

export interface TrainStepOptions {
  /** L2 penalty on every dense trainable variable: g += l2 * w. Default 0. */
  l2?: number;
  /** Regularisation of the embedding rows in the batch. Default none. */
  embeddingRegularization?: EmbeddingRegularization;
  /** Clip all gradients together to this global L2 norm (DIN code: 5). Default: no clipping. */
  clipNorm?: number;
}

export interface StepResult {
  /** targetLoss + auxLoss. */
  loss: number;
  /** Mean binary cross-entropy of the click prediction. */
  targetLoss: number;
  /** Weighted auxiliary loss (0 when the model has none). */
  auxLoss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/**
 * Mean binary cross-entropy with logits, stable form: max(x,0) - x*y + log(1 + exp(-|x|)). logit, labels [B] -> scalar.
 */
export function sigmoidCrossEntropy(logit: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const x = logit;
    return tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, labels)), tf.softplus(tf.neg(tf.abs(x))))) as tf.Scalar;
  });
}

function countsFor(counts: FeatureCounts, tableName: string): ArrayLike<number> | undefined {
  if (tableName === 'embedding.items') return counts.items;
  if (tableName === 'embedding.users') return counts.users;
  const m = /^embedding\.cats(\d+)$/.exec(tableName);
  if (m) return counts.cats?.[Number(m[1])];
  return undefined;
}

function addEmbeddingRegularization(sparse: SparseRowGradient[], reg: EmbeddingRegularization): void {
  if (!(reg.lambda >= 0)) throw new Error(`trainStep: embeddingRegularization.lambda must be >= 0, got ${reg.lambda}`);
  for (const s of sparse) {
    const D = s.table.dim;
    const values = s.table.values;
    const counts = reg.kind === 'mba' ? countsFor(reg.counts, s.table.name) : undefined;
    if (reg.kind === 'mba' && !counts)
      throw new Error(`trainStep: MBA regularization needs counts for ${s.table.name}`);
    for (let n = 0; n < s.ids.length; n++) {
      const id = s.ids[n];
      let scale = reg.lambda;
      if (counts) {
        const c = counts[id];
        scale /= c !== undefined && c > 0 ? c : 1;
      }
      const base = id * D;
      for (let d = 0; d < D; d++) s.grads[n * D + d] += scale * values[base + d];
    }
  }
}

/**
 * One optimisation step of `model` on `batch`. Calls `optimizer.nextStep()` first.
 * Leaves no tensor behind. Throws if the loss is not finite (names the values).
 */
export function trainStep(
  model: CtrModel,
  batch: Batch,
  optimizer: ParameterOptimizer,
  options: TrainStepOptions = {},
): StepResult {
  const inputs = model.prepare(batch);
  const dense = model.trainableVariables();
  const leaves = inputs.leaves();
  const labels = tf.tensor1d(batch.labels, 'float32');
  let targetT: tf.Scalar | undefined;
  let auxT: tf.Scalar | undefined;
  let denseGrads: Float32Array[];
  let leafGrads: Float32Array[];
  let targetLoss: number;
  let auxLoss: number;
  try {
    const xs: tf.Tensor[] = [...dense.map((d) => d.variable), ...leaves];
    const { value, grads } = tf.engine().gradients(
      () => {
        const out = model.forward(inputs, true);
        targetT = tf.keep(sigmoidCrossEntropy(out.logit, labels));
        if (out.auxLoss) {
          auxT = tf.keep(out.auxLoss);
          return tf.add(targetT, out.auxLoss) as tf.Scalar;
        }
        return targetT;
      },
      xs,
      undefined,
      true,
    );
    if (value !== targetT) value.dispose(); // without an auxiliary loss the value IS targetT
    const arrays = grads.map((g, i) => {
      if (!g) return new Float32Array(xs[i].size);
      const a = g.dataSync() as Float32Array;
      return a instanceof Float32Array ? Float32Array.from(a) : new Float32Array(a);
    });
    for (const g of grads) g?.dispose();
    denseGrads = arrays.slice(0, dense.length);
    leafGrads = arrays.slice(dense.length);
    targetLoss = (targetT as tf.Scalar).dataSync()[0];
    auxLoss = auxT ? auxT.dataSync()[0] : 0;
  } finally {
    targetT?.dispose();
    auxT?.dispose();
    labels.dispose();
  }
  try {
    if (!Number.isFinite(targetLoss) || !Number.isFinite(auxLoss)) {
      throw new Error(
        `trainStep: non-finite loss (targetLoss ${targetLoss}, auxLoss ${auxLoss}) at ` +
          `step ${optimizer.step + 1}; lower the learning rate or enable clipNorm`,
      );
    }
    optimizer.nextStep();
    const sparse = inputs.sparseGradients(leafGrads);
    const denseValues = dense.map((d) => Float32Array.from(d.variable.dataSync() as Float32Array));
    const l2 = options.l2 ?? 0;
    if (l2 > 0)
      denseGrads.forEach((g, i) => {
        const w = denseValues[i];
        for (let j = 0; j < g.length; j++) g[j] += l2 * w[j];
      });
    if (options.embeddingRegularization) addEmbeddingRegularization(sparse, options.embeddingRegularization);
    let gradNorm: number;
    const all = [...denseGrads, ...sparse.map((s) => s.grads)];
    if (options.clipNorm !== undefined) {
      const { norm, factor } = globalNormClipFactor(all, options.clipNorm);
      gradNorm = norm;
      if (factor < 1) for (const g of all) for (let j = 0; j < g.length; j++) g[j] *= factor;
    } else {
      let sq = 0;
      for (const g of all) for (let j = 0; j < g.length; j++) sq += g[j] * g[j];
      gradNorm = Math.sqrt(sq);
    }
    dense.forEach((d, i) => {
      optimizer.applyDense(d.name, denseValues[i], denseGrads[i]);
      tf.tidy(() => d.variable.assign(tf.tensor(denseValues[i], d.variable.shape, 'float32')));
    });
    for (const s of sparse) optimizer.applySparse(s.table.name, s.table.values, s.table.dim, s.ids, s.grads);
    return { loss: targetLoss + auxLoss, targetLoss, auxLoss, gradNorm };
  } finally {
    inputs.dispose();
  }
}

/** Click probabilities [B] for `batch` (inference mode: no dropout, moving averages). */
export function predict(model: CtrModel, batch: Batch): Float32Array {
  const inputs = model.prepare(batch);
  try {
    const p = tf.tidy(() => tf.sigmoid(model.forward(inputs, false).logit));
    const out = Float32Array.from(p.dataSync() as Float32Array);
    p.dispose();
    return out;
  } finally {
    inputs.dispose();
  }
}

/** Mean target loss (binary cross-entropy) of `model` on `batch` in inference mode. */
export function evaluateLoss(model: CtrModel, batch: Batch): number {
  const inputs = model.prepare(batch);
  try {
    return tf.tidy(() => {
      const labels = tf.tensor1d(batch.labels, 'float32');
      return sigmoidCrossEntropy(model.forward(inputs, false).logit, labels).dataSync()[0];
    });
  } finally {
    inputs.dispose();
  }
}

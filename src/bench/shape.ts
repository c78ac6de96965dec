/**
 * The fixed benchmark shape and the model configs the bench runs.
 *
 * Batch 128; history 50 (post-padded, real lengths uniform in 5..50); 60,000 items (ids 1..59,999,
 * 0 = padding), 800 categories, grouped into 40 parents for DHAN's second level; item and
 * category embeddings 18 each; Adam 1e-3.
 */
import type { OptimizerSpec } from '../train/optimizers';

export interface BenchShape {
  batchSize: number;
  /** T, the padded history length. */
  maxLen: number;
  /** Shortest real history; lengths are uniform in minLen..maxLen. */
  minLen: number;
  /** Item vocabulary including padding id 0. */
  items: number;
  /** Category vocabulary including padding id 0. */
  cats: number;
  /** Parent categories (DHAN's level 1), excluding padding id 0. */
  parentCats: number;
  itemDim: number;
  catDim: number;
}

export const BENCH_SHAPE: Readonly<BenchShape> = Object.freeze({
  batchSize: 128,
  maxLen: 50,
  minLen: 5,
  items: 60000,
  cats: 800,
  parentCats: 40,
  itemDim: 18,
  catDim: 18,
});

export const BENCH_OPTIMIZER: Readonly<OptimizerSpec> = Object.freeze({ kind: 'adam', learningRate: 1e-3 });

export type BenchModelName = 'din' | 'dien' | 'dmin' | 'dhan';
export const BENCH_MODELS: readonly BenchModelName[] = ['din', 'dien', 'dmin', 'dhan'];

/**
 * PyTorch reference model for each bench model: DIN and DIEN by the shared ref_din.py, DMIN and
 * DHAN by bench/pytorch/ref_dmin_dhan.py (src/bench/pytorch.ts).
 */
export const PYTORCH_REFERENCE_MODEL: Readonly<Record<BenchModelName, 'DIN' | 'DIEN' | 'DMIN' | 'DHAN'>> =
  Object.freeze({
    din: 'DIN',
    dien: 'DIEN',
    dmin: 'DMIN',
    dhan: 'DHAN',
  });

/**
 * Config overrides per model, chosen to compute what the PyTorch reference computes
 * (`../shared/bench/pytorch-reference/ref_din.py`), so that the ratios compare equal work:
 * - DIN: attention MLP 80-40 sigmoid, no softmax; top MLP 200-80 ReLU on [target, pooled]
 *   (no product feature, no batch norm, no Dice).
 * - DIEN: GRU 36 + AUGRU; the DIN-style 80-40 sigmoid attention unit with a masked softmax;
 *   auxiliary loss with the official 100-50-1 scorer and one negative per step; top MLP 200-80 ReLU.
 * - DMIN (4 interest heads, 4 refiner heads) and DHAN (one 2-level hierarchy: category, parent)
 *   use their defaults plus the same top MLP.
 * The resolved config of every model is saved in the bench record.
 */
export function benchModelOverrides(name: BenchModelName, shape: Readonly<BenchShape> = BENCH_SHAPE): object {
  const embedding = { itemDim: shape.itemDim, catDim: shape.catDim };
  const mlp = { hidden: [200, 80], activation: 'relu', batchNorm: 'none', dropout: 0 };
  switch (name) {
    case 'din':
      return {
        embedding,
        attention: { hidden: [80, 40], activation: 'sigmoid', normalize: 'none' },
        productFeature: false,
        mlp,
      };
    case 'dien':
      return {
        embedding,
        mlp,
        hiddenSize: 36,
        evolution: 'AUGRU',
        auxWeight: 1,
        evolutionAttention: 'activationUnit',
        // The attention unit's own defaults are the 80-40 sigmoid MLP.
        attentionUnit: { normalize: 'softmax' },
        auxScorer: 'mlp',
        // The reference averages the auxiliary loss over the valid (row, step) pairs.
        auxReduction: 'perStep',
      };
    case 'dmin':
      return { embedding, mlp, interestHeads: 4, refinerHeads: 4 };
    case 'dhan':
      // One hierarchy over batch category levels 0 (800 categories) and 1 (40 parents).
      return { embedding, mlp, dimensions: [[0, 1]] };
  }
}

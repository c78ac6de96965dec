/**
 * The one interface every CTR model of the kit implements, and the base class that gives
 * each model its parameter store, embedding tables, checkpoints and disposal.
 *
 * A model is a short composition of layers (src/layers). It owns no training loop: the
 * trainer (src/train/step.ts) calls `prepare(batch)` to get the batch's embedding leaves,
 * then `forward(inputs, training)` inside a gradient scope, then applies the updates.
 *
 *   const model = createModel('din', { activation: 'dice' }, sizes, seed);   // src/models/index.ts
 *   const inputs = model.prepare(batch);
 *   const { logit } = model.forward(inputs, false);   // logit [B]
 *   inputs.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, FeatureSizes } from '../data/batch';
import { BatchEmbeddings, EmbeddingConfig, EMBEDDING_DEFAULTS, FeatureEmbeddings } from '../layers/embedding';
import { NamedWeight, ParameterStore } from '../layers/params';

/** Model names, in configs and on the command line. */
export type ModelName = 'lr' | 'base' | 'wdl' | 'pnn' | 'deepfm' | 'din' | 'dien' | 'dmin' | 'dhan';
export const MODEL_NAMES: readonly ModelName[] = ['lr', 'base', 'wdl', 'pnn', 'deepfm', 'din', 'dien', 'dmin', 'dhan'];

/** What the model sees of one batch: the raw batch plus its embedding leaves and masks. */
export type ModelInputs = BatchEmbeddings;

/** Output of one forward pass. */
export interface ModelOutput {
  /** [B] click logit (probability = sigmoid(logit)). */
  logit: tf.Tensor1D;
  /**
   * Scalar auxiliary loss ALREADY multiplied by the model's `auxWeight` (DIEN's alpha), so the
   * training loss is `targetLoss + auxLoss`. Absent for models without one.
   */
  auxLoss?: tf.Scalar;
}

/** A checkpoint: every parameter by name (dense variables, state, embedding tables). */
export interface ModelWeights {
  model: ModelName;
  weights: NamedWeight[];
}

/** Fields every model config has (each model adds its own; all are plain data). */
export interface CommonModelConfig {
  /** Embedding sizes (see EMBEDDING_DEFAULTS: item 18 + category 18, no user). */
  embedding: EmbeddingConfig;
}

export interface CtrModel<C extends CommonModelConfig = CommonModelConfig> {
  readonly name: ModelName;
  /** The resolved config (defaults + overrides); save it with every result. */
  readonly config: Readonly<C>;
  /** Vocabulary sizes the embedding tables were built for. */
  readonly sizes: FeatureSizes;
  /**
   * Weight alpha of the auxiliary loss in the training loss; 0 when the model has none or it
   * is off. When > 0, training batches must carry the auxiliary negatives (`negHistory`).
   */
  readonly auxWeight: number;
  readonly embeddings: FeatureEmbeddings;
  readonly params: ParameterStore;
  /** Builds the per-batch embedding leaves, index tensors and mask; caller disposes. */
  prepare(batch: Batch): ModelInputs;
  /**
   * One forward pass. `training` switches dropout on and batch statistics (Dice, batch
   * norm) instead of moving averages; in training it also updates the moving averages.
   * Returned tensors belong to the caller.
   */
  forward(inputs: ModelInputs, training: boolean): ModelOutput;
  /** Trainable dense variables with checkpoint names (embedding tables excluded). */
  trainableVariables(): { name: string; variable: tf.Variable }[];
  /** Copies every parameter (including moving averages and embedding tables). */
  getWeights(): ModelWeights;
  /** Loads a checkpoint made by getWeights of a model with the same name and config shapes. */
  setWeights(weights: ModelWeights): void;
  /** Frees every variable. */
  dispose(): void;
}

/** Shared plumbing: a store, the embedding tables, checkpoints. Subclasses implement forward. */
export abstract class CtrModelBase<C extends CommonModelConfig> implements CtrModel<C> {
  readonly config: Readonly<C>;
  readonly embeddings: FeatureEmbeddings;
  readonly params: ParameterStore;

  constructor(
    readonly name: ModelName,
    config: C,
    readonly sizes: FeatureSizes,
    readonly seed: number,
  ) {
    this.config = Object.freeze(config);
    this.params = new ParameterStore(seed, config.embedding.glorot);
    this.embeddings = new FeatureEmbeddings(sizes, config.embedding, seed);
  }

  /** No auxiliary loss unless a model overrides this. */
  get auxWeight(): number {
    return 0;
  }

  prepare(batch: Batch): ModelInputs {
    return this.embeddings.lookup(batch);
  }

  abstract forward(inputs: ModelInputs, training: boolean): ModelOutput;

  trainableVariables(): { name: string; variable: tf.Variable }[] {
    return this.params.trainable();
  }

  getWeights(): ModelWeights {
    return { model: this.name, weights: [...this.params.getWeights(), ...this.embeddings.getWeights()] };
  }

  setWeights(weights: ModelWeights): void {
    if (weights.model !== this.name)
      throw new Error(`CtrModel.setWeights: checkpoint is for model "${weights.model}", this is "${this.name}"`);
    const tableNames = new Set(this.embeddings.tables().map((t) => t.name));
    const dense = weights.weights.filter((w) => !tableNames.has(w.name));
    const tables = weights.weights.filter((w) => tableNames.has(w.name));
    this.params.setWeights(dense);
    this.embeddings.setWeights(tables);
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Overrides of a config: every field optional, nested plain objects partial too. */
export type ConfigOverrides<C> = {
  [K in keyof C]?: C[K] extends readonly unknown[] ? C[K] : C[K] extends object ? Partial<C[K]> : C[K];
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/**
 * defaults + overrides, merged recursively for plain objects (arrays and values replace).
 * Unknown keys are an error (a typo in an experiment spec must not pass silently).
 */
export function resolveConfig<C extends object>(defaults: C, overrides: unknown, where: string): C {
  if (overrides === undefined || overrides === null) return structuredClone(defaults);
  if (!isPlainObject(overrides))
    throw new Error(`${where}: config overrides must be a plain object, got ${JSON.stringify(overrides)}`);
  const out: Record<string, unknown> = structuredClone(defaults) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    // own properties only: `in` would accept inherited names such as constructor or toString
    if (!Object.prototype.hasOwnProperty.call(out, key))
      throw new Error(`${where}: unknown config field "${key}"; known: ${Object.keys(out).join(', ')}`);
    const base = out[key];
    out[key] =
      isPlainObject(base) && isPlainObject(value)
        ? resolveConfig(base, value, `${where}.${key}`)
        : structuredClone(value);
  }
  return out as C;
}

export { EMBEDDING_DEFAULTS };

/** EMBEDDING_DEFAULTS merged with `overrides` (kept for models that build their config by hand). */
export function resolveEmbeddingConfig(overrides?: Partial<EmbeddingConfig>): EmbeddingConfig {
  return { ...EMBEDDING_DEFAULTS, ...(overrides ?? {}) };
}

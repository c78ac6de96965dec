/**
 * Run presets: a named protocol that fixes the training settings, the data options and each
 * model's options together (a train preset of src/train/trainConfig.ts fixes the optimizer only).
 *
 * 'fuxictr' is the protocol of the independent FuxiCTR 2.3.10 runs the kit is compared with
 * (shared/reference/peer.md): embeddings 18 + 18 drawn from N(0, 1e-4), Xavier-normal kernels
 * with zero bias, dense Adam 1e-3, batch 128, global-norm clip 10, exactly 2 epochs, the latest
 * 50 behaviours, no validation split and no model selection (the last epoch's test metrics),
 * MLP 200-80 ReLU without batch norm or dropout, no product term, no user feature, attention
 * MLP 80-40 sigmoid. Every field the protocol relies on is written out, so the preset keeps its
 * meaning when a model's defaults change.
 *
 * Porting note: FuxiCTR initialises only nn.Linear with Xavier-normal; its GRU keeps PyTorch's
 * uniform(±1/sqrt(H)). Here `glorot: 'normal'` covers every Glorot kernel, recurrent ones too.
 */
import { mergeDeep, RunConfigInput, RunDataOptions } from './runConfig';
import type { TrainConfig } from '../train/trainConfig';

export interface RunPreset {
  /** Every train field (applied before the flags' overrides). */
  train: TrainConfig;
  data: RunDataOptions;
  /** Options of each model the preset covers. */
  models: Record<string, Record<string, unknown>>;
}

const FUXICTR_EMBEDDING = { itemDim: 18, catDim: 18, catLevels: 1, userDim: 0, initStd: 1e-4, glorot: 'normal' };
const FUXICTR_MLP = { hidden: [200, 80], activation: 'relu', dropout: 0, batchNorm: 'none' };
const FUXICTR_ATTENTION = { hidden: [80, 40], activation: 'sigmoid', scale: 1 };

export const RUN_PRESETS: Readonly<Record<string, RunPreset>> = Object.freeze({
  fuxictr: {
    train: {
      optimizer: 'adam',
      learningRate: 1e-3,
      embeddingAdam: 'dense',
      schedule: { kind: 'constant' },
      batchSize: 128,
      evalBatchSize: 512,
      epochs: 2,
      clipNorm: 10,
      dropout: 0,
      l2: 0,
      mba: 0,
      auxWeight: 0,
      selectOn: 'last',
      selectMetric: 'auc',
      maxStepsPerEpoch: 0,
      maxEvalRows: 0,
      bootstrapResamples: 0,
    },
    data: { maxLen: 50, validFraction: 0 },
    models: {
      base: { embedding: FUXICTR_EMBEDDING, pooling: 'sum', productFeature: false, mlp: FUXICTR_MLP },
      din: {
        embedding: FUXICTR_EMBEDDING,
        attention: { ...FUXICTR_ATTENTION, normalize: 'none' },
        productFeature: false,
        historySum: false,
        mlp: FUXICTR_MLP,
      },
      dien: {
        embedding: FUXICTR_EMBEDDING,
        hiddenSize: 36,
        evolution: 'AUGRU',
        auxWeight: 0,
        evolutionAttention: 'activationUnit',
        // FuxiCTR's DIN-style attention compares the target itself with the GRU states
        attentionUnit: { ...FUXICTR_ATTENTION, normalize: 'softmax' },
        attentionQuery: 'raw',
        historySum: false,
        mlp: FUXICTR_MLP,
      },
      dmin: {
        embedding: FUXICTR_EMBEDDING,
        refiner: true,
        auxWeight: 0,
        interestHeads: 4,
        positionEncoding: true,
        positionDim: 4,
        interestAttentionUnits: [80, 40],
        historySum: false,
        mlp: FUXICTR_MLP,
      },
    },
  },
});

export const RUN_PRESET_NAMES: readonly string[] = Object.keys(RUN_PRESETS);

/** The preset's options of `model`; throws naming the models it covers. */
export function runPresetModelOptions(preset: string, model: string): Record<string, unknown> {
  const p = RUN_PRESETS[preset];
  if (!p)
    throw new Error(
      `runPresetModelOptions: unknown run preset "${preset}"; expected one of: ${RUN_PRESET_NAMES.join(', ')}`,
    );
  const options = p.models[model];
  if (!options)
    throw new Error(
      `runPresetModelOptions: preset "${preset}" has no settings for model "${model}"; ` +
        `it covers: ${Object.keys(p.models).join(', ')}`,
    );
  return structuredClone(options);
}

/**
 * `input` on top of the preset: the preset's train settings, data options and model options,
 * then whatever `input` gives (flags win). The result names no train preset.
 */
export function applyRunPreset(preset: string, input: RunConfigInput): RunConfigInput {
  const modelOptions = runPresetModelOptions(preset, input.model);
  const p = RUN_PRESETS[preset];
  if (input.trainPreset !== undefined)
    throw new Error(
      `applyRunPreset: run preset "${preset}" fixes the training settings; do not ` +
        `combine it with train preset "${input.trainPreset}"`,
    );
  return {
    ...input,
    modelOptions: mergeDeep(modelOptions, input.modelOptions ?? {}),
    data: { ...p.data, ...(input.data ?? {}) },
    train: { ...p.train, ...(input.train ?? {}) },
  };
}

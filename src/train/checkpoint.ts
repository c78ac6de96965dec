/**
 * Checkpoint format: a folder with
 *   weights.bin      every parameter's Float32 values, concatenated (little-endian)
 *   checkpoint.json  format tag, model name + resolved options, feature sizes, the run config,
 *                    the dataset it was trained on, and a manifest (name, shape, offset) with
 *                    the SHA-256 of weights.bin.
 * Each file is written atomically (temp file + rename), weights first, so checkpoint.json
 * never points at a half-written weights file; a mismatch of size or hash is reported as a
 * corrupted checkpoint.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FeatureSizes, sameFeatureSizes } from '../data/batch';
import type { NamedWeight } from '../layers/params';
import type { CtrModel, ModelWeights } from '../models/model';
import { createModel } from '../models';
import { writeFileAtomic } from '../atomicWrite';

export const CHECKPOINT_FORMAT = 'dil-checkpoint/1';

export interface CheckpointManifestEntry {
  name: string;
  shape: number[];
  trainable: boolean;
  /** Offset in float32 values into weights.bin. */
  offset: number;
  length: number;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  model: string;
  /** Options given to createModel (resolved). */
  modelOptions: Record<string, unknown>;
  sizes: FeatureSizes;
  seed: number;
  /** Dataset spec and checksum the model was trained on. */
  dataset: { name: string; checksum: string; maxLen: number; levels: number };
  /** The run config (free-form, for provenance). */
  runConfig?: unknown;
  /** Metrics at save time (free-form). */
  metrics?: unknown;
  weightsSha256: string;
  weightsBytes: number;
  manifest: CheckpointManifestEntry[];
  savedAt: string;
}

export interface SaveCheckpointInput {
  model: CtrModel;
  modelOptions: Record<string, unknown>;
  sizes: FeatureSizes;
  seed: number;
  dataset: CheckpointMeta['dataset'];
  runConfig?: unknown;
  metrics?: unknown;
}

/** Writes a checkpoint folder (created if missing; existing files replaced atomically). */
export function saveCheckpoint(dir: string, input: SaveCheckpointInput): CheckpointMeta {
  const weights = input.model.getWeights();
  let total = 0;
  const manifest: CheckpointManifestEntry[] = weights.weights.map((w) => {
    const entry = {
      name: w.name,
      shape: w.shape.slice(),
      trainable: w.trainable,
      offset: total,
      length: w.values.length,
    };
    total += w.values.length;
    return entry;
  });
  const buffer = Buffer.alloc(total * 4);
  for (let i = 0; i < weights.weights.length; i++) {
    const values = weights.weights[i].values;
    const offset = manifest[i].offset * 4;
    for (let j = 0; j < values.length; j++) buffer.writeFloatLE(values[j], offset + j * 4);
  }
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    model: weights.model,
    modelOptions: input.modelOptions,
    sizes: input.sizes,
    seed: input.seed,
    dataset: input.dataset,
    runConfig: input.runConfig,
    metrics: input.metrics,
    weightsSha256: createHash('sha256').update(buffer).digest('hex'),
    weightsBytes: buffer.length,
    manifest,
    savedAt: new Date().toISOString(),
  };
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, 'weights.bin'), buffer);
  writeFileAtomic(path.join(dir, 'checkpoint.json'), `${JSON.stringify(meta, null, 1)}\n`);
  return meta;
}

function corrupted(dir: string, why: string): Error {
  return new Error(
    `checkpoint ${dir} is corrupted or incomplete: ${why}; re-save it with \`dil train ... --save ${dir}\``,
  );
}

/** Reads and verifies a checkpoint folder (format, sizes, hash). */
export function readCheckpoint(dir: string): { meta: CheckpointMeta; weights: ModelWeights } {
  const metaFile = path.join(dir, 'checkpoint.json');
  const weightsFile = path.join(dir, 'weights.bin');
  if (!fs.existsSync(metaFile))
    throw new Error(`checkpoint ${dir}: no checkpoint.json; expected a folder written by \`dil train --save\``);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as CheckpointMeta;
  } catch (err) {
    throw corrupted(dir, `checkpoint.json is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new Error(`checkpoint ${dir}: format ${JSON.stringify(meta.format)}; expected "${CHECKPOINT_FORMAT}"`);
  }
  if (!Array.isArray(meta.manifest) || typeof meta.model !== 'string' || !meta.sizes)
    throw corrupted(dir, 'checkpoint.json lacks model, sizes or manifest');
  if (!fs.existsSync(weightsFile)) throw corrupted(dir, 'weights.bin is missing');
  const buffer = fs.readFileSync(weightsFile);
  if (buffer.length !== meta.weightsBytes)
    throw corrupted(dir, `weights.bin has ${buffer.length} bytes, checkpoint.json says ${meta.weightsBytes}`);
  const sha = createHash('sha256').update(buffer).digest('hex');
  if (sha !== meta.weightsSha256) throw corrupted(dir, 'weights.bin does not match the SHA-256 in checkpoint.json');
  const weights: NamedWeight[] = meta.manifest.map((entry) => {
    if (entry.offset + entry.length > buffer.length / 4)
      throw corrupted(dir, `parameter ${entry.name} lies outside weights.bin`);
    const values = new Float32Array(entry.length);
    for (let j = 0; j < entry.length; j++) values[j] = buffer.readFloatLE((entry.offset + j) * 4);
    return { name: entry.name, shape: entry.shape, values, trainable: entry.trainable };
  });
  return { meta, weights: { model: meta.model as ModelWeights['model'], weights } };
}

/**
 * Checkpoints saved before the auxiliary-loss weight alpha was renamed call it `auxLoss`
 * (DIEN, DMIN; `dien.auxLoss` of DHAN); models now call it `auxWeight`. The old key is mapped
 * so that those checkpoints still load.
 */
function renameLegacyAuxLoss(options: Record<string, unknown>): Record<string, unknown> {
  const out = { ...options };
  if (typeof out.auxLoss === 'number' && out.auxWeight === undefined) {
    out.auxWeight = out.auxLoss;
    delete out.auxLoss;
  }
  if (typeof out.dien === 'object' && out.dien !== null)
    out.dien = renameLegacyAuxLoss(out.dien as Record<string, unknown>);
  return out;
}

/**
 * Rebuilds the model of a checkpoint and loads its weights. With `expectSizes` (the dataset
 * to score), vocabularies must match, else a clear "mismatched checkpoint" error.
 */
export function loadCheckpoint(dir: string, expectSizes?: FeatureSizes): { meta: CheckpointMeta; model: CtrModel } {
  const { meta, weights } = readCheckpoint(dir);
  if (expectSizes && !sameFeatureSizes(meta.sizes, expectSizes)) {
    throw new Error(
      `checkpoint ${dir} does not match the dataset: it was trained on ${meta.dataset.name} with vocabularies ` +
        `${JSON.stringify(meta.sizes)}, the dataset has ${JSON.stringify(expectSizes)}; ` +
        `expected the same dataset and options`,
    );
  }
  meta.modelOptions = renameLegacyAuxLoss(meta.modelOptions ?? {});
  const model = createModel(meta.model, meta.modelOptions, meta.sizes, meta.seed);
  try {
    model.setWeights(weights);
  } catch (err) {
    model.dispose();
    throw new Error(
      `checkpoint ${dir} does not match model ${meta.model} with its saved options: ` +
        `${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return { meta, model };
}

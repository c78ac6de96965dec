/**
 * Whole-model parity with the independent PyTorch implementation in test/reference/*.py
 * (not a test file itself). The kit's model and the reference get the same weights and the
 * same batch; logits, losses and gradients must agree to `PARITY_RTOL`.
 *
 * API (stable; extend only additively):
 *   REFERENCE_SKIP                 false, or the one-line reason to skip (no torch, CI unset)
 *   REFERENCE_SIZES                vocabulary sizes of `referenceBatch`
 *   referenceBatch(seed, B?, T?)   fixed batch: ragged history lengths (1 and T included),
 *                                  both labels, one auxiliary negative per real position
 *   kitCase(label, model, config, options?) -> ParityCase
 *                                  builds the model from `seed`, scrambles every parameter
 *                                  (constant initial values would hide wiring mistakes), and
 *                                  records the kit's outputs: eval-mode logits, training-mode
 *                                  logits, the losses and every gradient of one `trainStep`
 *   runReference(script, cases)    exports the cases to a temp dir, runs
 *                                  `/usr/bin/python3 test/reference/<script>` on it ONCE
 *                                  (torch imports in ~2 s), returns one ParityOutput per case
 *   assertParity(kase, reference, rtol?, gradientFloor?)
 *                                  compares everything; the failure message names the worst
 *                                  quantity (e.g. `grad din/attention/dense0/kernel`)
 *   maxRelativeDifference(a, b, floor?)  max|a - b| / max(max|b|, floor) (b is the reference)
 *   SMALL_EMBEDDING, smallMlp(act) small explicit sizes for fast cases (De = 8)
 *
 * Use in a test file (one python run per file):
 *   describe('din vs reference', { skip: REFERENCE_SKIP }, () => {
 *     let out: Map<string, ParityOutput>;
 *     const cases = [...];                        // built in before()
 *     before(async () => { await useBestBackend({ quiet: true }); cases.push(kitCase(...)); out =
 * runReference('din.py', cases); });
 *     it('softmax, dice', () => assertParity(cases[0], out.get(cases[0].label)!));
 *   });
 *
 * Exported case format (cases.json, read by common.py): { cases: [{ label, model, config,
 * weights: { name: { shape, values, trainable } }, batch: { size, maxLen, users, targetItems,
 * targetCats, histItems, histCats, histMask, labels, negHistItems?, negHistCats? } }] }.
 * The reference prints { outputs: [ParityOutput with label] } on stdout.
 *
 * Gradients: dense parameters by checkpoint name; embedding tables as full [V * D] arrays,
 * row 0 (padding, never updated by the kit) left out of the comparison.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Batch, FeatureSizes } from '../../src/data/batch';
import type { NamedWeight } from '../../src/layers/params';
import { createModel, CtrModel, ModelName } from '../../src/models';
import type { OptimizerSpec, ParameterOptimizer } from '../../src/train/optimizers';
import { trainStep } from '../../src/train/step';
import { Rng } from '../../src/random';
import { tinyBatch } from '../helpers/batches';

/** Agreement required of every compared quantity (relative to the reference's largest magnitude). */
export const PARITY_RTOL = 1e-4;

const PYTHON = '/usr/bin/python3';
const INSTALL_HINT = 'apt-get install python3-torch python3-numpy libopenblas0-pthread';

function torchImportError(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) return r.error.message;
  if (r.status !== 0) return (r.stderr || '').trim().split('\n').pop() ?? `exit ${r.status}`;
  return undefined;
}

const IMPORT_ERROR = torchImportError();

/**
 * false when the reference can run; else the reason to skip. With the env var CI set the
 * tests never skip: `runReference` then fails and says what to install.
 */
export const REFERENCE_SKIP: string | false =
  IMPORT_ERROR && !process.env.CI
    ? `PyTorch reference skipped: ${PYTHON} cannot import torch (${INSTALL_HINT})`
    : false;

/** Vocabulary sizes of `referenceBatch` (ids include padding 0). */
export const REFERENCE_SIZES: FeatureSizes = { users: 12, items: 25, cats: [6, 3] };

/**
 * A fixed small batch over REFERENCE_SIZES (the tests' tiny batch): row 0 has one behaviour
 * (no auxiliary pair), row 1 a full history of T, the others 2..T; labels alternate 1, 0;
 * every real position has a negative different from its behaviour.
 */
export function referenceBatch(seed: number, B = 5, T = 6): Batch {
  if (B < 2 || T < 3)
    throw new Error(`test/reference/harness.ts referenceBatch: need B >= 2 and T >= 3, got B ${B}, T ${T}`);
  const batch = tinyBatch(seed, {
    size: B,
    maxLen: T,
    minLen: 2,
    lengths: [1, T],
    negatives: true,
    sizes: REFERENCE_SIZES,
  });
  batch.labels = Float32Array.from({ length: B }, (_, b) => (b % 2 === 0 ? 1 : 0));
  return batch;
}

/** Embedding sizes of the reference cases: De = 4 + 4 = 8, no user feature. */
export const SMALL_EMBEDDING = { itemDim: 4, catDim: 4, catLevels: 1, userDim: 0, initStd: 0.01 };

/** A small head MLP (12 -> 6) with every field explicit: BN on the input, no dropout. */
export function smallMlp(activation: 'dice' | 'prelu' | 'relu' | 'sigmoid'): object {
  return {
    hidden: [12, 6],
    activation,
    dropout: 0,
    batchNorm: 'input',
    batchNormMode: 'batchStatistics',
    dice: { statistics: 'paper', epsilon: 1e-8, momentum: 0.99, alphaInit: 0 },
  };
}

/** What both implementations report for one case. */
export interface ParityOutput {
  /** [B] logits in inference mode (moving averages). */
  logitsEval: number[];
  /** [B] logits in training mode (batch statistics; dropout must be off). */
  logitsTrain: number[];
  /** Mean binary cross-entropy (training mode). */
  targetLoss: number;
  /** The model's weighted auxiliary loss, 0 if none. */
  auxLoss: number;
  /** targetLoss + auxLoss, what the kit differentiates. */
  loss: number;
  /** d loss / d parameter for every trainable dense parameter, by checkpoint name. */
  grads: Record<string, number[]>;
  /** d loss / d table for every embedding table, full [V * D] row-major. */
  tableGrads: Record<string, number[]>;
}

/** One model + batch, with the kit's outputs. */
export interface ParityCase {
  label: string;
  model: ModelName;
  /** The resolved config (model.config). */
  config: object;
  /** Every parameter as the reference gets it (after scrambling). */
  weights: NamedWeight[];
  batch: Batch;
  kit: ParityOutput;
}

export interface KitCaseOptions {
  /** Seed of the model's initial values and of the scrambling; default 7. */
  seed?: number;
  /** Default referenceBatch(seed + 100). */
  batch?: Batch;
  /** Default REFERENCE_SIZES. */
  sizes?: FeatureSizes;
}

/**
 * Replaces every parameter by seeded values that no wiring mistake can hide behind:
 * tables ~ N(0, 0.5^2) (row 0 stays zero), trainable dense += N(0, 0.2^2) (so biases, BN
 * gamma/beta, Dice and PReLU alphas are not constants), moving means ~ N(0, 0.3^2), moving
 * variances ~ U(0.5, 1.5) (so inference mode differs from training mode).
 */
function scramble(weights: NamedWeight[], tableNames: Set<string>, seed: number): NamedWeight[] {
  const rng = new Rng(seed).fork('reference-scramble');
  return weights.map((w) => {
    const values = Float32Array.from(w.values);
    if (tableNames.has(w.name)) {
      const D = w.shape[1];
      for (let i = D; i < values.length; i++) values[i] = rng.normal() * 0.5;
    } else if (w.trainable) {
      for (let i = 0; i < values.length; i++) values[i] += rng.normal() * 0.2;
    } else if (/variance/i.test(w.name)) {
      for (let i = 0; i < values.length; i++) values[i] = 0.5 + rng.next();
    } else {
      for (let i = 0; i < values.length; i++) values[i] = rng.normal() * 0.3;
    }
    return { ...w, shape: w.shape.slice(), values };
  });
}

/** An optimizer that records the gradients trainStep hands it and changes nothing. */
class RecordingOptimizer implements ParameterOptimizer {
  readonly spec: Readonly<OptimizerSpec> = { kind: 'sgd', learningRate: 1 };
  learningRate = 1;
  step = 0;
  readonly dense = new Map<string, Float32Array>();
  readonly sparse = new Map<string, { dim: number; ids: Int32Array; grads: Float32Array }>();
  nextStep(): void {
    this.step++;
  }
  applyDense(key: string, _param: Float32Array, grad: Float32Array): void {
    this.dense.set(key, Float32Array.from(grad));
  }
  applySparse(key: string, _param: Float32Array, dim: number, ids: Int32Array, grads: Float32Array): void {
    this.sparse.set(key, { dim, ids: Int32Array.from(ids), grads: Float32Array.from(grads) });
  }
  reset(): void {
    this.dense.clear();
    this.sparse.clear();
  }
}

function forwardLogits(model: CtrModel, batch: Batch, training: boolean): number[] {
  const inputs = model.prepare(batch);
  try {
    return tf.tidy(() => Array.from(model.forward(inputs, training).logit.dataSync()));
  } finally {
    inputs.dispose();
  }
}

/**
 * Builds `model` with `config` (say every field the test depends on: defaults change) and
 * records its outputs on the batch. The gradients come from the kit's own `trainStep`
 * (training mode, no regularisation, no clipping), captured before any update.
 */
export function kitCase(label: string, model: ModelName, config: object, options: KitCaseOptions = {}): ParityCase {
  const seed = options.seed ?? 7;
  const batch = options.batch ?? referenceBatch(seed + 100);
  const m = createModel(model, config, options.sizes ?? REFERENCE_SIZES, seed);
  try {
    const tableNames = new Set(m.embeddings.tables().map((t) => t.name));
    const weights = scramble(m.getWeights().weights, tableNames, seed);
    m.setWeights({ model, weights });
    const logitsEval = forwardLogits(m, batch, false);
    const logitsTrain = forwardLogits(m, batch, true);
    m.setWeights({ model, weights }); // the training-mode pass moved the moving averages
    const opt = new RecordingOptimizer();
    const step = trainStep(m, batch, opt);
    const grads: Record<string, number[]> = {};
    for (const { name } of m.trainableVariables()) {
      const g = opt.dense.get(name);
      assert.ok(g, `test/reference/harness.ts: trainStep gave no gradient for ${name}`);
      grads[name] = Array.from(g);
    }
    const tableGrads: Record<string, number[]> = {};
    for (const t of m.embeddings.tables()) {
      const full = new Float64Array(t.vocab * t.dim);
      const s = opt.sparse.get(t.name);
      if (s)
        s.ids.forEach((id, n) => {
          for (let d = 0; d < t.dim; d++) full[id * t.dim + d] = s.grads[n * t.dim + d];
        });
      tableGrads[t.name] = Array.from(full);
    }
    const kit: ParityOutput = {
      logitsEval,
      logitsTrain,
      targetLoss: step.targetLoss,
      auxLoss: step.auxLoss,
      loss: step.loss,
      grads,
      tableGrads,
    };
    return { label, model, config: structuredClone(m.config) as object, weights, batch, kit };
  } finally {
    m.dispose();
  }
}

function batchJson(b: Batch): object {
  const arr = (a: ArrayLike<number>): number[] => Array.from(a);
  return {
    size: b.size,
    maxLen: b.maxLen,
    users: arr(b.users),
    targetItems: arr(b.targetItems),
    targetCats: b.targetCats.map(arr),
    histItems: arr(b.histItems),
    histCats: b.histCats.map(arr),
    histMask: arr(b.histMask),
    labels: arr(b.labels),
    negHistItems: b.negHistItems ? arr(b.negHistItems) : undefined,
    negHistCats: b.negHistCats?.map(arr),
  };
}

/**
 * Runs `/usr/bin/python3 test/reference/<script> <dir>` once on all `cases` and returns the
 * reference's outputs by case label. Throws with the script's stderr when it fails.
 */
export function runReference(script: string, cases: ParityCase[]): Map<string, ParityOutput> {
  if (IMPORT_ERROR)
    throw new Error(
      `test/reference/harness.ts: ${PYTHON} cannot import torch (${IMPORT_ERROR}); install: ${INSTALL_HINT}`,
    );
  const labels = new Set(cases.map((c) => c.label));
  if (labels.size !== cases.length)
    throw new Error('test/reference/harness.ts runReference: case labels must be unique');
  const dir = mkdtempSync(join(tmpdir(), 'dil-reference-'));
  try {
    const payload = {
      cases: cases.map((c) => ({
        label: c.label,
        model: c.model,
        config: c.config,
        weights: Object.fromEntries(
          c.weights.map((w) => [w.name, { shape: w.shape, values: Array.from(w.values), trainable: w.trainable }]),
        ),
        batch: batchJson(c.batch),
      })),
    };
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(payload));
    const path = resolve(__dirname, script);
    let stdout: string;
    try {
      stdout = execFileSync(PYTHON, [path, dir], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`test/reference/harness.ts: ${PYTHON} ${path} failed:\n${e.stderr || e.message}`, {
        cause: err,
      });
    }
    const parsed = JSON.parse(stdout) as { outputs: (ParityOutput & { label: string })[] };
    const out = new Map<string, ParityOutput>();
    for (const o of parsed.outputs) out.set(o.label, o);
    for (const c of cases)
      if (!out.has(c.label))
        throw new Error(`test/reference/harness.ts: ${script} returned no output for case "${c.label}"`);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * max_i |a_i - b_i| / max(max_i |b_i|, floor) (b is the reference; 0 when a = b), and where.
 * `floor` (default 0) keeps a quantity that is zero in exact arithmetic (e.g. the gradient of
 * a bias in front of a softmax, which is shift-invariant) from dividing rounding noise by ~0.
 */
export function maxRelativeDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  floor = 0,
): { relative: number; absolute: number; index: number } {
  if (a.length !== b.length)
    throw new Error(`test/reference/harness.ts maxRelativeDifference: lengths differ (${a.length} vs ${b.length})`);
  let absolute = 0;
  let index = -1;
  let scale = floor;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= absolute)) {
      absolute = d;
      index = i;
    }
    scale = Math.max(scale, Math.abs(b[i]));
  }
  if (Number.isNaN(absolute)) return { relative: Number.NaN, absolute, index };
  const relative = absolute === 0 ? 0 : scale === 0 ? Number.POSITIVE_INFINITY : absolute / scale;
  return { relative, absolute, index };
}

/**
 * Gradients are compared relative to max(their own largest magnitude, GRADIENT_FLOOR x the
 * largest gradient entry of the whole case): float32 rounding leaves ~1e-9 where the exact
 * gradient is 0.
 */
export const GRADIENT_FLOOR = 1e-3;

interface Quantity {
  name: string;
  kit: ArrayLike<number>;
  reference: ArrayLike<number>;
  /** Describes entry i (e.g. a table row). */
  where?: (i: number) => string;
  /** See maxRelativeDifference. */
  floor?: number;
}

/** Every quantity of one case, paired (tables without their padding row 0). */
function quantities(kase: ParityCase, ref: ParityOutput, gradientFloor = GRADIENT_FLOOR): Quantity[] {
  const { kit } = kase;
  const q: Quantity[] = [
    { name: 'logits (eval)', kit: kit.logitsEval, reference: ref.logitsEval, where: (i) => `row ${i}` },
    { name: 'logits (training)', kit: kit.logitsTrain, reference: ref.logitsTrain, where: (i) => `row ${i}` },
    { name: 'targetLoss', kit: [kit.targetLoss], reference: [ref.targetLoss] },
    { name: 'auxLoss', kit: [kit.auxLoss], reference: [ref.auxLoss] },
    { name: 'loss', kit: [kit.loss], reference: [ref.loss] },
  ];
  for (const name of Object.keys(kit.grads)) {
    const r = ref.grads[name];
    assert.ok(
      r,
      `${kase.label}: the reference reports no gradient for parameter ${name} (it does ` +
        `not use it, or names it differently)`,
    );
    q.push({ name: `grad ${name}`, kit: kit.grads[name], reference: r });
  }
  const extra = Object.keys(ref.grads).filter((n) => !(n in kit.grads));
  assert.equal(
    extra.length,
    0,
    `${kase.label}: the reference has gradients for parameters the kit does not train: ${extra.join(', ')}`,
  );
  for (const w of kase.weights) {
    if (!(w.name in kit.tableGrads)) continue;
    const r = ref.tableGrads[w.name];
    assert.ok(r, `${kase.label}: the reference reports no gradient for table ${w.name}`);
    const D = w.shape[1];
    q.push({
      name: `grad ${w.name}`,
      kit: kit.tableGrads[w.name].slice(D),
      reference: r.slice(D),
      where: (i) => `row ${1 + Math.floor(i / D)}, column ${i % D}`,
    });
  }
  let largest = 0;
  for (const g of q)
    if (g.name.startsWith('grad '))
      for (let i = 0; i < g.reference.length; i++) largest = Math.max(largest, Math.abs(g.reference[i]));
  for (const g of q) if (g.name.startsWith('grad ')) g.floor = gradientFloor * largest;
  return q;
}

/**
 * Asserts that the kit and the reference agree on every quantity to `rtol` (relative to the
 * reference's largest magnitude of that quantity). The message names the worst quantity, its
 * worst entry, and the next-worst ones.
 */
export function assertParity(
  kase: ParityCase,
  ref: ParityOutput,
  rtol = PARITY_RTOL,
  gradientFloor = GRADIENT_FLOOR,
): void {
  const rows = quantities(kase, ref, gradientFloor).map((q) => ({
    q,
    d: maxRelativeDifference(q.kit, q.reference, q.floor),
  }));
  const bad = rows
    .filter((r) => !(r.d.relative <= rtol))
    .sort((a, b) => (b.d.relative || Infinity) - (a.d.relative || Infinity));
  if (bad.length === 0) return;
  const describe = ({ q, d }: (typeof rows)[number]): string => {
    const at =
      d.index >= 0 && q.where ? ` at ${q.where(d.index)}` : d.index >= 0 && q.kit.length > 1 ? ` at [${d.index}]` : '';
    return (
      `${q.name}: relative difference ${d.relative.toExponential(2)}${at} ` +
      `(kit ${q.kit[d.index]}, reference ${q.reference[d.index]})`
    );
  };
  const worst = bad[0];
  assert.fail(
    `${kase.label}: kit and PyTorch reference disagree; worst is ${describe(worst)}; ` +
      `${bad.length} of ${rows.length} quantities exceed ${rtol}:\n  ${bad.slice(0, 8).map(describe).join('\n  ')}`,
  );
}

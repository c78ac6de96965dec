/**
 * A/B in one process: a model at the bench shape with one of the kit's custom wasm kernels against
 * the tf-ops path it replaces (kernels unregistered), chosen by `--kernel`:
 *   recurrence (default; model dien): the GRU recurrence, src/kernels/gruRecurrence.ts;
 *   mha (model dmin): the masked multi-head attention, src/kernels/maskedAttention.ts;
 *   attention (model dien): the attention unit's scoring pass, src/kernels/attentionUnit.ts;
 *   scoring (model dien): all scoring changes: the attention kernel, the recurrence's forward
 *     skipping idle (padded) steps and GruLayer projecting only real steps (before: `skipIdle`
 *     forced off, every step projected).
 * Alternates the two in rounds and reports CPU time (process.cpuUsage) per training step and per
 * scoring pass, their ratio, and kernel dispatches per step (medians, and minima: the least
 * disturbed by other processes), and the largest score difference between the two on one batch
 * (fresh models, same seed). `--base <git ref>` instead compares the kit's code at that commit
 * (its src/ extracted into node_modules/.cache/dil-ab-base/) with the working tree, kernels on.
 * `--score-only` skips the measured training steps and scores batches without auxiliary negatives
 * (as `scoreSplit`); `--batch n` sets the batch size (bench: 128; the trainer scores at 512).
 *
 *   nice -n 10 node --import tsx bench/recurrence-ab.ts [--kernel recurrence|mha|attention|scoring]
 *     [--base main] [--rounds 6] [--steps 4] [--model dien|dmin|...] [--batch 128] [--score-only]
 *     [--samples]
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { makeBenchBatches } from '../src/bench/batches';
import { withoutNegatives } from '../src/bench/runBench';
import { BENCH_MODELS, BENCH_OPTIMIZER, BENCH_SHAPE, benchModelOverrides, BenchModelName } from '../src/bench/shape';
import { ATTENTION_UNIT_KERNEL, registerWasmAttentionUnit } from '../src/kernels/attentionUnit';
import {
  GRU_RECURRENCE_GRAD_KERNEL,
  GRU_RECURRENCE_KERNEL,
  registerWasmGruRecurrence,
} from '../src/kernels/gruRecurrence';
import {
  MASKED_ATTENTION_GRAD_KERNEL,
  MASKED_ATTENTION_KERNEL,
  registerWasmMaskedAttention,
} from '../src/kernels/maskedAttention';
import { GruLayer } from '../src/layers/gru';
import { recurrenceKernelsInstalled } from '../src/layers/gruRecurrence';
import { attentionKernelsInstalled } from '../src/layers/headAttention';
import { createModel } from '../src/models';
import { denseFast } from '../src/ops';
import { createOptimizer } from '../src/train/optimizers';
import { predict, trainStep } from '../src/train/step';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Registers (on) or unregisters (off) the wasm kernels `names`; returns whether `installed()` now agrees. */
function switchKernels(names: readonly string[], register: () => void, installed: () => boolean, on: boolean): boolean {
  if (on) register();
  else for (const name of names) if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  return installed() === on;
}

const RECURRENCE = [GRU_RECURRENCE_KERNEL, GRU_RECURRENCE_GRAD_KERNEL];
const setRecurrence = (on: boolean) =>
  switchKernels(RECURRENCE, registerWasmGruRecurrence, recurrenceKernelsInstalled, on);
const attentionUnitInstalled = (): boolean => tf.getKernel(ATTENTION_UNIT_KERNEL, 'wasm') !== undefined;
const setAttentionUnit = (on: boolean) =>
  switchKernels([ATTENTION_UNIT_KERNEL], registerWasmAttentionUnit, attentionUnitInstalled, on);

/** The recurrence's forward kernel as before its `skipIdle` attr: every row in every step. */
function setRecurrenceWithoutSkipping(): boolean {
  setRecurrence(false);
  setRecurrence(true);
  const forward = tf.getKernel(GRU_RECURRENCE_KERNEL, 'wasm') as tf.KernelConfig;
  tf.unregisterKernel(GRU_RECURRENCE_KERNEL, 'wasm');
  tf.registerKernel({
    ...forward,
    kernelFunc: (args) => forward.kernelFunc({ ...args, attrs: { ...args.attrs, skipIdle: false } }),
  });
  return recurrenceKernelsInstalled();
}

/** GruLayer's scoring projection as before: every step, padding included (the method is private to the layer). */
type Projection = (this: GruLayer, x: tf.Tensor3D, mask: tf.Tensor2D) => tf.Tensor3D;
const layerPrototype = GruLayer.prototype as unknown as { projectRealSteps: Projection };
const projectRealSteps = layerPrototype.projectRealSteps;
function setProjectionOfRealSteps(on: boolean): void {
  layerPrototype.projectRealSteps = on
    ? projectRealSteps
    : function (this: GruLayer, x: tf.Tensor3D) {
        return denseFast(x, this.inputKernel, this.bias) as tf.Tensor3D;
      };
}

/** Per `--kernel`: turns its "after" (on) or "before" (off) state on and says whether it took; its default model. */
const KERNEL_CHOICES: Record<string, { set: (on: boolean) => boolean; model: BenchModelName }> = {
  recurrence: { set: setRecurrence, model: 'dien' },
  mha: {
    set: (on) =>
      switchKernels(
        [MASKED_ATTENTION_KERNEL, MASKED_ATTENTION_GRAD_KERNEL],
        registerWasmMaskedAttention,
        attentionKernelsInstalled,
        on,
      ),
    model: 'dmin',
  },
  attention: { set: setAttentionUnit, model: 'dien' },
  scoring: {
    set: (on) => {
      // Unregistered first: a previous "before" left the wrapped forward kernel, which registering keeps.
      const recurrence = on ? setRecurrence(false) && setRecurrence(true) : setRecurrenceWithoutSkipping();
      setProjectionOfRealSteps(on);
      return setAttentionUnit(on) && recurrence;
    },
    model: 'dien',
  },
};

function cpuMs(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One side of the A/B: a model with its own trainStep / predict / optimizer, and what to switch before it runs. */
interface Variant {
  label: string;
  activate: () => void;
  train: () => void;
  score: () => void;
  /** The model's probabilities for one fixed scoring batch. */
  probabilities: () => Float32Array;
  dispose: () => void;
}

type Batch = ReturnType<typeof makeBenchBatches>['batches'][number];

/** The batches: `train` for training steps, `scored` for scoring passes; the feature sizes. */
interface Data {
  train: Batch[];
  scored: Batch[];
  sizes: ReturnType<typeof makeBenchBatches>['sizes'];
}

/** The kit's model code as modules (the working tree's, or a base commit's extracted copy). */
interface Kit {
  createModel: typeof createModel;
  createOptimizer: typeof createOptimizer;
  trainStep: typeof trainStep;
  predict: typeof predict;
}

function variantOf(
  kit: Kit,
  label: string,
  name: BenchModelName,
  data: Data,
  next: () => number,
  activate: () => void,
): Variant {
  const model = kit.createModel(name, benchModelOverrides(name), data.sizes, 1);
  const optimizer = kit.createOptimizer({ ...BENCH_OPTIMIZER });
  return {
    label,
    activate,
    train: () => void kit.trainStep(model, data.train[next() % data.train.length], optimizer),
    score: () => void kit.predict(model, data.scored[next() % data.scored.length]),
    probabilities: () => kit.predict(model, data.scored[0]),
    dispose: () => model.dispose(),
  };
}

/**
 * The kit's src/ at git ref `ref`, extracted (git archive) under node_modules/.cache so that its
 * imports resolve to this checkout's node_modules (one tfjs instance, one backend), then imported.
 */
async function baseKit(ref: string): Promise<Kit> {
  const { execFileSync } = await import('child_process');
  const path = await import('path');
  const fs = await import('fs');
  const root = path.resolve(__dirname, '..');
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root })
    .toString()
    .trim();
  const dir = path.join(root, 'node_modules', '.cache', 'dil-ab-base', sha);
  if (!fs.existsSync(path.join(dir, 'src'))) {
    fs.mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['archive', sha, 'src'], { cwd: root, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  }
  const load = (file: string) => import(path.join(dir, 'src', file));
  const [models, optimizers, step] = await Promise.all([
    load('models/index.ts'),
    load('train/optimizers.ts'),
    load('train/step.ts'),
  ]);
  return {
    createModel: models.createModel,
    createOptimizer: optimizers.createOptimizer,
    trainStep: step.trainStep,
    predict: step.predict,
  };
}

async function main(): Promise<void> {
  const kernel = arg('--kernel', 'recurrence');
  if (!(kernel in KERNEL_CHOICES))
    throw new Error(
      `bench/recurrence-ab.ts: --kernel must be one of ${Object.keys(KERNEL_CHOICES).join(', ')}, got ${kernel}`,
    );
  const choice = KERNEL_CHOICES[kernel];
  const use = (on: boolean) => {
    if (!choice.set(on))
      throw new Error(`bench/recurrence-ab.ts: could not turn the ${kernel} kernels ${on ? 'on' : 'off'}`);
  };
  const base = arg('--base', '');
  const name = arg('--model', choice.model) as BenchModelName;
  if (!BENCH_MODELS.includes(name))
    throw new Error(`bench/recurrence-ab.ts: --model must be one of ${BENCH_MODELS.join(', ')}, got ${name}`);
  const rounds = Number(arg('--rounds', '6'));
  const steps = Number(arg('--steps', '4'));
  const batchSize = Number(arg('--batch', String(BENCH_SHAPE.batchSize)));
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`bench/recurrence-ab.ts: --batch must be a positive integer, got ${arg('--batch', '')}`);
  const training = !process.argv.includes('--score-only');
  const backend = await useBestBackend({ quiet: true });
  if (backend.name !== 'wasm') throw new Error(`bench/recurrence-ab.ts: needs the wasm backend, got ${backend.name}`);
  const { batches, sizes } = makeBenchBatches(8, 1, { ...BENCH_SHAPE, batchSize });
  // Scored as scoreSplit scores (no auxiliary negatives in the batch) when only scoring.
  const data: Data = { train: batches, scored: training ? batches : batches.map(withoutNegatives), sizes };
  let batch = 0;
  const next = () => batch++;
  const here: Kit = { createModel, createOptimizer, trainStep, predict };
  // --base: the kit's code at that commit against the working tree (all kernels registered for
  // both: a kernel the base code does not call costs nothing); otherwise the kernels off and on.
  const variants: Variant[] = base
    ? [
        variantOf(await baseKit(base), `at ${base} (before)`, name, data, next, () => use(true)),
        variantOf(here, 'working tree (after)', name, data, next, () => use(true)),
      ]
    : [
        variantOf(here, `${kernel} off (before)`, name, data, next, () => use(false)),
        variantOf(here, `${kernel} on (after)`, name, data, next, () => use(true)),
      ];
  // Before any training step, while both models hold the same seeded weights.
  const probabilities = variants.map((v) => {
    v.activate();
    return v.probabilities();
  });
  const maxDiff = probabilities[0].reduce((m, p, i) => Math.max(m, Math.abs(p - probabilities[1][i])), 0);
  console.log(`scores of one batch (fresh models), before vs after: max |dp| ${maxDiff.toExponential(1)}`);
  const train: number[][] = [[], []];
  const score: number[][] = [[], []];
  for (const v of variants) {
    v.activate();
    for (let w = 0; w < 4; w++) v.train();
    // One profile at a time: tf.profile reuses its record object.
    const trainKernels = training ? `${(await tf.profile(() => v.train())).kernels.length} per training step, ` : '';
    const scoreKernels = (await tf.profile(() => v.score())).kernels.length;
    console.log(`${v.label.padEnd(24)} kernel dispatches: ${trainKernels}${scoreKernels} per scoring pass`);
  }
  for (let r = 0; r < rounds; r++) {
    // Alternate the order in each round so that neither variant always runs first.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const v = variants[i];
      v.activate();
      (training ? v.train : v.score)();
      for (let s = 0; s < steps && training; s++) train[i].push(cpuMs(v.train));
      for (let s = 0; s < steps; s++) score[i].push(cpuMs(v.score));
    }
  }
  console.log(
    `\n${name}, ${kernel} kernel, batch ${batchSize}: CPU ms, median of ${rounds} rounds x ${steps} (load average ` +
      `${(await import('os')).loadavg()[0].toFixed(1)})`,
  );
  const summary = (xs: number[]) => `${median(xs).toFixed(1).padStart(7)} (min ${Math.min(...xs).toFixed(1)})`;
  for (const [i, v] of variants.entries()) {
    const trainPart = training ? `training step ${summary(train[i])}   ` : '';
    console.log(`${v.label.padEnd(24)} ${trainPart}scoring pass ${summary(score[i])}`);
  }
  if (process.argv.includes('--samples')) {
    const samples = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
    for (const [i, v] of variants.entries())
      console.log(`${v.label}: ${training ? `training ${samples(train[i])}; ` : ''}scoring ${samples(score[i])}`);
  }
  const ratio = (xs: number[][]) => `${(median(xs[0]) / median(xs[1])).toFixed(2)}x`;
  console.log(
    `${'ratio before/after'.padEnd(24)} ${training ? `training ${ratio(train)}   ` : ''}scoring ${ratio(score)}`,
  );
  variants.forEach((v) => v.dispose());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

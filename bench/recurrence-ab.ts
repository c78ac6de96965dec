/**
 * A/B in one process: a model at the bench shape with one of the kit's custom wasm kernels
 * against the tf-ops path it replaces (kernel unregistered):
 *   --kernel recurrence (default): the GRU recurrence as one kernel per pass (src/kernels/gruRecurrence.ts);
 *   --kernel attention: the scoring pass of the attention unit (src/kernels/attentionUnit.ts);
 *   --kernel scoring: all scoring changes: the attention kernel, the recurrence's forward skipping
 *     idle (padded) steps and GruLayer projecting only real steps (before: `skipIdle` forced off,
 *     every step projected).
 * Alternates the two in rounds and reports CPU time (process.cpuUsage) per training step and
 * per scoring pass, their ratio, and kernel dispatches per step. `--score-only` skips the
 * training steps and scores batches without auxiliary negatives (as `scoreSplit`); `--batch n`
 * sets the batch size (bench: 128; the trainer scores at 512).
 *
 *   nice -n 10 node --import tsx bench/recurrence-ab.ts [--kernel recurrence|attention|scoring]
 *     [--rounds 6] [--steps 4] [--model dien] [--batch 128] [--score-only] [--samples]
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
import { GruLayer } from '../src/layers/gru';
import { recurrenceKernelsInstalled } from '../src/layers/gruRecurrence';
import { denseFast } from '../src/ops';
import { createModel } from '../src/models';
import { createOptimizer } from '../src/train/optimizers';
import { predict, trainStep } from '../src/train/step';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const attentionInstalled = (): boolean => tf.getKernel(ATTENTION_UNIT_KERNEL, 'wasm') !== undefined;

function setRecurrence(on: boolean): void {
  if (on) registerWasmGruRecurrence();
  else
    for (const name of [GRU_RECURRENCE_KERNEL, GRU_RECURRENCE_GRAD_KERNEL])
      if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
}

function setAttention(on: boolean): void {
  if (on) registerWasmAttentionUnit();
  else if (attentionInstalled()) tf.unregisterKernel(ATTENTION_UNIT_KERNEL, 'wasm');
}

/** The recurrence's forward kernel as before its `skipIdle` attr: every row in every step. */
function setRecurrenceWithoutSkipping(): void {
  setRecurrence(true);
  const forward = tf.getKernel(GRU_RECURRENCE_KERNEL, 'wasm') as tf.KernelConfig;
  tf.unregisterKernel(GRU_RECURRENCE_KERNEL, 'wasm');
  tf.registerKernel({
    ...forward,
    kernelFunc: (args) => forward.kernelFunc({ ...args, attrs: { ...args.attrs, skipIdle: false } }),
  });
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

/** Per choice: turns the "after" (on) or "before" (off) state on, and checks it is on. */
const KERNELS = {
  recurrence: (on: boolean) => {
    setRecurrence(on);
    return recurrenceKernelsInstalled() === on;
  },
  attention: (on: boolean) => {
    setAttention(on);
    return attentionInstalled() === on;
  },
  // The whole scoring change: the attention kernel, and the recurrence skipping idle steps and their projections.
  scoring: (on: boolean) => {
    setRecurrence(false);
    if (on) setRecurrence(true);
    else setRecurrenceWithoutSkipping();
    setProjectionOfRealSteps(on);
    setAttention(on);
    return attentionInstalled() === on && recurrenceKernelsInstalled();
  },
};
type KernelChoice = keyof typeof KERNELS;

function useKernel(kernel: KernelChoice, on: boolean): void {
  if (!KERNELS[kernel](on))
    throw new Error(`bench/recurrence-ab.ts: could not turn the ${kernel} kernel ${on ? 'on' : 'off'}`);
}

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

async function main(): Promise<void> {
  const name = arg('--model', 'dien') as BenchModelName;
  if (!BENCH_MODELS.includes(name))
    throw new Error(`bench/recurrence-ab.ts: --model must be one of ${BENCH_MODELS.join(', ')}, got ${name}`);
  const kernel = arg('--kernel', 'recurrence') as KernelChoice;
  if (!(kernel in KERNELS))
    throw new Error(
      `bench/recurrence-ab.ts: --kernel must be one of ${Object.keys(KERNELS).join(', ')}, got ${kernel}`,
    );
  const rounds = Number(arg('--rounds', '6'));
  const steps = Number(arg('--steps', '4'));
  const batchSize = Number(arg('--batch', String(BENCH_SHAPE.batchSize)));
  const training = !process.argv.includes('--score-only');
  const backend = await useBestBackend({ quiet: true });
  if (backend.name !== 'wasm') throw new Error(`bench/recurrence-ab.ts: needs the wasm backend, got ${backend.name}`);
  const { batches, sizes } = makeBenchBatches(8, 1, { ...BENCH_SHAPE, batchSize });
  // Scored as scoreSplit scores (no auxiliary negatives in the batch) when only scoring.
  const scored = training ? batches : batches.map(withoutNegatives);
  const model = createModel(name, benchModelOverrides(name), sizes, 1);
  const optimizer = createOptimizer({ ...BENCH_OPTIMIZER });
  const variants = [
    { label: 'before (kernel off)', on: false },
    { label: 'after (kernel on)', on: true },
  ];
  const train: number[][] = [[], []];
  const score: number[][] = [[], []];
  let batch = 0;
  for (const v of variants) {
    useKernel(kernel, v.on);
    for (let w = 0; w < 4; w++) trainStep(model, batches[batch++ % batches.length], optimizer);
    // One profile at a time: tf.profile reuses its record object.
    const trainKernels = training
      ? (await tf.profile(() => void trainStep(model, batches[batch++ % batches.length], optimizer))).kernels.length
      : NaN;
    const scoreKernels = (await tf.profile(() => void predict(model, scored[batch++ % batches.length]))).kernels.length;
    console.log(
      `${v.label.padEnd(20)} kernel dispatches: ${trainKernels} per training step, ${scoreKernels} per scoring pass`,
    );
  }
  const probabilities = variants.map((v) => {
    useKernel(kernel, v.on);
    return predict(model, scored[0]);
  });
  const maxDiff = probabilities[0].reduce((m, p, i) => Math.max(m, Math.abs(p - probabilities[1][i])), 0);
  console.log(`scores of one batch, before vs after: max |dp| ${maxDiff.toExponential(1)}`);
  for (let r = 0; r < rounds; r++) {
    // Alternate the order in each round so that neither variant always runs first.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      useKernel(kernel, variants[i].on);
      if (training) trainStep(model, batches[batch++ % batches.length], optimizer);
      else predict(model, scored[batch++ % batches.length]);
      for (let s = 0; s < steps && training; s++)
        train[i].push(cpuMs(() => trainStep(model, batches[batch++ % batches.length], optimizer)));
      for (let s = 0; s < steps; s++) score[i].push(cpuMs(() => predict(model, scored[batch++ % batches.length])));
    }
  }
  console.log(
    `\n${name}, ${kernel} kernel, batch ${batchSize}: CPU ms, median of ${rounds} rounds x ${steps} (load average ` +
      `${(await import('os')).loadavg()[0].toFixed(1)})`,
  );
  for (const [i, v] of variants.entries()) {
    console.log(
      `${v.label.padEnd(20)} training step ${median(train[i]).toFixed(1).padStart(7)}  ` +
        ` scoring pass ${median(score[i]).toFixed(1).padStart(7)}`,
    );
  }
  if (process.argv.includes('--samples')) {
    for (const [i, v] of variants.entries())
      console.log(
        `${v.label}: training ${train[i].map((x) => x.toFixed(0)).join(' ')}; scoring ` +
          `${score[i].map((x) => x.toFixed(0)).join(' ')}`,
      );
  }
  console.log(
    `${'ratio before/after'.padEnd(20)} training ` +
      `${(median(train[0]) / median(train[1])).toFixed(2)}x   scoring ` +
      `${(median(score[0]) / median(score[1])).toFixed(2)}x`,
  );
  model.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

/**
 * A/B in one process: a model at the bench shape with one of the kit's custom wasm kernel pairs
 * against the tf ops they replace (kernels unregistered): `--kernel recurrence` (default, the
 * GRU recurrence, src/kernels/gruRecurrence.ts; model dien) or `--kernel attention` (the masked
 * multi-head attention, src/kernels/maskedAttention.ts; model dmin). Alternates the two in rounds
 * and reports CPU time (process.cpuUsage) per training step and per scoring pass, their ratio,
 * and kernel dispatches per step.
 *
 *   nice -n 10 node --import tsx bench/recurrence-ab.ts [--kernel recurrence|attention] [--rounds 6] [--steps 4]
 *     [--model dien|dmin|...] [--samples]
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { makeBenchBatches } from '../src/bench/batches';
import { BENCH_MODELS, BENCH_OPTIMIZER, benchModelOverrides, BenchModelName } from '../src/bench/shape';
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
import { recurrenceKernelsInstalled } from '../src/layers/gruRecurrence';
import { attentionKernelsInstalled } from '../src/layers/headAttention';
import { createModel } from '../src/models';
import { createOptimizer } from '../src/train/optimizers';
import { predict, trainStep } from '../src/train/step';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Each kernel pair: its kernel names, how to register it, whether it is active, its default model. */
const KERNEL_PAIRS = {
  recurrence: {
    names: [GRU_RECURRENCE_KERNEL, GRU_RECURRENCE_GRAD_KERNEL],
    register: registerWasmGruRecurrence,
    installed: recurrenceKernelsInstalled,
    model: 'dien',
  },
  attention: {
    names: [MASKED_ATTENTION_KERNEL, MASKED_ATTENTION_GRAD_KERNEL],
    register: registerWasmMaskedAttention,
    installed: attentionKernelsInstalled,
    model: 'dmin',
  },
} as const;
type KernelPair = (typeof KERNEL_PAIRS)[keyof typeof KERNEL_PAIRS];

function useKernel(pair: KernelPair, on: boolean): void {
  if (on) pair.register();
  else for (const name of pair.names) if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  if (pair.installed() !== on)
    throw new Error(`bench/recurrence-ab.ts: could not turn the kernels ${pair.names} ${on ? 'on' : 'off'}`);
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
  const kernel = arg('--kernel', 'recurrence');
  if (!(kernel in KERNEL_PAIRS))
    throw new Error(`bench/recurrence-ab.ts: --kernel must be one of ${Object.keys(KERNEL_PAIRS)}, got ${kernel}`);
  const pair = KERNEL_PAIRS[kernel as keyof typeof KERNEL_PAIRS];
  const name = arg('--model', pair.model) as BenchModelName;
  if (!BENCH_MODELS.includes(name))
    throw new Error(`bench/recurrence-ab.ts: --model must be one of ${BENCH_MODELS.join(', ')}, got ${name}`);
  const rounds = Number(arg('--rounds', '6'));
  const steps = Number(arg('--steps', '4'));
  const backend = await useBestBackend({ quiet: true });
  if (backend.name !== 'wasm') throw new Error(`bench/recurrence-ab.ts: needs the wasm backend, got ${backend.name}`);
  const { batches, sizes } = makeBenchBatches(8, 1);
  const model = createModel(name, benchModelOverrides(name), sizes, 1);
  const optimizer = createOptimizer({ ...BENCH_OPTIMIZER });
  const variants = [
    { label: 'tf ops (before)', on: false },
    { label: 'one kernel (after)', on: true },
  ];
  const train: number[][] = [[], []];
  const score: number[][] = [[], []];
  let batch = 0;
  for (const v of variants) {
    useKernel(pair, v.on);
    for (let w = 0; w < 4; w++) trainStep(model, batches[batch++ % batches.length], optimizer);
    // One profile at a time: tf.profile reuses its record object.
    const trainKernels = (await tf.profile(() => void trainStep(model, batches[batch++ % batches.length], optimizer)))
      .kernels.length;
    const scoreKernels = (await tf.profile(() => void predict(model, batches[batch++ % batches.length]))).kernels
      .length;
    console.log(
      `${v.label.padEnd(20)} kernel dispatches: ${trainKernels} per training step, ${scoreKernels} per scoring pass`,
    );
  }
  for (let r = 0; r < rounds; r++) {
    // Alternate the order in each round so that neither variant always runs first.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      useKernel(pair, variants[i].on);
      trainStep(model, batches[batch++ % batches.length], optimizer);
      for (let s = 0; s < steps; s++)
        train[i].push(cpuMs(() => trainStep(model, batches[batch++ % batches.length], optimizer)));
      for (let s = 0; s < steps; s++) score[i].push(cpuMs(() => predict(model, batches[batch++ % batches.length])));
    }
  }
  console.log(
    `\n${name}: CPU ms, median of ${rounds} rounds x ${steps} (load average ` +
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

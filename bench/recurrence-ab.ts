/**
 * A/B in one process: a model at the bench shape with one of the kit's custom wasm kernel pairs
 * against the tf ops they replace (kernels unregistered): `--kernel recurrence` (default, the
 * GRU recurrence, src/kernels/gruRecurrence.ts; model dien) or `--kernel mha` (the masked
 * multi-head attention, src/kernels/maskedAttention.ts; model dmin). Alternates the two in rounds
 * and reports CPU time (process.cpuUsage) per training step and per scoring pass, their ratio,
 * and kernel dispatches per step (medians, and minima: the least disturbed by other processes).
 * `--base <git ref>` instead compares the kit's code at that commit
 * (its src/ extracted into node_modules/.cache/dil-ab-base/) with the working tree, kernels on.
 *
 *   nice -n 10 node --import tsx bench/recurrence-ab.ts [--kernel recurrence|mha] [--base main]
 *     [--rounds 6] [--steps 4] [--model dien|dmin|...] [--samples]
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
  mha: {
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

/** One side of the A/B: a model with its own trainStep / predict / optimizer, and what to switch before it runs. */
interface Variant {
  label: string;
  activate: () => void;
  train: () => void;
  score: () => void;
  dispose: () => void;
}

type Batches = ReturnType<typeof makeBenchBatches>['batches'];

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
  data: ReturnType<typeof makeBenchBatches>,
  next: () => number,
  activate: () => void,
): Variant {
  const model = kit.createModel(name, benchModelOverrides(name), data.sizes, 1);
  const optimizer = kit.createOptimizer({ ...BENCH_OPTIMIZER });
  const batches: Batches = data.batches;
  return {
    label,
    activate,
    train: () => void kit.trainStep(model, batches[next() % batches.length], optimizer),
    score: () => void kit.predict(model, batches[next() % batches.length]),
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
  if (!(kernel in KERNEL_PAIRS))
    throw new Error(`bench/recurrence-ab.ts: --kernel must be one of ${Object.keys(KERNEL_PAIRS)}, got ${kernel}`);
  const pair = KERNEL_PAIRS[kernel as keyof typeof KERNEL_PAIRS];
  const base = arg('--base', '');
  const name = arg('--model', pair.model) as BenchModelName;
  if (!BENCH_MODELS.includes(name))
    throw new Error(`bench/recurrence-ab.ts: --model must be one of ${BENCH_MODELS.join(', ')}, got ${name}`);
  const rounds = Number(arg('--rounds', '6'));
  const steps = Number(arg('--steps', '4'));
  const backend = await useBestBackend({ quiet: true });
  if (backend.name !== 'wasm') throw new Error(`bench/recurrence-ab.ts: needs the wasm backend, got ${backend.name}`);
  const data = makeBenchBatches(8, 1);
  let batch = 0;
  const next = () => batch++;
  const here: Kit = { createModel, createOptimizer, trainStep, predict };
  // --base: the kit's code at that commit against the working tree (all kernels registered for
  // both: a kernel the base code does not call costs nothing); otherwise the kernels off and on.
  const variants: Variant[] = base
    ? [
        variantOf(await baseKit(base), `at ${base} (before)`, name, data, next, () => useKernel(pair, true)),
        variantOf(here, 'working tree (after)', name, data, next, () => useKernel(pair, true)),
      ]
    : [
        variantOf(here, 'tf ops (before)', name, data, next, () => useKernel(pair, false)),
        variantOf(here, 'one kernel (after)', name, data, next, () => useKernel(pair, true)),
      ];
  const train: number[][] = [[], []];
  const score: number[][] = [[], []];
  for (const v of variants) {
    v.activate();
    for (let w = 0; w < 4; w++) v.train();
    // One profile at a time: tf.profile reuses its record object.
    const trainKernels = (await tf.profile(() => v.train())).kernels.length;
    const scoreKernels = (await tf.profile(() => v.score())).kernels.length;
    console.log(
      `${v.label.padEnd(24)} kernel dispatches: ${trainKernels} per training step, ${scoreKernels} per scoring pass`,
    );
  }
  for (let r = 0; r < rounds; r++) {
    // Alternate the order in each round so that neither variant always runs first.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const v = variants[i];
      v.activate();
      v.train();
      for (let s = 0; s < steps; s++) train[i].push(cpuMs(v.train));
      for (let s = 0; s < steps; s++) score[i].push(cpuMs(v.score));
    }
  }
  console.log(
    `\n${name}: CPU ms, median of ${rounds} rounds x ${steps} (load average ` +
      `${(await import('os')).loadavg()[0].toFixed(1)})`,
  );
  for (const [i, v] of variants.entries()) {
    console.log(
      `${v.label.padEnd(24)} training step ${median(train[i]).toFixed(1).padStart(7)} (min ` +
        `${Math.min(...train[i]).toFixed(1)})   scoring pass ${median(score[i]).toFixed(1).padStart(7)} (min ` +
        `${Math.min(...score[i]).toFixed(1)})`,
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
    `${'ratio before/after'.padEnd(24)} training ` +
      `${(median(train[0]) / median(train[1])).toFixed(2)}x   scoring ` +
      `${(median(score[0]) / median(score[1])).toFixed(2)}x`,
  );
  variants.forEach((v) => v.dispose());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

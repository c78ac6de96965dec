/**
 * Profiles one model's training step at the bench shape: wall time of each phase of
 * `trainStep` (prepare, forward, forward + backward, reading gradients, optimizer updates)
 * and the wasm kernels by total time (tf.profile). For finding hot spots, not a benchmark.
 *
 *   node --import tsx bench/profile.ts din [--steps 10] [--top 25] [--score: kernels of predict instead of trainStep]
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { makeBenchBatches } from '../src/bench/batches';
import { checkPositionals, positionalChoice, runScriptMain } from '../src/bench/script';
import { summarize } from '../src/bench/stats';
import { BENCH_MODELS, BENCH_OPTIMIZER, benchModelOverrides, BenchModelName } from '../src/bench/shape';
import { CommandSpec, flagAtLeast, flagBool, ParsedArgs } from '../src/cli/args';
import { createModel } from '../src/models';
import { installFastWasmKernels } from '../src/ops';
import { createOptimizer } from '../src/train/optimizers';
import { predict, sigmoidCrossEntropy, trainStep } from '../src/train/step';

const COMMAND: CommandSpec = {
  name: 'profile',
  label: 'bench/profile.ts',
  summary:
    "Profiles one model's training step at the bench shape: the phases of trainStep and the wasm kernels by time.",
  usage: `node --import tsx bench/profile.ts <${BENCH_MODELS.join('|')}> [flags]`,
  flags: [
    { name: 'steps', type: 'int', description: 'steps timed per phase', defaultText: '10' },
    { name: 'top', type: 'int', description: 'kernels listed', defaultText: '25' },
    { name: 'score', type: 'boolean', description: 'kernels of predict instead of trainStep' },
    {
      name: 'original-kernels',
      type: 'boolean',
      description: "the wasm backend's own kernels, not the copy-free replacements",
    },
  ],
  examples: ['node --import tsx bench/profile.ts dien --steps 10 --top 25'],
};

async function main(args: ParsedArgs): Promise<void> {
  checkPositionals(COMMAND, args, 1);
  const name: BenchModelName = positionalChoice(COMMAND, args, 0, 'model', BENCH_MODELS);
  const steps = flagAtLeast(COMMAND, args, 'steps', 1) ?? 10;
  const top = flagAtLeast(COMMAND, args, 'top', 1) ?? 25;
  const backend = await useBestBackend();
  if (backend.name === 'wasm' && !flagBool(args, 'original-kernels')) installFastWasmKernels();
  const { batches, sizes } = makeBenchBatches(8, 1);
  const model = createModel(name, benchModelOverrides(name), sizes, 1);
  const optimizer = createOptimizer({ ...BENCH_OPTIMIZER });
  for (let i = 0; i < 5; i++) trainStep(model, batches[i % batches.length], optimizer);

  // Wall time and this process's CPU time (user + system): on a shared, overloaded machine the
  // CPU time is the better estimate of the work; the wall time includes waiting for a core.
  const timeIt = (label: string, f: (i: number) => void) => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < steps; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      f(i);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const s = summarize(wall);
    const sc = summarize(cpu);
    console.log(
      `${label.padEnd(44)} wall median ${s.median.toFixed(1).padStart(7)} ms (min ` +
        `${s.min.toFixed(1).padStart(6)})   cpu median ` +
        `${sc.median.toFixed(1).padStart(7)} ms`,
    );
    return sc.median;
  };
  const labels = (b: (typeof batches)[number]) => tf.tensor1d(b.labels);
  console.log(`\n${name}: phases of one training step (median of ${steps})`);
  const full = timeIt('trainStep (everything)', (i) => trainStep(model, batches[i % batches.length], optimizer));
  timeIt('prepare + dispose', (i) => model.prepare(batches[i % batches.length]).dispose());
  timeIt('prepare + forward(training) + loss', (i) => {
    const inputs = model.prepare(batches[i % batches.length]);
    tf.tidy(() => {
      const out = model.forward(inputs, true);
      const y = labels(batches[i % batches.length]);
      const l = sigmoidCrossEntropy(out.logit, y as tf.Tensor1D);
      (out.auxLoss ? tf.add(l, out.auxLoss) : l).dataSync();
    });
    inputs.dispose();
  });
  const fb = timeIt('prepare + forward + backward (no update)', (i) => {
    const b = batches[i % batches.length];
    const inputs = model.prepare(b);
    const xs = [...model.trainableVariables().map((d) => d.variable), ...inputs.leaves()];
    const y = labels(b);
    const { value, grads } = tf.engine().gradients(
      () => {
        const out = model.forward(inputs, true);
        const l = sigmoidCrossEntropy(out.logit, y as tf.Tensor1D);
        return out.auxLoss ? (tf.add(l, out.auxLoss) as tf.Scalar) : l;
      },
      xs,
      undefined,
      true,
    );
    for (const g of grads) g?.dataSync();
    tf.dispose([value, y, ...grads.filter((g): g is tf.Tensor => g !== null)]);
    inputs.dispose();
  });
  console.log(`${'=> updates + bookkeeping in trainStep (cpu)'.padEnd(44)} ~${(full - fb).toFixed(1)} ms`);
  timeIt('predict (scoring)', (i) => predict(model, batches[i % batches.length]));

  // Kernel-level CPU time: wrap every registered kernel of the active backend.
  const byName = new Map<string, { ms: number; calls: number }>();
  const byShape = new Map<string, { ms: number; calls: number }>();
  let recording = false;
  const backendName = tf.getBackend();
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
        if (!recording) return inner(args);
        const c0 = process.cpuUsage();
        const out = inner(args);
        const c = process.cpuUsage(c0);
        const ms = (c.user + c.system) / 1000;
        const a = byName.get(config.kernelName) ?? { ms: 0, calls: 0 };
        a.ms += ms;
        a.calls += 1;
        byName.set(config.kernelName, a);
        const shapes = Object.values(args.inputs)
          .map((t) => (t ? `[${(t as tf.TensorInfo).shape}]` : '-'))
          .join(',');
        const key = `${config.kernelName} ${shapes}`;
        const k = byShape.get(key) ?? { ms: 0, calls: 0 };
        k.ms += ms;
        k.calls += 1;
        byShape.set(key, k);
        return out;
      }) as tf.KernelFunc,
    });
  }
  const profiled = Math.max(3, Math.min(steps, 10));
  const c0 = process.cpuUsage();
  recording = true;
  const scoring = flagBool(args, 'score');
  for (let i = 0; i < profiled; i++) {
    if (scoring) predict(model, batches[i % batches.length]);
    else trainStep(model, batches[i % batches.length], optimizer);
  }
  recording = false;
  const cAll = process.cpuUsage(c0);
  const stepCpu = (cAll.user + cAll.system) / 1000 / profiled;
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0) / profiled;
  const dispatches = [...byName.values()].reduce((a, b) => a + b.calls, 0) / profiled;
  console.log(
    `\nkernels per ${scoring ? 'scoring pass' : 'training step'} (CPU time, mean of ` +
      `${profiled} steps): ${dispatches.toFixed(0)} dispatches, ${total.toFixed(1)} ms ` +
      `in kernels of ${stepCpu.toFixed(1)} ms CPU per step (the rest: tfjs bookkeeping, ` +
      `JS optimizer, copies)`,
  );
  for (const [k, v] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(
      `  ${k.padEnd(24)} ${(v.ms / profiled).toFixed(2).padStart(7)} ms  ` +
        `${String(Math.round(v.calls / profiled)).padStart(5)} calls`,
    );
  }
  console.log('\nby kernel and input shapes:');
  for (const [k, v] of [...byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(
      `  ${(v.ms / profiled).toFixed(2).padStart(7)} ms ` +
        `${String(Math.round(v.calls / profiled)).padStart(4)}x  ${k.slice(0, 140)}`,
    );
  }
  model.dispose();
}

runScriptMain(COMMAND, main);

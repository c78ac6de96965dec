/**
 * Profiles one model's training step at the bench shape: wall time of each phase of
 * `trainStep` (prepare, forward, forward + backward, reading gradients, optimizer updates)
 * and the wasm kernels by total time (tf.profile). For finding hot spots, not a benchmark.
 *
 *   node --import tsx bench/profile.ts din [--steps 10] [--top 25]
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { makeBenchBatches } from '../src/bench/batches';
import { summarize } from '../src/bench/stats';
import { BENCH_MODELS, BENCH_OPTIMIZER, benchModelOverrides, BenchModelName } from '../src/bench/shape';
import { createModel } from '../src/models';
import { ensureBenchModelsRegistered } from '../src/bench/runBench';
import { installFastWasmSliceKernels } from '../src/ops';
import { createOptimizer } from '../src/train/optimizers';
import { predict, sigmoidCrossEntropy, trainStep } from '../src/train/step';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const name = process.argv[2] as BenchModelName;
  if (!BENCH_MODELS.includes(name)) throw new Error(`usage: bench/profile.ts <${BENCH_MODELS.join('|')}> [--steps N] [--top N] [--original-kernels]`);
  const steps = arg('--steps', 10);
  const top = arg('--top', 25);
  const backend = await useBestBackend();
  if (backend.name === 'wasm' && !process.argv.includes('--original-kernels')) installFastWasmSliceKernels();
  ensureBenchModelsRegistered([name]);
  const { batches, sizes } = makeBenchBatches(8, 1);
  const model = createModel(name, benchModelOverrides(name), sizes, 1);
  const optimizer = createOptimizer({ ...BENCH_OPTIMIZER });
  for (let i = 0; i < 5; i++) trainStep(model, batches[i % batches.length], optimizer);

  const timeIt = (label: string, f: (i: number) => void) => {
    const ms: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      f(i);
      ms.push(performance.now() - t0);
    }
    const s = summarize(ms);
    console.log(`${label.padEnd(46)} median ${s.median.toFixed(1).padStart(7)} ms   min ${s.min.toFixed(1).padStart(7)}   p10 ${s.p10.toFixed(1)}  p90 ${s.p90.toFixed(1)}`);
    // The minimum is the least disturbed by other processes on a shared machine.
    return s.min;
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
    const { value, grads } = tf.engine().gradients(() => {
      const out = model.forward(inputs, true);
      const l = sigmoidCrossEntropy(out.logit, y as tf.Tensor1D);
      return out.auxLoss ? (tf.add(l, out.auxLoss) as tf.Scalar) : l;
    }, xs, undefined, true);
    for (const g of grads) g?.dataSync();
    tf.dispose([value, y, ...grads.filter((g): g is tf.Tensor => g !== null)]);
    inputs.dispose();
  });
  console.log(`${'=> updates + bookkeeping in trainStep (by min)'.padEnd(46)} ~${(full - fb).toFixed(1)} ms`);
  timeIt('predict (scoring)', (i) => predict(model, batches[i % batches.length]));

  const b0 = batches[0];
  const profile = await tf.profile(() => {
    trainStep(model, b0, optimizer);
  });
  const byName = new Map<string, { ms: number; calls: number }>();
  const byShape = new Map<string, { ms: number; calls: number }>();
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const a = byName.get(k.name) ?? { ms: 0, calls: 0 };
    a.ms += ms;
    a.calls += 1;
    byName.set(k.name, a);
    const key = `${k.name} ${JSON.stringify(k.inputShapes)} -> ${JSON.stringify(k.outputShapes)}`;
    const s = byShape.get(key) ?? { ms: 0, calls: 0 };
    s.ms += ms;
    s.calls += 1;
    byShape.set(key, s);
  }
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  console.log(`\nkernels of one training step: ${profile.kernels.length} dispatches, ${total.toFixed(1)} ms of kernel time (profiled; wall time is higher)`);
  for (const [k, v] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(`  ${k.padEnd(24)} ${v.ms.toFixed(1).padStart(7)} ms  ${String(v.calls).padStart(5)} calls`);
  }
  console.log('\nby kernel and shapes:');
  for (const [k, v] of [...byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(`  ${v.ms.toFixed(1).padStart(7)} ms ${String(v.calls).padStart(4)}x  ${k.slice(0, 150)}`);
  }
  model.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

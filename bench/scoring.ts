/**
 * What the scoring path (src/train/step.ts `predict`, used by src/train/evaluate.ts and the
 * bench) costs beyond the forward pass, measured as ratios in one run:
 *   1. the auxiliary loss: DIEN and DMIN compute it in every forward pass, scoring included,
 *      so scoring needs the negatives' embeddings too; timed against a twin model without the
 *      auxiliary loss (same weights: its logits are checked equal), on the same batches;
 *   2. negatives in the batch of a model without an auxiliary loss (DIN, DHAN): their
 *      embeddings are gathered and uploaded for nothing (the bench now drops them, as the
 *      trainer does);
 *   3. the batch size: samples/s at 128 (the bench) and 512 (the trainer's evalBatchSize).
 * Calls of the two sides alternate, so load from other processes hits both alike.
 *
 *   node --import tsx bench/scoring.ts [din,dien,dmin,dhan] [steps]
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { makeBenchBatches } from '../src/bench/batches';
import { withoutNegatives } from '../src/bench/runBench';
import { BENCH_MODELS, BENCH_SHAPE, benchModelOverrides, BenchModelName } from '../src/bench/shape';
import { checkPositionals, positionalInt, positionalList, runScriptMain } from '../src/bench/script';
import { summarize } from '../src/bench/stats';
import type { CommandSpec, ParsedArgs } from '../src/cli/args';
import type { Batch } from '../src/data/batch';
import { createModel, CtrModel } from '../src/models';
import { fastWasmKernelsInstalled, installFastWasmKernels } from '../src/ops';
import { predict } from '../src/train/step';

/** Median samples/s of `a` and `b` scoring their batches, calls alternating. */
function alternate(a: () => number, b: () => number, steps: number): [number, number] {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < 3; i++) {
    a();
    b();
  }
  for (let i = 0; i < steps; i++) {
    let t0 = performance.now();
    const na = a();
    ta.push((performance.now() - t0) / na);
    t0 = performance.now();
    const nb = b();
    tb.push((performance.now() - t0) / nb);
  }
  return [1000 / summarize(ta).median, 1000 / summarize(tb).median];
}

function scorer(model: CtrModel, batches: Batch[]): () => number {
  let i = 0;
  return () => {
    const b = batches[i++ % batches.length];
    predict(model, b);
    return b.size;
  };
}

const COMMAND: CommandSpec = {
  name: 'scoring',
  label: 'bench/scoring.ts',
  summary: 'What scoring costs beyond the forward pass: the auxiliary loss, negatives in the batch, the batch size.',
  usage: 'node --import tsx bench/scoring.ts [models] [steps]',
  flags: [],
  details: [
    `models: a comma list of ${BENCH_MODELS.join(', ')} (default: all); steps: timed calls per side (default 30).`,
  ],
  examples: ['nice -n 10 node --import tsx bench/scoring.ts din,dien,dmin,dhan 30'],
};

async function main(args: ParsedArgs): Promise<void> {
  checkPositionals(COMMAND, args, 2);
  const names: BenchModelName[] = positionalList(COMMAND, args, 0, 'models', BENCH_MODELS, BENCH_MODELS);
  const steps = positionalInt(COMMAND, args, 1, 'steps', 1, 30);
  const backend = await useBestBackend({ quiet: true });
  if (backend.name === 'wasm' && !fastWasmKernelsInstalled()) installFastWasmKernels();
  const small = makeBenchBatches(8, 1);
  const large = makeBenchBatches(4, 1, { ...BENCH_SHAPE, batchSize: 512 });
  const noNegatives = (bs: Batch[]) => bs.map(withoutNegatives);
  console.log(`backend ${backend.name}; ${steps} alternating calls per pair; samples/s (median)`);
  for (const name of names) {
    const overrides = benchModelOverrides(name);
    const model = createModel(name, overrides, large.sizes, 1);
    const [at128, at512] = alternate(scorer(model, small.batches), scorer(model, large.batches), steps);
    console.log(
      `${name}: batch 128 ${Math.round(at128)}, batch 512 ${Math.round(at512)}: x${(at512 / at128).toFixed(2)}`,
    );
    if (model.auxWeight === 0) {
      const [withNeg, withoutNeg] = alternate(
        scorer(model, small.batches),
        scorer(model, noNegatives(small.batches)),
        steps,
      );
      console.log(
        `${name}: batches with negatives ${Math.round(withNeg)} samples/s, without ` +
          `${Math.round(withoutNeg)}: x${(withoutNeg / withNeg).toFixed(2)}`,
      );
    } else {
      const twin = createModel(name, { ...overrides, auxWeight: 0 }, large.sizes, 1);
      const kept = new Set(twin.getWeights().weights.map((w) => w.name));
      twin.setWeights({ model: twin.name, weights: model.getWeights().weights.filter((w) => kept.has(w.name)) });
      const p = predict(model, small.batches[0]);
      const q = predict(twin, noNegatives(small.batches)[0]);
      let diff = 0;
      for (let i = 0; i < p.length; i++) diff = Math.max(diff, Math.abs(p[i] - q[i]));
      const [withAux, withoutAux] = alternate(
        scorer(model, small.batches),
        scorer(twin, noNegatives(small.batches)),
        steps,
      );
      console.log(
        `${name}: scoring computes the auxiliary loss: ${Math.round(withAux)} samples/s; ` +
          `without it (same weights, max |dp| ${diff.toExponential(1)}): ` +
          `${Math.round(withoutAux)}: x${(withoutAux / withAux).toFixed(2)}`,
      );
      twin.dispose();
    }
    model.dispose();
  }
  console.log(`live tensors at the end: ${tf.memory().numTensors}`);
}

runScriptMain(COMMAND, main);

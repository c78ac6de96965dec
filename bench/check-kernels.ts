/**
 * Checks that the copy-free wasm kernels of src/ops (installFastWasmKernels) change no number:
 * for each bench model, the loss and every gradient of one training batch, computed with the
 * stock wasm kernels and then with the replacements, must be bit-identical.
 *
 *   node --import tsx bench/check-kernels.ts [din,dien,dmin,dhan]
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { makeBenchBatches } from '../src/bench/batches';
import { BENCH_MODELS, benchModelOverrides, BenchModelName } from '../src/bench/shape';
import { checkPositionals, positionalList, runScriptMain } from '../src/bench/script';
import type { CommandSpec, ParsedArgs } from '../src/cli/args';
import { createModel } from '../src/models';
import { installFastWasmKernels } from '../src/ops';
import { sigmoidCrossEntropy } from '../src/train/step';

function lossAndGrads(name: BenchModelName): Float32Array[] {
  const { batches, sizes } = makeBenchBatches(1, 3);
  const model = createModel(name, benchModelOverrides(name), sizes, 7);
  const inputs = model.prepare(batches[0]);
  const xs = [...model.trainableVariables().map((d) => d.variable), ...inputs.leaves()];
  const labels = tf.tensor1d(batches[0].labels);
  const { value, grads } = tf.engine().gradients(
    () => {
      const out = model.forward(inputs, true);
      const l = sigmoidCrossEntropy(out.logit, labels);
      return out.auxLoss ? (tf.add(l, out.auxLoss) as tf.Scalar) : l;
    },
    xs,
    undefined,
    true,
  );
  const out = [value, ...grads].map((t) => (t ? Float32Array.from(t.dataSync() as Float32Array) : new Float32Array(0)));
  tf.dispose([value, labels, ...grads.filter((g): g is tf.Tensor => g !== null)]);
  inputs.dispose();
  model.dispose();
  return out;
}

const COMMAND: CommandSpec = {
  name: 'check-kernels',
  label: 'bench/check-kernels.ts',
  summary:
    "Checks that the copy-free wasm kernels change no number: loss and gradients bit-identical to the stock kernels'.",
  usage: 'node --import tsx bench/check-kernels.ts [models]',
  flags: [],
  details: [`models: a comma list of ${BENCH_MODELS.join(', ')} (default: all). Exit code 1 when any differs.`],
  examples: ['node --import tsx bench/check-kernels.ts din,dien'],
};

async function main(args: ParsedArgs): Promise<number> {
  checkPositionals(COMMAND, args, 1);
  const names: BenchModelName[] = positionalList(COMMAND, args, 0, 'models', BENCH_MODELS, BENCH_MODELS);
  const backend = await useBestBackend({ quiet: true });
  if (backend.name !== 'wasm') throw new Error(`needs the wasm backend, running ${backend.name}`);
  const stock = new Map<BenchModelName, Float32Array[]>();
  for (const n of names) stock.set(n, lossAndGrads(n));
  installFastWasmKernels();
  let bad = 0;
  for (const n of names) {
    const fast = lossAndGrads(n);
    const ref = stock.get(n) as Float32Array[];
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++)
      for (let j = 0; j < ref[i].length; j++) maxDiff = Math.max(maxDiff, Math.abs(ref[i][j] - fast[i][j]));
    const same = maxDiff === 0 && ref.length === fast.length;
    if (!same) bad++;
    console.log(
      `${n}: loss ${ref[0][0].toFixed(6)}; ${ref.length - 1} gradients; max |stock - ` +
        `fast| = ${maxDiff} ${same ? 'IDENTICAL' : 'DIFFERENT'}`,
    );
  }
  return bad === 0 ? 0 : 1;
}

runScriptMain(COMMAND, main);

/**
 * Runs `steps` training steps of one model at the bench shape under `node --cpu-prof` and
 * prints the functions with the most self time (JavaScript and wasm), to find hot spots
 * outside the kernels (optimizer loops, copies, tfjs bookkeeping).
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/dil-prof bench/profile-js.ts din [--steps 20]
 *   node --import tsx bench/profile-js.ts --report /tmp/dil-prof/<file>.cpuprofile [--top 30]
 */
import * as fs from 'node:fs';
import { useBestBackend } from '../src/backend';
import { makeBenchBatches } from '../src/bench/batches';
import { checkPositionals, positionalChoice, runScriptMain } from '../src/bench/script';
import { BENCH_MODELS, BENCH_OPTIMIZER, benchModelOverrides, BenchModelName } from '../src/bench/shape';
import { CommandSpec, flagAtLeast, flagString, ParsedArgs } from '../src/cli/args';
import { createModel } from '../src/models';
import { installFastWasmKernels } from '../src/ops';
import { createOptimizer } from '../src/train/optimizers';
import { trainStep } from '../src/train/step';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function report(file: string, top: number): void {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of prof.nodes) {
    const us = self.get(n.id) ?? 0;
    total += us;
    const url = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '');
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${url}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  console.log(`total sampled ${(total / 1000).toFixed(0)} ms; top self time:`);
  for (const [k, us] of [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `  ${(us / 1000).toFixed(1).padStart(8)} ms  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k.slice(0, 150)}`,
    );
  }
}

const COMMAND: CommandSpec = {
  name: 'profile-js',
  label: 'bench/profile-js.ts',
  summary:
    'Training steps of one model at the bench shape to run under node --cpu-prof; ' +
    '--report lists the functions with the most self time.',
  usage:
    `node --import tsx --cpu-prof --cpu-prof-dir=/tmp/dil-prof bench/profile-js.ts ` +
    `<${BENCH_MODELS.join('|')}> [--steps N]   or: bench/profile-js.ts --report ` +
    `<file> [--top N]`,
  flags: [
    { name: 'steps', type: 'int', description: 'training steps to run', defaultText: '20' },
    { name: 'report', type: 'string', description: 'instead: list the top functions of this .cpuprofile' },
    { name: 'top', type: 'int', description: 'functions listed by --report', defaultText: '30' },
  ],
  examples: ['node --import tsx bench/profile-js.ts --report /tmp/dil-prof/<file>.cpuprofile --top 30'],
};

async function main(args: ParsedArgs): Promise<void> {
  const file = flagString(args, 'report');
  if (file !== undefined) {
    checkPositionals(COMMAND, args, 0);
    report(file, flagAtLeast(COMMAND, args, 'top', 1) ?? 30);
    return;
  }
  checkPositionals(COMMAND, args, 1);
  const name: BenchModelName = positionalChoice(COMMAND, args, 0, 'model', BENCH_MODELS);
  const steps = flagAtLeast(COMMAND, args, 'steps', 1) ?? 20;
  const backend = await useBestBackend({ quiet: true });
  if (backend.name === 'wasm') installFastWasmKernels();
  const { batches, sizes } = makeBenchBatches(8, 1);
  const model = createModel(name, benchModelOverrides(name), sizes, 1);
  const optimizer = createOptimizer({ ...BENCH_OPTIMIZER });
  for (let i = 0; i < steps; i++) trainStep(model, batches[i % batches.length], optimizer);
  model.dispose();
}

runScriptMain(COMMAND, main);

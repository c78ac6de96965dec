/**
 * `node --import tsx bench/embedding-adam.ts [steps]`: CPU time of one DIN training step at the
 * bench shape (batch 128, history 50, 60,000 items, 800 categories; src/bench/shape.ts) with
 * lazy and with dense Adam on the embedding tables, interleaved step by step so that load from
 * other processes hits both alike; and of the table update alone (`applySparse` on the batch's
 * rows). Prints medians (ms of CPU time, user + system).
 */
import { useBestBackend } from '../src/backend';
import { makeBenchBatches } from '../src/bench/batches';
import { checkPositionals, positionalInt, runScriptMain } from '../src/bench/script';
import { benchModelOverrides, BENCH_OPTIMIZER } from '../src/bench/shape';
import { summarize } from '../src/bench/stats';
import type { CommandSpec, ParsedArgs } from '../src/cli/args';
import { createModel } from '../src/models';
import { createOptimizer, EmbeddingAdam } from '../src/train/optimizers';
import { trainStep } from '../src/train/step';

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

const COMMAND: CommandSpec = {
  name: 'embedding-adam',
  label: 'bench/embedding-adam.ts',
  summary:
    'CPU time of one DIN training step with lazy and with dense Adam on the ' +
    'embedding tables, and of the table update alone.',
  usage: 'node --import tsx bench/embedding-adam.ts [steps]',
  flags: [],
  details: ['steps: timed steps per kind, after 5 warm-up steps (default 40).'],
  examples: ['node --import tsx bench/embedding-adam.ts 30'],
};

async function main(args: ParsedArgs): Promise<void> {
  checkPositionals(COMMAND, args, 1);
  const steps = positionalInt(COMMAND, args, 0, 'steps', 1, 40);
  await useBestBackend({ quiet: true });
  const { batches, sizes } = makeBenchBatches(16, 1);
  const kinds: EmbeddingAdam[] = ['lazy', 'dense'];
  const runs = kinds.map((kind) => ({
    kind,
    model: createModel('din', benchModelOverrides('din'), sizes, 1),
    optimizer: createOptimizer({ ...BENCH_OPTIMIZER, embeddingAdam: kind }),
    step: [] as number[],
    update: [] as number[],
  }));
  const warmup = 5;
  for (let s = 0; s < warmup + steps; s++) {
    const batch = batches[s % batches.length];
    for (const r of runs) {
      const ms = cpuMs(() => trainStep(r.model, batch, r.optimizer));
      // the table update alone, with the gradients of a fresh lookup (same rows as a step)
      const inputs = r.model.prepare(batch);
      const grads = inputs.leaves().map((l) => new Float32Array(l.size).fill(1e-3));
      const sparse = inputs.sparseGradients(grads);
      inputs.dispose();
      const upd = cpuMs(() => {
        r.optimizer.nextStep();
        for (const g of sparse) r.optimizer.applySparse(g.table.name, g.table.values, g.table.dim, g.ids, g.grads);
      });
      if (s >= warmup) {
        r.step.push(ms);
        r.update.push(upd);
      }
    }
  }
  console.log(
    `DIN at the bench shape (items ${sizes.items}, cats ${sizes.cats[0]}), ${steps} ` +
      `steps after ${warmup} warm-up, CPU ms (median [p10, p90]):`,
  );
  for (const r of runs) {
    const a = summarize(r.step);
    const b = summarize(r.update);
    console.log(
      `  ${r.kind.padEnd(5)} training step ${a.median.toFixed(1)} ` +
        `[${a.p10.toFixed(1)}, ${a.p90.toFixed(1)}]; table update alone ` +
        `${b.median.toFixed(2)} [${b.p10.toFixed(2)}, ${b.p90.toFixed(2)}]`,
    );
    r.model.dispose();
  }
}

runScriptMain(COMMAND, main);

/**
 * Does the threaded SIMD build of tfjs-backend-wasm 4.22 use N threads under Node, and what
 * does it buy? Runs each mode in its own child process (one wasm module per process),
 * alternating modes round by round so that they share the machine's load, and prints per mode
 * the medians of: wall time, process CPU time (all threads), CPU / wall, how many OS threads of
 * the process did at least 10% of the main thread's work, and the CPU time of the busiest
 * thread (on a machine with a free core per thread, the wall time would approach it).
 *
 *   nice -n 10 node --import tsx bench/wasm-threads-probe.ts [--modes 0,1,2] [--rounds 3] [--model din]
 *
 * Mode 0: the stock unthreaded SIMD build. Mode n >= 1: the threaded build with n threads
 * (DIL_WASM_THREADS=n, src/backend.ts). --model adds that bench model's training step at the
 * bench shape (din, dien, dmin or dhan).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { checkPositionals, runScriptMain } from '../src/bench/script';
import { BENCH_MODELS, BenchModelName } from '../src/bench/shape';
import {
  commandLabel,
  CommandSpec,
  flagAtLeast,
  flagList,
  flagNumber,
  flagString,
  ParsedArgs,
  UsageError,
} from '../src/cli/args';

interface Timing {
  label: string;
  wallMs: number;
  cpuMs: number;
  busyThreads: number;
  /** CPU ms per call of the busiest OS thread: the wall time to expect with a free core per thread. */
  busiestMs: number;
}

const COMMAND: CommandSpec = {
  name: 'wasm-threads-probe',
  label: 'bench/wasm-threads-probe.ts',
  summary:
    'Does the threaded SIMD build of tfjs-backend-wasm use N threads under Node, and ' +
    'what does it buy? Each mode in its own child process.',
  usage: 'nice -n 10 node --import tsx bench/wasm-threads-probe.ts [flags]',
  flags: [
    {
      name: 'modes',
      type: 'list',
      description: 'modes: 0 = the unthreaded SIMD build, n >= 1 = the threaded build with n threads',
      defaultText: '0,1,2',
    },
    { name: 'rounds', type: 'int', description: 'child runs per mode, modes alternating', defaultText: '3' },
    {
      name: 'model',
      type: 'string',
      values: BENCH_MODELS,
      description: "adds that bench model's training step to the ops timed",
    },
    {
      name: 'child',
      type: 'int',
      description: 'one mode only, printed as one JSON line (what the probe runs per mode)',
    },
  ],
  examples: ['nice -n 10 node --import tsx bench/wasm-threads-probe.ts --modes 0,2 --rounds 2 --model dmin'],
};

/** Linux's USER_HZ (the unit of /proc/<pid>/task/<tid>/stat times). */
const TICKS_PER_SECOND = 100;

/** CPU clock ticks of each OS thread of this process (Linux /proc). */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(t, Number(fields[11]) + Number(fields[12]));
  }
  return out;
}

function time(label: string, reps: number, f: (i: number) => void): Timing {
  const ticks0 = threadTicks();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) f(i);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6 / reps;
  const c = process.cpuUsage(cpu0);
  const ticks1 = threadTicks();
  const ticks = [...ticks1].map(([t, v]) => v - (ticks0.get(t) ?? 0));
  const main = (ticks1.get(String(process.pid)) ?? 0) - (ticks0.get(String(process.pid)) ?? 0);
  const msPerTick = 1000 / TICKS_PER_SECOND;
  return {
    label,
    wallMs,
    cpuMs: (c.user + c.system) / 1e3 / reps,
    busyThreads: ticks.filter((d) => d > 0 && d >= 0.1 * main).length,
    busiestMs: (Math.max(...ticks) * msPerTick) / reps,
  };
}

async function child(threads: number, modelName: string | undefined): Promise<void> {
  process.env.DIL_BACKEND = 'wasm';
  if (threads > 0) process.env.DIL_WASM_THREADS = String(threads);
  else delete process.env.DIL_WASM_THREADS;
  const { useBestBackend } = await import('../src/backend');
  await useBestBackend({ quiet: true });
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const results: Timing[] = [];
  const shapes: Array<[string, number, number, number, number]> = [
    ['matMul [2048,1024]x[1024,1024]', 2048, 1024, 1024, 6],
    ['matMul [6400,36]x[36,80]', 6400, 36, 80, 600],
  ];
  for (const [label, m, k, n, reps] of shapes) {
    const a = tf.randomNormal([m, k]);
    // A fresh right-hand operand per call: XNNPACK caches the packed operand by tensor.
    const bs = Array.from({ length: reps + 3 }, () => tf.randomNormal([k, n]));
    for (let i = 0; i < 3; i++) tf.matMul(a, bs[reps + i]).dispose();
    // The wasm backend runs each kernel synchronously (its thread pool joins before returning).
    results.push(time(label, reps, (i) => tf.matMul(a, bs[i]).dispose()));
    tf.dispose([a, ...bs]);
  }
  if (modelName) {
    const { makeBenchBatches } = await import('../src/bench/batches');
    const { BENCH_OPTIMIZER, benchModelOverrides } = await import('../src/bench/shape');
    const { createModel } = await import('../src/models');
    const { createOptimizer } = await import('../src/train/optimizers');
    const { trainStep } = await import('../src/train/step');
    const name = modelName as BenchModelName;
    const { batches, sizes } = makeBenchBatches(8, 1);
    const model = createModel(name, benchModelOverrides(name), sizes, 1);
    const optimizer = createOptimizer({ ...BENCH_OPTIMIZER });
    const steps = name === 'din' ? 30 : 8;
    for (let i = 0; i < 5; i++) trainStep(model, batches[i % batches.length], optimizer);
    results.push(
      time(`${name.toUpperCase()} training step (B=128, T=50)`, steps, (i) =>
        trainStep(model, batches[i % batches.length], optimizer),
      ),
    );
  }
  console.log(JSON.stringify({ threads, pool: wasm.getThreadsCount(), results }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function driver(args: ParsedArgs): Promise<void> {
  const modes = (flagList(args, 'modes') ?? ['0', '1', '2']).map(Number);
  if (modes.length === 0 || !modes.every((m) => Number.isInteger(m) && m >= 0)) {
    throw new UsageError(
      `${commandLabel(COMMAND)}: --modes expects a comma list of integers >= 0, got ` +
        `"${flagList(args, 'modes')?.join(',')}"`,
    );
  }
  const rounds = flagAtLeast(COMMAND, args, 'rounds', 1) ?? 3;
  const model = flagString(args, 'model');
  console.log(
    `${new Date().toISOString()}  node ${process.version}  ${os.cpus().length} CPUs  load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const runs = new Map<number, Array<{ pool: number; results: Timing[] }>>();
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 ? [...modes].reverse() : modes) {
      const args = ['--import', 'tsx', __filename, '--child', String(mode), ...(model ? ['--model', model] : [])];
      const out = execFileSync(process.execPath, args, {
        encoding: 'utf8',
        env: { ...process.env, DIL_WASM_THREADS: '' },
      });
      const line = out.trim().split('\n').pop() as string;
      runs.set(mode, [...(runs.get(mode) ?? []), JSON.parse(line)]);
    }
  }
  console.log(
    `load after ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; medians of ${rounds} child runs per mode`,
  );
  const labels = (runs.get(modes[0]) as Array<{ results: Timing[] }>)[0].results.map((t) => t.label);
  for (const label of labels) {
    console.log(`\n${label}`);
    console.log(
      '| mode | XNNPACK pool | wall ms | CPU ms (all threads) | CPU / wall | busy ' +
        'threads | busiest thread CPU ms | wall vs unthreaded | busiest thread vs unthreaded |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    const baseBusiest = runs.has(0)
      ? median(
          (runs.get(0) as Array<{ results: Timing[] }>).map((r) => r.results.find((t) => t.label === label)!.busiestMs),
        )
      : NaN;
    const base = runs.has(0)
      ? median(
          (runs.get(0) as Array<{ results: Timing[] }>).map((r) => r.results.find((t) => t.label === label)!.wallMs),
        )
      : NaN;
    for (const mode of modes) {
      const rs = runs.get(mode) as Array<{ pool: number; results: Timing[] }>;
      const ts = rs.map((r) => r.results.find((t) => t.label === label) as Timing);
      const wall = median(ts.map((t) => t.wallMs));
      const cpu = median(ts.map((t) => t.cpuMs));
      const ratio = median(ts.map((t) => t.cpuMs / t.wallMs));
      const busy = median(ts.map((t) => t.busyThreads));
      const busiest = median(ts.map((t) => t.busiestMs));
      const name = mode === 0 ? 'unthreaded SIMD' : `threaded SIMD, ${mode}`;
      console.log(
        `| ${name} | ${rs[0].pool} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ` +
          `${ratio.toFixed(2)} | ${busy} | ${busiest.toFixed(2)} | ` +
          `${(base / wall).toFixed(2)}x | ${(baseBusiest / busiest).toFixed(2)}x |`,
      );
    }
  }
}

runScriptMain(COMMAND, (args) => {
  checkPositionals(COMMAND, args, 0);
  const mode = flagNumber(args, 'child');
  return mode === undefined ? driver(args) : child(mode, flagString(args, 'model'));
});

/**
 * `dil bench`: forwards to the benchmark entry of src/bench (BENCH engineer), which is
 * expected to export `benchMain(argv: string[]): Promise<number>` from src/bench/index.ts.
 */
import type { CliCommand, CliIo } from '../io';

const HELP = [
  'Usage: dil bench [flags]',
  '',
  'Throughput and memory benchmarks (training steps per second per model, scoring, data building).',
  'Flags are those of the benchmark harness; run `dil bench --help` once it is installed.',
  '',
  'Examples:',
  '  dil bench',
  '  dil bench --models din,dien --batch 128',
  '',
].join('\n');

type BenchModule = { benchMain?: (argv: string[]) => Promise<number> };

async function runBench(argv: string[], io: CliIo): Promise<number> {
  let module: BenchModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    module = require('../../bench') as BenchModule;
  } catch (err) {
    io.err(`dil bench: the benchmark harness (src/bench) is not available: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return 2;
  }
  if (typeof module.benchMain !== 'function') {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(HELP);
      return 0;
    }
    io.err('dil bench: src/bench does not export benchMain(argv) yet');
    return 2;
  }
  return module.benchMain(argv);
}

export const benchCommand: CliCommand = { name: 'bench', summary: 'Throughput and memory benchmarks (src/bench).', run: runBench };

/**
 * `dil bench`: the benchmark harness (`runBenchCommand`, the same as `npm run bench`):
 * training and scoring throughput and memory per model, with a PyTorch reference when
 * available; `--scale` and `--epoch` select the other benchmarks. Flags: BENCH_COMMAND.
 */
import { BENCH_COMMAND, runBenchCommand } from '../../bench';
import type { CliCommand } from '../io';

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: BENCH_COMMAND.summary,
  run: (argv, io) => runBenchCommand(argv, io),
};

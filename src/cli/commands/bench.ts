/**
 * `dil bench`: the benchmark harness of src/bench (`runBenchCommand`): training
 * and scoring throughput and memory per model, with a PyTorch reference when available.
 * Its flags, help and output are the harness's own; `dil bench --help` prints them.
 */
import { runBenchCommand } from '../../bench';
import type { CliCommand } from '../io';

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'Throughput and memory benchmarks per model (src/bench); e.g. dil bench --models din,dien --steps 50',
  run: (argv) => runBenchCommand(argv),
};

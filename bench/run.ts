/**
 * `npm run bench [-- flags]`: the throughput benchmark (see src/bench/runBench.ts,
 * `--help` for flags). Prints a table and writes results/bench/<timestamp>.json + latest.json.
 */
import { runBenchCommand } from '../src/bench';

runBenchCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);

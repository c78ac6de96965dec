/**
 * `node --import tsx bench/agreement.ts [flags]`: the kit with `--preset fuxictr` beside the
 * FuxiCTR peer on the same rows (see src/bench/agreement.ts, `--help` for flags).
 */
import { UsageError } from '../src/cli/args';
import { runAgreementCommand } from '../src/bench/agreement';

runAgreementCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err),
    );
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);

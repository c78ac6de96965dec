/** The `dil` command line (programmatic entry: `cliMain(argv)`). */
export { main as cliMain, mainHelp as cliHelp, COMMANDS as CLI_COMMANDS } from './main';
export { parseArgs as parseCliArgs, formatHelp as formatCliHelp, UsageError as CliUsageError } from './args';
export type { CommandSpec as CliCommandSpec, FlagSpec as CliFlagSpec, ParsedArgs as ParsedCliArgs } from './args';
export type { CliIo, CliCommand } from './io';

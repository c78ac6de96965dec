/** The `dil` command line (programmatic entry: `main(argv)`). */
export { main as cliMain, mainHelp as cliHelp, COMMANDS as CLI_COMMANDS } from './main';
export { parseArgs, formatHelp, UsageError } from './args';
export type { CommandSpec, FlagSpec, FlagType, ParsedArgs } from './args';
export type { CliIo, CliCommand } from './io';

export { buildCli, runCli } from './cli';
export type { CommandContext, CommandDefinition, CommandExample, GlobalOptions, ParsedArgs } from './command';
export { COMMANDS } from './commands';
export { EXIT_INTERRUPTED, EXIT_OK, EXIT_TENANT_FAILED, EXIT_USAGE } from './exit-codes';
export { LOCAL_DIRECTORY_MODE, LOCAL_FILE_MODE, LocalFileReportSink } from './local-report-sink';
export { UnsafeOutputPathError } from './errors';
export { StderrLogger } from './logger';
export type { LogFormat, LogLevel } from './logger';

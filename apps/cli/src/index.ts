export { buildCli, runCli } from './cli';
export type { CommandContext, GlobalOptions } from './cli';
export { EXIT_INTERRUPTED, EXIT_OK, EXIT_TENANT_FAILED, EXIT_USAGE } from './exit-codes';
export { LocalFileReportSink } from './local-report-sink';
export { StderrLogger } from './logger';
export type { LogFormat, LogLevel } from './logger';

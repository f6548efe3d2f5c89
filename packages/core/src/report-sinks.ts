import type { CollectionStage } from './failures';

/**
 * The kinds of report sink, declared once: where a sink's location goes in a tenant's summary
 * entry and in the manifest outcome (`s3Key` / `localPath`, docs/summary-and-exit-codes.md), and the stage a failed
 * write is filed under (it decides the hint). The pipeline only iterates its list of sinks.
 */
export const REPORT_SINK_KINDS = {
  local: { stage: 'LocalWrite', summaryField: 'localPath' },
  s3: { stage: 'S3Upload', summaryField: 's3Key' },
} as const satisfies Record<string, { readonly stage: CollectionStage; readonly summaryField: string }>;

export type ReportSinkKind = keyof typeof REPORT_SINK_KINDS;

/** The summary fields that say where a report went: one per sink kind. */
export type SinkLocationField = (typeof REPORT_SINK_KINDS)[ReportSinkKind]['summaryField'];

export type SinkLocations = { readonly [F in SinkLocationField]?: string };

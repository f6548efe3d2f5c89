import type { CollectionStage } from './failures';
import { ReportWriteError } from './errors';
import type { StoredReport } from './ports';

/**
 * The kinds of report sink, declared once: where a sink's location goes in a tenant's summary
 * entry and in the manifest outcome (`s3Key` / `localPath`, docs/summary-and-exit-codes.md), where the
 * version of the written object goes (S3 `VersionId` in a versioned bucket), where a failed write says
 * whether the object is there anyway (`s3Written`), and the stage a failed write is filed under (it
 * decides the hint). The pipeline only iterates its list of sinks.
 */
export const REPORT_SINK_KINDS = {
  local: { stage: 'LocalWrite', summaryField: 'localPath', versionField: undefined, writtenField: undefined },
  s3: { stage: 'S3Upload', summaryField: 's3Key', versionField: 's3VersionId', writtenField: 's3Written' },
} as const satisfies Record<
  string,
  {
    readonly stage: CollectionStage;
    readonly summaryField: string;
    readonly versionField: string | undefined;
    readonly writtenField: string | undefined;
  }
>;

/** The kind of a {@link ReportSink}: `s3`, or `local` for any other destination (its location is reported as `localPath`). */
export type ReportSinkKind = keyof typeof REPORT_SINK_KINDS;

/** The summary fields that say where a report went: one per sink kind. */
export type SinkLocationField = (typeof REPORT_SINK_KINDS)[ReportSinkKind]['summaryField'];
/** The summary fields that pin the exact object written (a versioned bucket's `VersionId`). */
export type SinkVersionField = NonNullable<(typeof REPORT_SINK_KINDS)[ReportSinkKind]['versionField']>;
/** The summary fields of a failed write: is the object at its key anyway (`true`), not (`false`), or unknown? */
export type SinkWrittenField = NonNullable<(typeof REPORT_SINK_KINDS)[ReportSinkKind]['writtenField']>;

/** Where a written object went, per sink kind (`s3Key`, `localPath`, …), as summaries and manifests report it. */
export type SinkLocations = { readonly [F in SinkLocationField | SinkVersionField]?: string } & {
  readonly [F in SinkWrittenField]?: boolean | 'unknown';
};

/** The summary fields of one successful write. */
export function storedFields(kind: ReportSinkKind, stored: StoredReport): SinkLocations {
  const { summaryField, versionField } = REPORT_SINK_KINDS[kind];
  return { [summaryField]: stored.location, ...(versionField && stored.versionId ? { [versionField]: stored.versionId } : {}) };
}

/** What a failed write left behind, from the ReportWriteError somewhere in the error's causes (none: nothing to say). */
export function writeEvidence(error: unknown): SinkLocations {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ReportWriteError) {
      const { summaryField, writtenField } = REPORT_SINK_KINDS[cause.sinkKind];
      return writtenField ? { [summaryField]: cause.location, [writtenField]: cause.written } : {};
    }
  }
  return {};
}

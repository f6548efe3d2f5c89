import type { ReportObject, ReportSink, StoredReport } from '@orgmeta/core';

/**
 * A ReportSink that keeps every object the pipeline writes in a Map, keyed as it would be in S3.
 * A sink for a database, a queue or another store is the same shape: `write` stores the object
 * all-or-nothing and says where it went, or throws.
 */
export class InMemoryReportSink implements ReportSink {
  /** Not S3: the summary reports its locations as `localPath`. */
  readonly kind = 'local';
  readonly name = 'memory';
  readonly objects = new Map<string, ReportObject>();

  async write(report: ReportObject, signal?: AbortSignal): Promise<StoredReport> {
    // An aborted run must leave nothing behind.
    signal?.throwIfAborted();
    this.objects.set(report.key, report);
    return { location: `memory:${report.key}` };
  }
}

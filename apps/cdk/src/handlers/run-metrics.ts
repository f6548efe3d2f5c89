/**
 * The handlers' own CloudWatch metrics, written as Embedded Metric Format lines on stdout
 * (CloudWatch Logs extracts them: no API call, no extra permission). The stack's alarms read
 * the same names from here.
 */
export const RUN_METRICS = {
  namespace: 'Orgmeta',
  /** Dimension naming the collector (the stack), so two collectors in one account stay apart. */
  collectorDimension: 'Collector',
  /** 1 for each run that finished with every tenant collected and its manifest written. */
  runsSucceeded: 'RunsSucceeded',
} as const;

/** Records one successful run. */
export class RunMetrics {
  constructor(
    private readonly collectorName: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  runSucceeded(runId: string): void {
    const record = {
      _aws: {
        Timestamp: this.clock().getTime(),
        CloudWatchMetrics: [
          {
            Namespace: RUN_METRICS.namespace,
            Dimensions: [[RUN_METRICS.collectorDimension]],
            Metrics: [{ Name: RUN_METRICS.runsSucceeded, Unit: 'Count' }],
          },
        ],
      },
      [RUN_METRICS.collectorDimension]: this.collectorName,
      [RUN_METRICS.runsSucceeded]: 1,
      runId,
    };
    this.write(`${JSON.stringify(record)}\n`);
  }
}

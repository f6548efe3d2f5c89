import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type { CollectorGrants } from './collector-grants';

/** What each mode's construct is given by the stack. */
export interface CollectorModeProps {
  /** The handlers' environment (core's settings, as the CLI reads them). */
  readonly environment: Record<string, string>;
  readonly grants: CollectorGrants;
  readonly logRetention: logs.RetentionDays;
}

/** What the stack needs from a mode's construct: the shared schedule, alarms and outputs hang off it. */
export interface ScheduledCollector {
  /** The role tenants' reader roles must trust (it assumes them). */
  readonly collectorRole: iam.IRole;
  /** Counts failed runs (a tenant failed, or the run could not start). */
  readonly failedRuns: cloudwatch.IMetric;
  /** Counts runs stopped from outside (timed out, aborted), when the mode has such a thing. */
  readonly stoppedRuns?: cloudwatch.IMetric;
  /** How EventBridge Scheduler starts a run, with the schedule's role, retry policy and dead-letter queue. */
  scheduleTarget(options: schedulerTargets.ScheduleTargetBaseProps): scheduler.IScheduleTarget;
}

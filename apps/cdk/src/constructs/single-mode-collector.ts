import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag';
import { OrgmetaFunction } from './orgmeta-function';
import type { CollectorModeProps, ScheduledCollector } from './scheduled-collector';

/** Single mode: one Lambda runs the whole job (fleets that fit in one 15-minute invocation). */
export class SingleModeCollector extends Construct implements ScheduledCollector {
  readonly collectorFunction: OrgmetaFunction;
  readonly collectorRole: iam.IRole;
  readonly failedRuns: cloudwatch.IMetric;

  constructor(scope: Construct, id: string, props: CollectorModeProps) {
    super(scope, id);
    this.collectorFunction = new OrgmetaFunction(this, 'Collector', {
      entryFile: 'collect-all.ts',
      handler: 'handler',
      description: 'orgmeta: collects every tenant and writes the reports and manifest',
      timeout: Duration.minutes(15),
      environment: props.environment,
      logRetention: props.logRetention,
      memorySize: 1024,
      // No overlapping runs.
      reservedConcurrentExecutions: 1,
    });
    const role = this.collectorFunction.executionRole;
    props.grants.readTenants(role);
    props.grants.assumeReaderRoles(role);
    props.grants.writeReports(role);
    props.grants.holdRunLock(role);
    props.grants.readSnapshots(role);
    props.grants.publishChangeEvents(role);
    this.collectorRole = role;
    this.failedRuns = this.collectorFunction.metricErrors({ period: Duration.hours(1), statistic: 'Sum' });
  }

  scheduleTarget(options: schedulerTargets.ScheduleTargetBaseProps): scheduler.IScheduleTarget {
    if (!options.role) throw new Error('the schedule must bring its own role');
    acknowledgeWildcardResources(
      options.role,
      [`${this.collectorFunction.functionArn}:*`],
      "lambda:InvokeFunction on the collector's versions, as the Scheduler target grants it.",
    );
    return new schedulerTargets.LambdaInvoke(this.collectorFunction, options);
  }
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RUN_METRICS } from '../handlers/run-metrics';

/** A daily run plus slack for a late or long one: with no successful run in this window, something is wrong. */
export const SUCCESS_WINDOW = Duration.hours(26);

export interface CollectorAlarmsProps {
  /** The name the handlers give their metrics (COLLECTOR_NAME). */
  readonly collectorName: string;
  /** Counts failed runs (a tenant failed, or the run could not start). */
  readonly failedRuns: cloudwatch.IMetric;
  /** Counts runs stopped from outside (fan-out: timed out or aborted executions). */
  readonly stoppedRuns?: cloudwatch.IMetric;
  /** Where the schedule puts starts that never happened. */
  readonly scheduleDeadLetterQueue: sqs.IQueue;
  /** SNS topic every alarm notifies. */
  readonly alarmTopicArn?: string;
}

/** What tells the operator a run went wrong, or that no run went right. */
export class CollectorAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: CollectorAlarmsProps) {
    super(scope, id);
    const atLeastOnce = (alarmId: string, alarmDescription: string, metric: cloudwatch.IMetric) =>
      this.alarms.push(
        new cloudwatch.Alarm(this, alarmId, {
          alarmDescription,
          metric,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    atLeastOnce(
      'FailedRun',
      'orgmeta: a collection run failed (at least one tenant failed or the run could not start); see the run manifest and logs',
      props.failedRuns,
    );
    if (props.stoppedRuns) {
      atLeastOnce(
        'StoppedRun',
        'orgmeta: a collection run timed out or was aborted before it wrote its manifest; see the execution history',
        props.stoppedRuns,
      );
    }
    atLeastOnce(
      'UndeliveredSchedule',
      "orgmeta: the schedule could not start a run after its retries; the event is in the schedule's dead-letter queue",
      props.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    );
    // The handlers record each run that succeeded; no record at all (nothing ran) is a breach too.
    this.alarms.push(
      new cloudwatch.Alarm(this, 'NoSuccessfulRun', {
        alarmDescription: `orgmeta: no collection run succeeded in the last ${SUCCESS_WINDOW.toHours()} hours (runs failing, not starting, or not scheduled)`,
        metric: new cloudwatch.Metric({
          namespace: RUN_METRICS.namespace,
          metricName: RUN_METRICS.runsSucceeded,
          dimensionsMap: { [RUN_METRICS.collectorDimension]: props.collectorName },
          statistic: 'Sum',
          period: SUCCESS_WINDOW,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
    if (props.alarmTopicArn) {
      const action = new cwActions.SnsAction(sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn));
      for (const alarm of this.alarms) alarm.addAlarmAction(action);
    }
  }
}

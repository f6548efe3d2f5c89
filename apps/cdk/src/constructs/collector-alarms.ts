import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface CollectorAlarmsProps {
  /** Counts failed runs (a tenant failed, or the run could not start). */
  readonly failedRuns: cloudwatch.IMetric;
  /** SNS topic every alarm notifies. */
  readonly alarmTopicArn?: string;
}

/** What tells the operator a run went wrong. */
export class CollectorAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: CollectorAlarmsProps) {
    super(scope, id);
    this.alarms.push(
      new cloudwatch.Alarm(this, 'FailedRun', {
        alarmDescription:
          'orgmeta: a collection run failed (at least one tenant failed or the run could not start); see the run manifest and logs',
        metric: props.failedRuns,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    if (props.alarmTopicArn) {
      const action = new cwActions.SnsAction(sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn));
      for (const alarm of this.alarms) alarm.addAlarmAction(action);
    }
  }
}

import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ScheduledCollector } from './scheduled-collector';

export interface CollectorScheduleProps {
  readonly collector: ScheduledCollector;
  /** EventBridge Scheduler cron fields. */
  readonly cron: scheduler.CronOptionsWithTimezone;
}

/**
 * How hard the schedule tries to start a run when the start itself fails (throttled or
 * unavailable target) before the event goes to the dead-letter queue. Overlapping starts are
 * harmless: single mode has reserved concurrency 1, fan-out refuses to overlap.
 */
export const SCHEDULE_RETRY = { retryAttempts: 5, maxEventAge: Duration.hours(2) };

/**
 * The daily run: an EventBridge Scheduler schedule in its own group, a role only schedules of
 * that group in this account can use, a retry policy, and a dead-letter queue for starts that
 * never happened (the alarms watch it).
 */
export class CollectorSchedule extends Construct {
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CollectorScheduleProps) {
    super(scope, id);
    // A group of its own: the role's trust can then name exactly this group. Deleted with the stack, as its schedule is.
    const group = new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    this.role = new iam.Role(this, 'Role', {
      // Confused-deputy guard: Scheduler scopes aws:SourceArn to the schedule group.
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': group.scheduleGroupArn },
      }),
      description: 'orgmeta: starts the daily run',
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the schedule's dead-letter queue (Scheduler DeadLetterConfig, which cdk-nag does not follow).",
    });
    // `Default`: the schedule keeps the logical ID it had as a direct child of the stack.
    const schedule = new scheduler.Schedule(this, 'Default', {
      description: 'orgmeta: daily collection run',
      scheduleGroup: group,
      schedule: scheduler.ScheduleExpression.cron(props.cron),
      target: props.collector.scheduleTarget({ role: this.role, deadLetterQueue: this.deadLetterQueue, ...SCHEDULE_RETRY }),
    });
    // The schedule names its group by a generated literal, not a reference: order the two explicitly.
    schedule.node.addDependency(group);
  }
}

import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { ScheduledCollector } from './scheduled-collector';

export interface CollectorScheduleProps {
  readonly collector: ScheduledCollector;
  /** EventBridge Scheduler cron fields. */
  readonly cron: scheduler.CronOptionsWithTimezone;
}

/** The daily run: an EventBridge Scheduler schedule with its own role. */
export class CollectorSchedule extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CollectorScheduleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'orgmeta: starts the daily run',
    });
    // `Default`: the schedule keeps the logical ID it had as a direct child of the stack.
    new scheduler.Schedule(this, 'Default', {
      description: 'orgmeta: daily collection run',
      schedule: scheduler.ScheduleExpression.cron(props.cron),
      target: props.collector.scheduleTarget({ role: this.role }),
    });
  }
}

import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cdkJsonContext } from '../src/cdk-json';
import { buildApp } from '../src/main';

/** The app as `cdk synth` builds it (cdk-nag included), without bundling the Lambdas. */
export function synthApp(context: Record<string, unknown> = {}) {
  const app = buildApp(new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } }));
  // cdk-nag runs as a validation plugin: any unacknowledged finding makes synth throw.
  app.synth();
  return {
    collector: Template.fromStack(app.node.findChild('OrgmetaCollector') as Stack),
    reader: Template.fromStack(app.node.findChild('OrgmetaTenantReaderRole') as Stack),
  };
}

/** Every policy statement of a role's inline/default policies. */
export function statementsOf(
  template: Template,
  rolePrefix: string,
): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(rolePrefix))
    .flatMap(
      ([, policy]) =>
        (policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties
          .PolicyDocument.Statement,
    );
}

/** `{ Fn::Join: ['', ['arn:', {Ref: AWS::Partition}, ...parts]] }`, as CDK renders a partition-aware ARN. */
export const partitionArn = (...parts: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] });

/** The single Lambda's environment variables (single mode). */
export function functionEnvironment(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  }[];
  return fn.Properties.Environment.Variables;
}

/** The state machine's definition, with tokens (ARNs) inside its JSON string stood in by `TOKEN`. */
export function stateMachineDefinition(template: Template) {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as {
    Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } };
  }[];
  return JSON.parse(machine.Properties.DefinitionString['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

import { CfnOutput, CfnParameter, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * Exactly the Organizations calls the collector makes in a tenant's organization (the
 * adapters' SdkOrganizationReader; a test keeps the two lists equal): the first three for
 * every run, the last three for --ou-path / INCLUDE_OU_PATH.
 */
export const READER_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListAccounts',
  'organizations:ListTagsForResource',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
];

/**
 * The read-only role to deploy in each tenant's management account (also as a StackSet):
 * trusted only by the collector's role, and only with the tenant's ExternalId.
 * Parameters only, no assets, so the template works without CDK bootstrap.
 */
export class TenantReaderRoleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const roleName = new CfnParameter(this, 'RoleName', {
      type: 'String',
      default: 'OrgMetaReader',
      description: 'Name of the reader role (CROSS_ACCOUNT_ROLE_NAME of the collector)',
    });
    const collectorRoleArn = new CfnParameter(this, 'CollectorRoleArn', {
      type: 'String',
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
      description: "The collector's role ARN (CollectorStack output CollectorRoleArn)",
    });
    const externalId = new CfnParameter(this, 'ExternalId', {
      type: 'String',
      noEcho: true,
      minLength: 2,
      maxLength: 1224,
      allowedPattern: '^[\\w+=,.@:/-]+$',
      description: "This tenant's ExternalId (its external_id attribute, or the collector's CROSS_ACCOUNT_EXTERNAL_ID)",
    });
    const role = new iam.Role(this, 'Reader', {
      roleName: roleName.valueAsString,
      description: 'orgmeta: read-only access to this organization for the account-metadata collector',
      assumedBy: new iam.ArnPrincipal(collectorRoleArn.valueAsString).withConditions({
        StringEquals: { 'sts:ExternalId': externalId.valueAsString },
      }),
      maxSessionDuration: undefined,
      inlinePolicies: {
        ReadOrganization: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ sid: 'ReadOrganization', actions: READER_ACTIONS, resources: ['*'] })],
        }),
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Organizations read actions (DescribeOrganization, ListAccounts, ListRoots…) do not support resource-level permissions.',
    });
    new CfnOutput(this, 'ReaderRoleArn', { value: role.roleArn });
  }
}

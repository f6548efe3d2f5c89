import { ACCOUNT_DETAIL_FAMILIES } from '@orgmeta/core';
import { CfnOutput, CfnParameter, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** One statement of the reader role: a Sid and its actions. */
export interface ReaderStatement {
  readonly sid: string;
  readonly actions: readonly string[];
}

/**
 * Exactly the calls the collector makes in a tenant's organization (the adapters'
 * SdkOrganizationReader; a test keeps the lists equal): the first statement for every run, then
 * one statement per account-detail flag (core's ACCOUNT_DETAIL_FAMILIES), so a tenant that will
 * never use a flag can drop its statement.
 */
export const READER_STATEMENTS: readonly ReaderStatement[] = [
  {
    sid: 'ReadOrganization',
    actions: ['organizations:DescribeOrganization', 'organizations:ListAccounts', 'organizations:ListTagsForResource'],
  },
  ...ACCOUNT_DETAIL_FAMILIES.map((family) => ({ sid: family.stage, actions: family.actions })),
];

/** Every action of the reader role. */
export const READER_ACTIONS: readonly string[] = READER_STATEMENTS.flatMap((statement) => statement.actions);

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
          statements: READER_STATEMENTS.map(
            (statement) => new iam.PolicyStatement({ sid: statement.sid, actions: [...statement.actions], resources: ['*'] }),
          ),
        }),
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Organizations read actions (DescribeOrganization, ListAccounts, ListRoots…) and Account Management reads of member accounts (GetAlternateContact, ListRegions by AccountId) are granted on every account of the organization.',
    });
    new CfnOutput(this, 'ReaderRoleArn', { value: role.roleArn });
  }
}

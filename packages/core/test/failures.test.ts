import { resolveCollectConfig, settingName, type Surface } from '../src';
import { describeFailure, failureContextFor, remediationHint, type FailureContext } from '../src/failures';
import { AwsError } from './fakes';

const CONFIG = resolveCollectConfig({
  flags: {},
  env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
});

function context(surface: Surface): FailureContext {
  return failureContextFor(
    CONFIG,
    { surface, region: 'eu-west-1' },
    { tenantId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/R' },
  );
}

describe('settingName', () => {
  it('names a setting by its flag (and the variable the CLI also reads) in the CLI, by its variable in the Lambda', () => {
    expect(settingName('bucketName', 'cli')).toBe('--bucket / REPORT_BUCKET_NAME');
    expect(settingName('bucketName', 'lambda')).toBe('REPORT_BUCKET_NAME');
    expect(settingName('tenantIds', 'cli')).toBe('--tenant');
    expect(settingName('tenantIds', 'lambda')).toBeUndefined();
  });
});

describe('remediationHint', () => {
  it.each([
    ['S3Upload', 'NoSuchBucket', '--bucket / REPORT_BUCKET_NAME', 'REPORT_BUCKET_NAME'],
    ['TenantTable', 'ResourceNotFoundException', '--table / TENANTS_TABLE_NAME', 'TENANTS_TABLE_NAME'],
    ['ListTagsForResource', 'TooManyRequestsException', '--max-attempts / AWS_MAX_ATTEMPTS', 'AWS_MAX_ATTEMPTS'],
    ['S3Upload', 'KMS.NotFoundException', '--kms-key-id / REPORT_KMS_KEY_ID', 'REPORT_KMS_KEY_ID'],
  ] as const)('at %s with %s names %s in the CLI and %s in the Lambda', (stage, code, cli, lambda) => {
    const inCli = remediationHint(stage, code, context('cli'));
    const inLambda = remediationHint(stage, code, context('lambda'));
    expect(inCli).toContain(cli);
    expect(inLambda).toContain(lambda);
    expect(inLambda).not.toMatch(/(^|\s)--[a-z]/);
  });

  it('tells the CLI user to re-run an interrupted tenant with --tenant, and the Lambda operator about the next run', () => {
    expect(remediationHint('AssumeRole', 'InterruptedError', context('cli'))).toContain('Re-run it with --tenant 111111111111.');
    expect(remediationHint('AssumeRole', 'InterruptedError', context('lambda'))).toContain('The next scheduled run collects it again');
  });

  it('names where the tenant table was looked for', () => {
    expect(remediationHint('TenantTable', 'ResourceNotFoundException', context('cli'))).toBe(
      'Table tenants was not found in eu-west-1; check --table / TENANTS_TABLE_NAME and AWS_REGION.',
    );
    expect(remediationHint('TenantTable', 'AccessDeniedException', context('lambda'))).toContain(
      'dynamodb:Scan and dynamodb:DescribeTable',
    );
  });
});

describe('describeFailure', () => {
  it('files an error under the stage it came from, with its AWS code', () => {
    const failure = describeFailure('ListAccounts', new AwsError('AccessDeniedException', 'no'), context('cli'));
    expect(failure).toEqual({
      code: 'AccessDeniedException',
      message: 'ListAccounts failed: no',
      hint: expect.stringContaining('organizations:ListAccounts'),
    });
  });
});

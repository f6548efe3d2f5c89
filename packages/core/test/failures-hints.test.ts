import { SecretMasker, TenantSourceError, errorCode, resolveCollectConfig, type Surface } from '../src';
import {
  EXTERNAL_ID_MISSING,
  describeFailure,
  externalIdMissing,
  failureContextFor,
  remediationHint,
  rerunTenantHint,
  stalledTenantHint,
  tenantTableFailure,
  type CollectionStage,
  type FailureContext,
} from '../src/failures';
import { TenantCollectionError } from '../src/errors';
import { AwsError } from './fakes';

// Every hint is what an operator acts on, so each one is spelled out whole, on both surfaces.

const CONFIG = resolveCollectConfig({
  flags: {},
  env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
});

function context(surface: Surface, secrets?: SecretMasker): FailureContext {
  return failureContextFor(
    CONFIG,
    { surface, region: 'eu-west-1', secrets },
    { tenantId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/R' },
  );
}

describe('remediationHint, every stage and code family, word for word', () => {
  it.each([
    [
      'cli',
      'TenantTable',
      'ThrottlingException',
      'AWS kept throttling after 8 attempts; re-run later, lower --tenant-concurrency / TENANT_CONCURRENCY and --account-concurrency / ACCOUNT_CONCURRENCY, or raise --max-attempts / AWS_MAX_ATTEMPTS.',
    ],
    [
      'cli',
      'TenantTable',
      'ECONNRESET',
      'A network error persisted through every retry; check connectivity to the AWS endpoints (proxy, VPC endpoints, AWS_ENDPOINT_URL) and re-run.',
    ],
    [
      'cli',
      'ListAccounts',
      'InterruptedError',
      'The run was stopped (Ctrl-C, SIGTERM or a timeout) before this tenant finished. Re-run it with --tenant 111111111111.',
    ],
    [
      'cli',
      'AssumeRole',
      'ExpiredToken',
      "The collector's own AWS credentials are missing, expired or invalid; configure them (AWS_PROFILE, SSO login, or the instance role) and re-run.",
    ],
    [
      'cli',
      'TenantTable',
      'ResourceNotFoundException',
      'Table tenants was not found in eu-west-1; check --table / TENANTS_TABLE_NAME and AWS_REGION.',
    ],
    ['cli', 'TenantTable', 'AccessDeniedException', 'Allow the collector dynamodb:Scan and dynamodb:DescribeTable on table tenants.'],
    ['cli', 'TenantTable', 'Other', "Check the collector's AWS credentials and network access to DynamoDB, then re-run."],
    [
      'cli',
      'AssumeRole',
      'RegionDisabledException',
      'STS is not activated in this region; activate it in IAM account settings or set AWS_REGION to an enabled region.',
    ],
    [
      'cli',
      'AssumeRole',
      'AccessDenied',
      "Make sure arn:aws:iam::111111111111:role/R exists, that its trust policy allows this collector's principal to call sts:AssumeRole (with the tenant's ExternalId condition, if any), and that the collector is allowed sts:AssumeRole on it.",
    ],
    [
      'cli',
      'DescribeOrganization',
      'AWSOrganizationsNotInUseException',
      "Account 111111111111 is not in an AWS Organization; check that tenant_id is the organization's management account ID.",
    ],
    [
      'cli',
      'DescribeOrganization',
      'AccessDeniedException',
      'Allow organizations:DescribeOrganization in the policy of arn:aws:iam::111111111111:role/R (the reader role needs DescribeOrganization, ListAccounts, ListTagsForResource, and ListRoots/ListOrganizationalUnitsForParent/ListAccountsForParent for --ou-path / INCLUDE_OU_PATH).',
    ],
    [
      'cli',
      'ListAccounts',
      'AWSOrganizationsNotInUseException',
      "Account 111111111111 is not in an AWS Organization; check that tenant_id is the organization's management account ID.",
    ],
    [
      'cli',
      'ListAccounts',
      'AccessDeniedException',
      'Allow organizations:ListAccounts in the policy of arn:aws:iam::111111111111:role/R (the reader role needs DescribeOrganization, ListAccounts, ListTagsForResource, and ListRoots/ListOrganizationalUnitsForParent/ListAccountsForParent for --ou-path / INCLUDE_OU_PATH).',
    ],
    [
      'cli',
      'ListTagsForResource',
      'AccessDeniedException',
      'Allow organizations:ListTagsForResource in the policy of arn:aws:iam::111111111111:role/R (the reader role needs DescribeOrganization, ListAccounts, ListTagsForResource, and ListRoots/ListOrganizationalUnitsForParent/ListAccountsForParent for --ou-path / INCLUDE_OU_PATH).',
    ],
    [
      'cli',
      'OuPaths',
      'AccessDeniedException',
      'Allow organizations:ListRoots, DescribeOrganizationalUnit, ListOrganizationalUnitsForParent and ListAccountsForParent in the policy of arn:aws:iam::111111111111:role/R (--ou-path / INCLUDE_OU_PATH needs them), or turn --ou-path / INCLUDE_OU_PATH off.',
    ],
    [
      'cli',
      'LocalWrite',
      'EACCES',
      'Check that the local output directory (--out-dir / LOCAL_OUTPUT_DIR) is writable and the disk has space.',
    ],
    ['cli', 'S3Upload', 'NoSuchBucket', 'Bucket reports does not exist; create it or fix --bucket / REPORT_BUCKET_NAME.'],
    [
      'cli',
      'S3Upload',
      'KMS.NotFoundException',
      'Allow the collector kms:GenerateDataKey on the key in --kms-key-id / REPORT_KMS_KEY_ID, or drop it to use the bucket default encryption.',
    ],
    [
      'cli',
      'S3Upload',
      'AccessDenied',
      "Allow the collector s3:PutObject on arn:aws:s3:::reports/org-accounts/*. The bucket must belong to the collector's own account unless --expected-bucket-owner / REPORT_BUCKET_OWNER names its owner's account ID or --any-bucket-owner / REPORT_ANY_BUCKET_OWNER is set.",
    ],
    [
      'cli',
      'Selection',
      'TenantNotFound',
      'Check the tenant_id, status and service attributes of its item in the tenant table, or drop that --tenant.',
    ],
    [
      'cli',
      'ExternalId',
      'ExternalIdMissing',
      "Add an external_id attribute to the tenant's item in the tenant table (the value the sts:ExternalId condition of its reader role's trust policy expects), or turn off --require-external-id / REQUIRE_EXTERNAL_ID.",
    ],
    [
      'cli',
      'Unexpected',
      'TypeError',
      'An unexpected error stopped this tenant; re-run it with --verbose for the detail, and report it if it persists.',
    ],
    [
      'lambda',
      'TenantTable',
      'ThrottlingException',
      'AWS kept throttling after 8 attempts; re-run later, lower TENANT_CONCURRENCY and ACCOUNT_CONCURRENCY, or raise AWS_MAX_ATTEMPTS.',
    ],
    [
      'lambda',
      'TenantTable',
      'ECONNRESET',
      'A network error persisted through every retry; check connectivity to the AWS endpoints (proxy, VPC endpoints, AWS_ENDPOINT_URL) and re-run.',
    ],
    [
      'lambda',
      'ListAccounts',
      'InterruptedError',
      'The run was stopped (Ctrl-C, SIGTERM or a timeout) before this tenant finished. The next scheduled run collects it again (or start the function now).',
    ],
    [
      'lambda',
      'AssumeRole',
      'ExpiredToken',
      "The function's own AWS credentials are missing, expired or invalid; check its execution role.",
    ],
    [
      'lambda',
      'TenantTable',
      'ResourceNotFoundException',
      'Table tenants was not found in eu-west-1; check TENANTS_TABLE_NAME and AWS_REGION.',
    ],
    ['lambda', 'TenantTable', 'AccessDeniedException', 'Allow the collector dynamodb:Scan and dynamodb:DescribeTable on table tenants.'],
    ['lambda', 'TenantTable', 'Other', "Check the collector's AWS credentials and network access to DynamoDB, then re-run."],
    [
      'lambda',
      'AssumeRole',
      'RegionDisabledException',
      'STS is not activated in this region; activate it in IAM account settings or set AWS_REGION to an enabled region.',
    ],
    [
      'lambda',
      'AssumeRole',
      'AccessDenied',
      "Make sure arn:aws:iam::111111111111:role/R exists, that its trust policy allows this collector's principal to call sts:AssumeRole (with the tenant's ExternalId condition, if any), and that the collector is allowed sts:AssumeRole on it.",
    ],
    [
      'lambda',
      'DescribeOrganization',
      'AWSOrganizationsNotInUseException',
      "Account 111111111111 is not in an AWS Organization; check that tenant_id is the organization's management account ID.",
    ],
    [
      'lambda',
      'DescribeOrganization',
      'AccessDeniedException',
      'Allow organizations:DescribeOrganization in the policy of arn:aws:iam::111111111111:role/R (the reader role needs DescribeOrganization, ListAccounts, ListTagsForResource, and ListRoots/ListOrganizationalUnitsForParent/ListAccountsForParent for INCLUDE_OU_PATH).',
    ],
    [
      'lambda',
      'ListAccounts',
      'AWSOrganizationsNotInUseException',
      "Account 111111111111 is not in an AWS Organization; check that tenant_id is the organization's management account ID.",
    ],
    [
      'lambda',
      'ListAccounts',
      'AccessDeniedException',
      'Allow organizations:ListAccounts in the policy of arn:aws:iam::111111111111:role/R (the reader role needs DescribeOrganization, ListAccounts, ListTagsForResource, and ListRoots/ListOrganizationalUnitsForParent/ListAccountsForParent for INCLUDE_OU_PATH).',
    ],
    [
      'lambda',
      'ListTagsForResource',
      'AccessDeniedException',
      'Allow organizations:ListTagsForResource in the policy of arn:aws:iam::111111111111:role/R (the reader role needs DescribeOrganization, ListAccounts, ListTagsForResource, and ListRoots/ListOrganizationalUnitsForParent/ListAccountsForParent for INCLUDE_OU_PATH).',
    ],
    [
      'lambda',
      'OuPaths',
      'AccessDeniedException',
      'Allow organizations:ListRoots, DescribeOrganizationalUnit, ListOrganizationalUnitsForParent and ListAccountsForParent in the policy of arn:aws:iam::111111111111:role/R (INCLUDE_OU_PATH needs them), or turn INCLUDE_OU_PATH off.',
    ],
    ['lambda', 'LocalWrite', 'EACCES', 'Check that the local output directory (LOCAL_OUTPUT_DIR) is writable and the disk has space.'],
    ['lambda', 'S3Upload', 'NoSuchBucket', 'Bucket reports does not exist; create it or fix REPORT_BUCKET_NAME.'],
    [
      'lambda',
      'S3Upload',
      'KMS.NotFoundException',
      'Allow the collector kms:GenerateDataKey on the key in REPORT_KMS_KEY_ID, or drop it to use the bucket default encryption.',
    ],
    [
      'lambda',
      'S3Upload',
      'AccessDenied',
      "Allow the collector s3:PutObject on arn:aws:s3:::reports/org-accounts/*. The bucket must belong to the collector's own account unless REPORT_BUCKET_OWNER names its owner's account ID or REPORT_ANY_BUCKET_OWNER is set.",
    ],
    [
      'lambda',
      'ExternalId',
      'ExternalIdMissing',
      "Add an external_id attribute to the tenant's item in the tenant table (the value the sts:ExternalId condition of its reader role's trust policy expects), or turn off REQUIRE_EXTERNAL_ID.",
    ],
    [
      'lambda',
      'Unexpected',
      'TypeError',
      'An unexpected error stopped this tenant; the function logs have the detail. Report it if it persists.',
    ],
  ] as const)('%s: at %s with %s', (surface: Surface, stage: CollectionStage, code: string, hint: string) => {
    expect(remediationHint(stage, code, context(surface))).toBe(hint);
  });

  it('spots a KMS failure by a KMS code anywhere in the code, not only a KMS. prefix', () => {
    expect(remediationHint('S3Upload', 'AWSKMSException', context('cli'))).toContain('kms:GenerateDataKey');
    expect(remediationHint('S3Upload', 'NotKms', context('cli'))).toContain('s3:PutObject');
  });

  it('gives the throttling, network and credential hints whatever the stage', () => {
    for (const stage of ['S3Upload', 'OuPaths', 'Unexpected'] as const) {
      expect(remediationHint(stage, 'SlowDown', context('cli'))).toMatch(/^AWS kept throttling after 8 attempts/);
      expect(remediationHint(stage, 'ETIMEDOUT', context('cli'))).toMatch(/^A network error persisted/);
      expect(remediationHint(stage, 'InvalidClientTokenId', context('lambda'))).toMatch(/^The function's own AWS credentials/);
    }
  });

  it('names a missing bucket placeholder when no bucket is configured', () => {
    const noBucket: FailureContext = { ...context('cli'), bucketName: undefined };
    expect(remediationHint('S3Upload', 'NoSuchBucket', noBucket)).toBe(
      'Bucket  does not exist; create it or fix --bucket / REPORT_BUCKET_NAME.',
    );
    expect(remediationHint('S3Upload', 'AccessDenied', noBucket)).toContain('arn:aws:s3:::<bucket>/org-accounts/*');
  });
});

describe('a setting the Lambda has no name for', () => {
  it('is named as the CLI names it', () => {
    expect(remediationHint('Selection', 'TenantNotFound', context('lambda'))).toBe(
      'Check the tenant_id, status and service attributes of its item in the tenant table, or drop that --tenant.',
    );
  });
});

describe('rerunTenantHint', () => {
  it('names the --tenant flag in the CLI and the next run in the Lambda', () => {
    expect(rerunTenantHint('cli', '222222222222')).toBe('Re-run it with --tenant 222222222222.');
    expect(rerunTenantHint('lambda', '222222222222')).toBe('The next scheduled run collects it again (or start the function now).');
  });
});

describe('stalledTenantHint', () => {
  it('names the pace setting as each surface sets it: the Lambda has no --org-rps flag', () => {
    expect(stalledTenantHint('cli', '222222222222')).toBe(
      "Check what else calls this organization's APIs (throttling), or lower --org-rps / ORG_RPS. Re-run it with --tenant 222222222222.",
    );
    expect(stalledTenantHint('lambda', '222222222222')).toBe(
      "Check what else calls this organization's APIs (throttling), or lower ORG_RPS. The next scheduled run collects it again (or start the function now).",
    );
  });
});

describe('errorCode', () => {
  it('reads the code of our own errors, then a system code, then the AWS name', () => {
    const details = { code: 'Ours', message: 'm', hint: 'h' };
    expect(errorCode(new TenantCollectionError(details))).toBe('Ours');
    expect(errorCode(new TenantSourceError(details))).toBe('Ours');
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorCode(new AwsError('AccessDenied', 'x'))).toBe('AccessDenied');
    expect(errorCode(Object.assign(new AwsError('AccessDenied', 'x'), { code: 'EPIPE' }))).toBe('EPIPE');
  });

  it('falls back to UnknownError for a plain Error, an empty code or name, and non-objects', () => {
    expect(errorCode(new Error('x'))).toBe('UnknownError');
    expect(errorCode(Object.assign(new AwsError('', 'x'), { code: '' }))).toBe('UnknownError');
    expect(errorCode({ code: 42, name: 7 })).toBe('UnknownError');
    expect(errorCode('a string')).toBe('UnknownError');
    expect(errorCode(undefined)).toBe('UnknownError');
    expect(errorCode(null)).toBe('UnknownError');
  });
});

describe('describeFailure', () => {
  it('puts the message on one line, trimmed', () => {
    const failure = describeFailure('OuPaths', new AwsError('AccessDenied', '  not\n\tallowed   here \n'), context('cli'));
    expect(failure.message).toBe('OuPaths failed: not allowed here');
  });

  it('says "no message" for an empty one, and describes non-Error values', () => {
    expect(describeFailure('LocalWrite', new AwsError('EACCES', ' \n '), context('cli')).message).toBe('LocalWrite failed: no message');
    expect(describeFailure('Unexpected', 'boom', context('cli'))).toEqual({
      code: 'UnknownError',
      message: 'Unexpected failed: boom',
      hint: 'An unexpected error stopped this tenant; re-run it with --verbose for the detail, and report it if it persists.',
    });
  });

  it('masks secrets quoted back in the message and in the code', () => {
    const secrets = new SecretMasker(['s3cr3t-external-id']);
    const failure = describeFailure(
      'AssumeRole',
      new AwsError('Bad-s3cr3t-external-id', 'ExternalId s3cr3t-external-id is wrong'),
      context('cli', secrets),
    );
    expect(failure.message).toBe('AssumeRole failed: ExternalId *** is wrong');
    expect(failure.code).toBe('Bad-***');
  });

  it('cuts an overlong code at 128 characters', () => {
    const failure = describeFailure('Unexpected', new AwsError('X'.repeat(300), 'm'), context('cli'));
    expect(failure.code).toBe(`${'X'.repeat(128)}… (172 more characters)`);
  });

  it('passes our own errors through unchanged', () => {
    const details = { code: 'TenantNotFound', message: 'Tenant 1 is not in the table', hint: 'Check it' };
    expect(describeFailure('Selection', new TenantCollectionError(details), context('cli'))).toEqual(details);
    expect(describeFailure('TenantTable', new TenantSourceError(details), context('cli'))).toEqual(details);
  });
});

describe('externalIdMissing', () => {
  it('says which tenant was refused and why, naming the setting on each surface', () => {
    expect(externalIdMissing(context('cli'))).toEqual({
      code: EXTERNAL_ID_MISSING,
      message:
        'Tenant 111111111111 has no external_id of its own and --require-external-id / REQUIRE_EXTERNAL_ID is on, so its role was not assumed.',
      hint: remediationHint('ExternalId', 'ExternalIdMissing', context('cli')),
    });
    expect(EXTERNAL_ID_MISSING).toBe('ExternalIdMissing');
    expect(externalIdMissing(context('lambda')).message).toBe(
      'Tenant 111111111111 has no external_id of its own and REQUIRE_EXTERNAL_ID is on, so its role was not assumed.',
    );
  });
});

describe('tenantTableFailure', () => {
  it('names the table, the code and the message, with the tenant table hint', () => {
    expect(tenantTableFailure(new AwsError('ResourceNotFoundException', 'Requested resource not found'), context('lambda'))).toEqual({
      code: 'ResourceNotFoundException',
      message: 'Could not read tenant table tenants: ResourceNotFoundException: Requested resource not found',
      hint: 'Table tenants was not found in eu-west-1; check TENANTS_TABLE_NAME and AWS_REGION.',
    });
  });

  it('masks secrets and passes a TenantSourceError through', () => {
    const secrets = new SecretMasker(['topsecret']);
    expect(tenantTableFailure(new AwsError('AccessDenied', 'topsecret\nleaked'), context('cli', secrets)).message).toBe(
      'Could not read tenant table tenants: AccessDenied: *** leaked',
    );
    const details = { code: 'C', message: 'M', hint: 'H' };
    expect(tenantTableFailure(new TenantSourceError(details), context('cli'))).toEqual(details);
  });
});

describe('failureContextFor', () => {
  it('copies what hints need from the configuration and the surroundings', () => {
    const secrets = new SecretMasker(['abc']);
    expect(failureContextFor(CONFIG, { surface: 'lambda', region: 'us-east-1', secrets })).toEqual({
      surface: 'lambda',
      region: 'us-east-1',
      tableName: 'tenants',
      roleArn: '',
      tenantId: '',
      bucketName: 'reports',
      prefix: 'org-accounts/',
      maxAttempts: 8,
      secrets,
    });
  });
});

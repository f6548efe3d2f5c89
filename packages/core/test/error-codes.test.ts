import { resolveCollectConfig } from '../src';
import { isAccessDeniedCode, isThrottlingCode, isTransientNetworkCode } from '../src/error-codes';
import { failureContextFor, remediationHint, type FailureContext } from '../src/failures';

// Each AWS spelling decides what the operator is told (and whether the pacer slows down): every
// code of every family is named here, with the hint it leads to.

const CONTEXT: FailureContext = failureContextFor(
  resolveCollectConfig({
    flags: {},
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
  }),
  { surface: 'cli', region: 'eu-west-1' },
  { tenantId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/R' },
);

const THROTTLING = [
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'SlowDown',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
];
const NETWORK = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
];
const CREDENTIALS = [
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
];
const ACCESS_DENIED = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException'];

describe('error code families', () => {
  it.each(THROTTLING)('%s is throttling: retried, slows the pace, and the hint says AWS kept throttling', (code) => {
    expect(isThrottlingCode(code)).toBe(true);
    expect(isTransientNetworkCode(code)).toBe(false);
    expect(remediationHint('ListAccounts', code, CONTEXT)).toMatch(/^AWS kept throttling after 8 attempts;/);
  });

  it.each(NETWORK)('%s is a network error that may pass: the hint says to check connectivity', (code) => {
    expect(isTransientNetworkCode(code)).toBe(true);
    expect(isThrottlingCode(code)).toBe(false);
    expect(remediationHint('ListAccounts', code, CONTEXT)).toMatch(/^A network error persisted through every retry;/);
  });

  it.each(CREDENTIALS)("%s is the collector's own credentials, not the tenant's role", (code) => {
    expect(isThrottlingCode(code)).toBe(false);
    expect(isAccessDeniedCode(code)).toBe(false);
    expect(remediationHint('AssumeRole', code, CONTEXT)).toMatch(/^The collector's own AWS credentials are missing, expired or invalid;/);
  });

  it.each(ACCESS_DENIED)('%s is a missing permission: on the tenant table the hint names the DynamoDB actions', (code) => {
    expect(isAccessDeniedCode(code)).toBe(true);
    expect(isThrottlingCode(code)).toBe(false);
    expect(remediationHint('TenantTable', code, CONTEXT)).toBe(
      'Allow the collector dynamodb:Scan and dynamodb:DescribeTable on table tenants.',
    );
  });

  it.each(['ResourceNotFoundException', 'ValidationException', ''])('%p belongs to no family', (code) => {
    expect(isThrottlingCode(code)).toBe(false);
    expect(isTransientNetworkCode(code)).toBe(false);
    expect(isAccessDeniedCode(code)).toBe(false);
  });
});

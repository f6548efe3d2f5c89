/** The AWS partition a region belongs to; ARNs must use it. */
export function partitionForRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** The ARN of a role in an account. */
export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * The RoleSessionName of a run's AssumeRole calls: `orgmeta-<runId>`, with anything STS refuses replaced by `-`
 * (STS allows 2-64 characters of letters, digits and `+=,.@-`).
 */
export function roleSessionName(runId: string): string {
  return `orgmeta-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
// A role name (1-64 characters) with an optional path, as IAM allows them.
const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** What STS accepts as an ExternalId: 2-1224 of letters, digits and `+=,.@:/-`. */
export function isValidExternalId(value: string): boolean {
  return EXTERNAL_ID.test(value);
}

/** An IAM role name (1-64 of letters, digits and `+=,.@_-`), optionally behind a path (`team/ops/Reader`). */
export function isValidRoleName(value: string): boolean {
  return ROLE_NAME.test(value);
}

/** The AWS partition a region belongs to; ARNs must use it. */
export function partitionForRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** STS allows 2-64 characters of [\w+=,.@-] in a RoleSessionName. */
export function roleSessionName(runId: string): string {
  return `orgmeta-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

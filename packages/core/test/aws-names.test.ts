import { roleArn, roleSessionName } from '../src';
import { partitionForRegion } from '../src/aws-names';

describe('AWS names', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('puts region %s in partition %s', (region, partition) => {
    expect(partitionForRegion(region)).toBe(partition);
  });

  it('builds the role ARN in the partition', () => {
    expect(roleArn('aws-cn', '111122223333', 'Reader')).toBe('arn:aws-cn:iam::111122223333:role/Reader');
  });

  it('keeps the session name within STS limits', () => {
    const name = roleSessionName(`20240501T120000Z-abcdef${'x'.repeat(80)}/bad chars`);
    expect(name.startsWith('orgmeta-20240501T120000Z-abcdef')).toBe(true);
    expect(name.length).toBe(64);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

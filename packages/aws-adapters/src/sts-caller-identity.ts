import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { CallerIdentity } from '@orgmeta/core';

/** The collector's own principal, from STS GetCallerIdentity (needs no permission). */
export class StsCallerIdentity implements CallerIdentity {
  constructor(private readonly client: STSClient) {}

  async principalArn(): Promise<string> {
    const { Arn } = await this.client.send(new GetCallerIdentityCommand({}));
    return Arn ?? 'unknown';
  }
}

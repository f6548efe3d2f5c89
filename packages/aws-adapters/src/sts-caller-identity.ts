import { GetCallerIdentityCommand, STSClient, type GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import type { CallerIdentity } from '@orgmeta/core';

/** The collector's own principal and account, from one STS GetCallerIdentity call (needs no permission). */
export class StsCallerIdentity implements CallerIdentity {
  private identity?: Promise<GetCallerIdentityCommandOutput>;

  constructor(private readonly client: STSClient) {}

  /** The collector's IAM principal ARN. */
  async principalArn(): Promise<string> {
    const { Arn } = await this.callerIdentity();
    return Arn ?? 'unknown';
  }

  /** The collector's own account ID. */
  async accountId(): Promise<string> {
    const { Account } = await this.callerIdentity();
    if (!Account) throw new Error('sts:GetCallerIdentity returned no account ID');
    return Account;
  }

  /** Asked once; a failed call is asked again next time. */
  private callerIdentity(): Promise<GetCallerIdentityCommandOutput> {
    this.identity ??= this.client.send(new GetCallerIdentityCommand({})).catch((error: unknown) => {
      this.identity = undefined;
      throw error;
    });
    return this.identity;
  }
}

import { AccountClient } from '@aws-sdk/client-account';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AssumeRoleTarget, ConnectOptions, OrganizationConnector, OrganizationReader } from '@orgmeta/core';
import { clientConfig, type AwsClientSettings } from './client-config';
import { OrganizationPacer, accountManagementPacers, paceClient } from './organization-pacer';
import { SdkOrganizationReader } from './sdk-organization-reader';

/** How {@link StsOrganizationConnector} assumes tenant roles and paces Organizations calls. */
export interface StsOrganizationAccessSettings extends AwsClientSettings {
  /** Assumed-role session length; the SDK refreshes the credentials 5 minutes before they expire. */
  readonly sessionDurationSeconds: number;
  /** Organizations calls per second per tenant (see OrganizationPacer). */
  readonly orgRps: number;
  /** Told of every throttled Organizations answer. */
  readonly onThrottle?: () => void;
}

/** Assumes each tenant's role and gives a reader with its own Organizations client. */
export class StsOrganizationConnector implements OrganizationConnector {
  constructor(private readonly settings: StsOrganizationAccessSettings) {}

  /** Assumes the tenant's role and gives a reader with its credentials (refreshed before they expire). */
  async connect(access: AssumeRoleTarget, options: ConnectOptions = {}): Promise<OrganizationReader> {
    const config = clientConfig(this.settings);
    const assumeRole = fromTemporaryCredentials({
      params: {
        RoleArn: access.roleArn,
        RoleSessionName: access.roleSessionName,
        ExternalId: access.externalId,
        DurationSeconds: this.settings.sessionDurationSeconds,
      },
      clientConfig: config,
    });
    // Assume once now so a denied role fails at this step, not inside the first Organizations call;
    // hand those credentials to the client, which calls the provider again only to refresh them.
    let firstCredentials: ReturnType<typeof assumeRole> | undefined = assumeRole();
    await firstCredentials;
    const credentials: typeof assumeRole = (identityProperties) => {
      const pending = firstCredentials;
      firstCredentials = undefined;
      return pending ?? assumeRole(identityProperties);
    };
    // One client and one pacer per tenant: each organization has its own rate limit.
    const client = new OrganizationsClient({ ...config, credentials });
    // A resumed tenant starts at the pace its last chunk ended at, not at the top again.
    const pacer = new OrganizationPacer({
      maxRps: this.settings.orgRps,
      startRps: options.organizationsRps,
      onThrottle: this.settings.onThrottle,
      signal: options.signal,
    });
    paceClient(client, pacer);
    // Account Management (--contacts, --regions) has its own documented rates per operation: its own budgets.
    const accountClient = new AccountClient({ ...config, credentials });
    paceClient(accountClient, accountManagementPacers({ onThrottle: this.settings.onThrottle, signal: options.signal }));
    return new SdkOrganizationReader(client, accountClient, () => pacer.currentRps);
  }
}

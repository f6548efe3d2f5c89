import { AccountClient, PutAlternateContactCommand } from '@aws-sdk/client-account';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export interface SeedTag {
  readonly key: string;
  readonly value: string;
}

export interface SeedAccount {
  readonly name: string;
  readonly email: string;
  readonly tags?: readonly SeedTag[];
  /** OU path below the root, e.g. `Workloads/Prod`. */
  readonly ouPath?: string;
}

export interface SeedOrganization {
  readonly managementAccountId: string;
  readonly accounts: readonly SeedAccount[];
}

export interface CreatedAccount extends SeedAccount {
  readonly id: string;
}

export interface CreatedOrganization {
  readonly id: string;
  readonly arn: string;
  readonly managementAccountId: string;
  readonly managementAccountEmail: string;
  /** Members created by the seed; the management account itself is a member too. */
  readonly accounts: readonly CreatedAccount[];
}

const REGION = 'us-east-1';

export function clientOptions(
  endpoint: string,
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  region = REGION,
) {
  return {
    endpoint,
    region,
    credentials: credentials ?? { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/** The account the default test credentials act as (the collector's own account in e2e runs). */
export async function callerAccount(endpoint: string): Promise<string> {
  const { Account } = await new STSClient(clientOptions(endpoint)).send(new GetCallerIdentityCommand({}));
  if (!Account) throw new Error('the emulator returned no account for GetCallerIdentity');
  return Account;
}

/** Credentials that act as `accountId` in moto (it accepts any role name). */
export async function actAs(endpoint: string, accountId: string) {
  const sts = new STSClient(clientOptions(endpoint));
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/seed`, RoleSessionName: 'seed' }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error('moto returned no credentials');
  return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
}

/** Makes `managementAccountId` the management account of a new organization with the given members. */
export async function seedOrganization(endpoint: string, spec: SeedOrganization): Promise<CreatedOrganization> {
  const orgs = new OrganizationsClient(clientOptions(endpoint, await actAs(endpoint, spec.managementAccountId)));
  const { Organization } = await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const { Roots } = await orgs.send(new ListRootsCommand({}));
  const rootId = Roots?.[0]?.Id ?? '';
  const ouIds = new Map<string, string>([['', rootId]]);
  const ouFor = async (path: string): Promise<string> => {
    const known = ouIds.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const parentId = await ouFor(cut < 0 ? '' : path.slice(0, cut));
    const { OrganizationalUnit } = await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: path.slice(cut + 1) }));
    ouIds.set(path, OrganizationalUnit?.Id ?? '');
    return OrganizationalUnit?.Id ?? '';
  };
  const accounts: CreatedAccount[] = [];
  for (const account of spec.accounts) {
    const { CreateAccountStatus } = await orgs.send(
      new CreateAccountCommand({
        AccountName: account.name,
        Email: account.email,
        Tags: account.tags?.map((t) => ({ Key: t.key, Value: t.value })),
      }),
    );
    const id = CreateAccountStatus?.AccountId ?? '';
    if (account.ouPath) {
      await orgs.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: await ouFor(account.ouPath) }));
    }
    accounts.push({ ...account, id });
  }
  return {
    id: Organization?.Id ?? '',
    arn: Organization?.Arn ?? '',
    managementAccountId: Organization?.MasterAccountId ?? '',
    managementAccountEmail: Organization?.MasterAccountEmail ?? '',
    accounts,
  };
}

/** A tenant-table item given as raw attribute values, so tests can write wrong types too. */
export type TenantItem = Record<string, AttributeValue>;

export function tenantItem(
  tenantId: string,
  fields: { name?: string; status?: string; service?: string; roleName?: string; externalId?: string } = {},
): TenantItem {
  const item: TenantItem = {
    tenant_id: { S: tenantId },
    status: { S: fields.status ?? 'active' },
    service: { S: fields.service ?? 'AWS Cloud Usage' },
  };
  if (fields.name !== undefined) item.tenant_name = { S: fields.name };
  if (fields.roleName !== undefined) item.role_name = { S: fields.roleName };
  if (fields.externalId !== undefined) item.external_id = { S: fields.externalId };
  return item;
}

/**
 * Creates the tenant table. Its key is a synthetic `pk` so that tests can store
 * items whose tenant_id is missing, numeric or duplicated, as real tables sometimes hold.
 */
export async function seedTenantTable(endpoint: string, tableName: string, items: readonly TenantItem[], region = REGION): Promise<void> {
  const dynamo = new DynamoDBClient(clientOptions(endpoint, undefined, region));
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  let n = 0;
  for (const item of items) {
    n += 1;
    await dynamo.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: `item-${String(n).padStart(4, '0')}` }, ...item } }));
  }
}

export async function createBucket(endpoint: string, bucketName: string): Promise<void> {
  const s3 = new S3Client(clientOptions(endpoint));
  await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
}

/** Registers a member account as delegated administrator for each service principal (as the management account). */
export async function registerDelegatedAdministrator(
  endpoint: string,
  managementAccountId: string,
  accountId: string,
  servicePrincipals: readonly string[],
): Promise<void> {
  const orgs = new OrganizationsClient(clientOptions(endpoint, await actAs(endpoint, managementAccountId)));
  for (const principal of servicePrincipals) {
    await orgs.send(new RegisterDelegatedAdministratorCommand({ AccountId: accountId, ServicePrincipal: principal }));
  }
}

/**
 * Sets one alternate contact of an account, as the management account does it: with the member's
 * AccountId, or without one for the management account itself.
 */
export async function putAlternateContact(
  endpoint: string,
  managementAccountId: string,
  accountId: string,
  type: 'SECURITY' | 'BILLING' | 'OPERATIONS',
  email: string,
): Promise<void> {
  const client = new AccountClient(clientOptions(endpoint, await actAs(endpoint, managementAccountId)));
  await client.send(
    new PutAlternateContactCommand({
      ...(accountId === managementAccountId ? {} : { AccountId: accountId }),
      AlternateContactType: type,
      EmailAddress: email,
      Name: `${type.toLowerCase()} contact`,
      PhoneNumber: '+1-555-0100',
      Title: 'Contact',
    }),
  );
}

/** Changes an organization between two runs (the demo's "something changed"): tags, untags, a new account. */
export async function changeOrganization(
  endpoint: string,
  managementAccountId: string,
  change: {
    readonly tag?: { readonly accountId: string; readonly tags: readonly SeedTag[] };
    readonly untag?: { readonly accountId: string; readonly keys: readonly string[] };
    readonly create?: SeedAccount;
  },
): Promise<{ readonly createdAccountId?: string }> {
  const orgs = new OrganizationsClient(clientOptions(endpoint, await actAs(endpoint, managementAccountId)));
  if (change.tag) {
    await orgs.send(
      new TagResourceCommand({ ResourceId: change.tag.accountId, Tags: change.tag.tags.map((t) => ({ Key: t.key, Value: t.value })) }),
    );
  }
  if (change.untag) await orgs.send(new UntagResourceCommand({ ResourceId: change.untag.accountId, TagKeys: [...change.untag.keys] }));
  if (!change.create) return {};
  const { CreateAccountStatus } = await orgs.send(
    new CreateAccountCommand({
      AccountName: change.create.name,
      Email: change.create.email,
      Tags: change.create.tags?.map((t) => ({ Key: t.key, Value: t.value })),
    }),
  );
  return { createdAccountId: CreateAccountStatus?.AccountId };
}

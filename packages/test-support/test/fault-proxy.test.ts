import { AccountClient, ListRegionsCommand, paginateListRegions } from '@aws-sdk/client-account';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { actAs, clientOptions, createBucket, seedOrganization, startFaultProxy, startMotoServer, type MotoServer } from '../src';

const MANAGEMENT = '109000000001';

describe('fault proxy in front of moto', () => {
  let moto: MotoServer;

  beforeAll(async () => {
    moto = await startMotoServer();
    await seedOrganization(moto.endpoint, {
      managementAccountId: MANAGEMENT,
      accounts: [{ name: 'prod', email: 'prod@proxy.example', ouPath: 'Workloads/Prod' }],
    });
  }, 60_000);
  afterAll(() => moto.stop());

  const noRetries = { maxAttempts: 1 };

  it('answers over the rate limit like AWS, per account and operation', async () => {
    // The latency keeps all three calls in flight together, so the in-flight count is certain.
    const proxy = await startFaultProxy({
      target: moto.endpoint,
      latencyMs: 200,
      rateLimits: [{ operation: 'ListAccounts', tps: 1, burst: 2 }],
    });
    try {
      const orgs = new OrganizationsClient({ ...clientOptions(proxy.endpoint, await actAs(proxy.endpoint, MANAGEMENT)), ...noRetries });
      const outcomes = await Promise.allSettled([1, 2, 3].map(() => orgs.send(new ListAccountsCommand({}))));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect((outcomes[2] as PromiseRejectedResult).reason.name).toBe('TooManyRequestsException');
      expect(proxy.stats().throttled).toEqual({ ListAccounts: 1 });
      expect(proxy.stats().maxInFlightPerAccount).toBe(3);
    } finally {
      await proxy.stop();
    }
  });

  it('denies AssumeRole for one role ARN only', async () => {
    const denied = `arn:aws:iam::${MANAGEMENT}:role/Revoked`;
    const proxy = await startFaultProxy({
      target: moto.endpoint,
      rules: [
        {
          when: (call) => call.operation === 'AssumeRole' && call.roleArn === denied,
          respond: { kind: 'error', status: 403, code: 'AccessDenied' },
        },
      ],
    });
    try {
      const sts = new STSClient({ ...clientOptions(proxy.endpoint), ...noRetries });
      await expect(sts.send(new AssumeRoleCommand({ RoleArn: denied, RoleSessionName: 's' }))).rejects.toMatchObject({
        name: 'AccessDenied',
      });
      await expect(
        sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MANAGEMENT}:role/Fine`, RoleSessionName: 's' })),
      ).resolves.toBeDefined();
    } finally {
      await proxy.stop();
    }
  });

  it('fails the Nth call of an operation for an account it learned from AssumeRole', async () => {
    const proxy = await startFaultProxy({
      target: moto.endpoint,
      rules: [
        {
          when: (c) => c.operation === 'ListAccounts' && c.account === MANAGEMENT && c.nth === 2,
          respond: { kind: 'error', status: 400, code: 'AccessDeniedException' },
        },
      ],
    });
    try {
      const orgs = new OrganizationsClient({ ...clientOptions(proxy.endpoint, await actAs(proxy.endpoint, MANAGEMENT)), ...noRetries });
      await expect(orgs.send(new ListAccountsCommand({}))).resolves.toBeDefined();
      await expect(orgs.send(new ListAccountsCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await expect(orgs.send(new ListAccountsCommand({}))).resolves.toBeDefined();
    } finally {
      await proxy.stop();
    }
  });

  it('drops the connection when told to', async () => {
    const proxy = await startFaultProxy({
      target: moto.endpoint,
      rules: [{ when: (c) => c.operation === 'ListAccounts', respond: { kind: 'drop' }, times: 1 }],
    });
    try {
      const orgs = new OrganizationsClient({ ...clientOptions(proxy.endpoint, await actAs(proxy.endpoint, MANAGEMENT)), ...noRetries });
      await expect(orgs.send(new ListAccountsCommand({}))).rejects.toThrow();
      await expect(orgs.send(new ListAccountsCommand({}))).resolves.toBeDefined();
    } finally {
      await proxy.stop();
    }
  });

  it('stands in for AWS where moto falls short: ListAccounts answers carry Paths (o-…/r-…/ou-…/<account>/)', async () => {
    const proxy = await startFaultProxy({ target: moto.endpoint, accountPaths: true });
    try {
      const orgs = new OrganizationsClient({ ...clientOptions(proxy.endpoint, await actAs(proxy.endpoint, MANAGEMENT)), ...noRetries });
      const { Accounts } = await orgs.send(new ListAccountsCommand({}));
      const member = Accounts?.find((a) => a.Name === 'prod');
      expect(member?.Paths?.[0]).toMatch(
        new RegExp(`^o-[a-z0-9]+/r-[a-z0-9]+/ou-[a-z0-9]+-[a-z0-9]+/ou-[a-z0-9]+-[a-z0-9]+/${member?.Id}/$`),
      );
      expect(Accounts?.find((a) => a.Id === MANAGEMENT)?.Paths?.[0]).toMatch(new RegExp(`^o-[a-z0-9]+/r-[a-z0-9]+/${MANAGEMENT}/$`));
      // The look-ups behind the stand-in are not calls of the client.
      expect(proxy.stats().calls).toEqual({ AssumeRole: 1, ListAccounts: 1 });
    } finally {
      await proxy.stop();
    }
  });

  it('records the requests as sent when asked to, and forgets them on resetStats', async () => {
    const proxy = await startFaultProxy({ target: moto.endpoint, record: true });
    try {
      const orgs = new OrganizationsClient({ ...clientOptions(proxy.endpoint, await actAs(proxy.endpoint, MANAGEMENT)), ...noRetries });
      await orgs.send(new ListAccountsCommand({ MaxResults: 7 }));
      const listed = proxy.calls().filter((c) => c.operation === 'ListAccounts');
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ service: 'organizations', account: MANAGEMENT });
      expect(JSON.parse(listed[0].body)).toEqual({ MaxResults: 7 });
      expect(listed[0].headers['x-amz-target']).toBe('AWSOrganizationsV20161128.ListAccounts');
      proxy.resetStats();
      expect(proxy.calls()).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('stands in for Account Management ListRegions (moto lacks it): restJson POST /listRegions, filtered and paged', async () => {
    const proxy = await startFaultProxy({ target: moto.endpoint });
    try {
      const account = new AccountClient({ ...clientOptions(proxy.endpoint, await actAs(proxy.endpoint, MANAGEMENT)), ...noRetries });
      const names: string[] = [];
      const input = { AccountId: '123456789012', RegionOptStatusContains: ['ENABLED' as const, 'ENABLED_BY_DEFAULT' as const] };
      for await (const page of paginateListRegions({ client: account }, input)) {
        names.push(...(page.Regions ?? []).map((r) => r.RegionName ?? ''));
      }
      expect(names).toHaveLength(14);
      expect(names).toContain('af-south-1');
      expect(names).not.toContain('me-south-1');
      expect(proxy.stats().calls.ListRegions).toBe(3);
      const all = await account.send(new ListRegionsCommand({ MaxResults: 50 }));
      expect(all.Regions).toHaveLength(16);
    } finally {
      await proxy.stop();
    }
  });

  it('refuses an S3 call whose ExpectedBucketOwner is not the bucket owner, as S3 does', async () => {
    await createBucket(moto.endpoint, 'owned-by-proxy-test');
    const proxy = await startFaultProxy({ target: moto.endpoint, bucketOwners: { 'owned-by-proxy-test': '111111111111' } });
    try {
      const s3 = new S3Client({ ...clientOptions(proxy.endpoint), ...noRetries });
      const put = (owner?: string) =>
        s3.send(new PutObjectCommand({ Bucket: 'owned-by-proxy-test', Key: 'k.txt', Body: 'x', ExpectedBucketOwner: owner }));
      await expect(put('222222222222')).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      await expect(put('111111111111')).resolves.toBeDefined();
      await expect(put(undefined)).resolves.toBeDefined();
    } finally {
      await proxy.stop();
    }
  });
});

import {
  MAX_DISPLAY_LENGTH,
  SecretMasker,
  TenantSourceError,
  collectRun,
  planRun,
  resolveCollectConfig,
  type PipelineDependencies,
  type TenantReport,
} from '../src';
import {
  AwsError,
  FakeOrganizationAccess,
  MemorySink,
  RecordingLogger,
  StaticTenantSource,
  account,
  activeTenant,
  organization,
  textOf,
  type FakeOrganization,
} from './fakes';

const START = new Date('2024-05-01T12:00:00.000Z');

function config(flags: Record<string, unknown> = {}) {
  return resolveCollectConfig({
    flags,
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports', SAVE_LOCAL: 'true' },
  });
}

/** Renders what the report holds, so tests can read it back without the CSV package. */
function renderAsJson(report: TenantReport): string {
  return JSON.stringify({
    tenant: report.tenant.tenantId,
    tagKeys: report.tagKeys,
    accounts: report.accounts.map((a) => ({ id: a.id, tags: Object.fromEntries(a.tags), ouPath: a.ouPath })),
    collectedAt: report.collectedAt.toISOString(),
  });
}

function world(organizations: Record<string, FakeOrganization>, records = Object.keys(organizations).map((id) => activeTenant(id))) {
  const s3 = new MemorySink('s3');
  const local = new MemorySink('local');
  const logger = new RecordingLogger();
  const organizationAccess = new FakeOrganizationAccess(organizations);
  const deps: PipelineDependencies = {
    tenantSource: new StaticTenantSource(records),
    organizations: organizationAccess,
    render: renderAsJson,
    sinks: [local, s3],
    logger,
    region: 'us-east-1',
    surface: 'cli',
    clock: () => START,
  };
  return { deps, s3, local, logger, organizationAccess };
}

const healthy = (id: string, accounts = [account('200000000001'), account(id)]): FakeOrganization => ({
  organization: organization(id),
  accountPages: [accounts],
  tags: { '200000000001': [{ key: 'Owner', value: 'ops' }] },
});

describe('collectRun', () => {
  it('writes one report per tenant to every sink and a manifest equal to the summary', async () => {
    // Prepare
    const { deps, s3, local } = world({ '111111111111': healthy('111111111111') });
    // Act
    const { summary, manifest } = await collectRun(config(), deps);
    // Assess
    const key = 'org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv';
    expect(s3.objects.get(key)?.metadata).toEqual({ 'run-id': summary.runId, 'row-count': '2' });
    expect(local.objects.get(key)?.body).toBe(s3.objects.get(key)?.body);
    expect(summary.tenants).toEqual([
      expect.objectContaining({
        tenantId: '111111111111',
        status: 'succeeded',
        accounts: 2,
        s3Key: `mem://${key}`,
        localPath: `mem://${key}`,
      }),
    ]);
    expect(manifest.s3Key).toBe(`mem://org-accounts/dt=2024-05-01/_manifests/${summary.runId}.json`);
    expect(JSON.parse(textOf(s3.objects.get(`org-accounts/dt=2024-05-01/_manifests/${summary.runId}.json`)))).toEqual(summary);
  });

  it('sorts accounts by ID and derives tag columns from every key found', async () => {
    const { deps, s3 } = world({
      '111111111111': {
        organization: organization('111111111111'),
        accountPages: [[account('300000000000')], [], [account('100000000000')]],
        tags: { '300000000000': [{ key: 'b', value: '1' }], '100000000000': [{ key: 'A', value: '2' }] },
      },
    });
    await collectRun(config(), deps);
    const report = JSON.parse(textOf([...s3.objects.values()][0]));
    expect(report.accounts.map((a: { id: string }) => a.id)).toEqual(['100000000000', '300000000000']);
    expect(report.tagKeys).toEqual(['A', 'b']);
  });

  it('isolates a failed tenant: no report anywhere, code and hint in the summary, the others complete', async () => {
    const { deps, s3, local } = world({
      '111111111111': healthy('111111111111'),
      '222222222222': {
        ...healthy('222222222222'),
        accountPages: [[account('200000000002')], [account('200000000003')], [account('200000000004')]],
        failAt: { step: 'listAccounts', afterPages: 2, error: new AwsError('AccessDeniedException', 'not allowed on page 3') },
      },
    });
    const { summary } = await collectRun(config(), deps);
    const failed = summary.tenants.find((t) => t.tenantId === '222222222222');
    expect(failed).toMatchObject({
      status: 'failed',
      accounts: 0,
      error: { code: 'AccessDeniedException', message: 'ListAccounts failed: not allowed on page 3' },
    });
    expect(failed?.error?.hint).toContain('organizations:ListAccounts');
    expect([...s3.objects.keys()].filter((k) => k.includes('222222222222'))).toEqual([]);
    expect([...local.objects.keys()].filter((k) => k.includes('222222222222'))).toEqual([]);
    expect(summary.totals).toEqual({ tenants: 2, succeeded: 1, failed: 1, accounts: 2 });
  });

  it('keeps the local copy and fails the tenant when the upload fails', async () => {
    const { deps, local } = world({ '111111111111': healthy('111111111111') });
    const brokenS3 = new MemorySink('s3', new AwsError('NoSuchBucket', 'The specified bucket does not exist'));
    const { summary } = await collectRun(config(), { ...deps, sinks: [local, brokenS3] });
    expect(summary.tenants[0]).toMatchObject({ status: 'failed', error: { code: 'NoSuchBucket' } });
    expect(summary.tenants[0].error?.hint).toContain('Bucket reports does not exist');
    expect(local.objects.has('org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv')).toBe(true);
  });

  it('writes to the sinks in list order and files a failed write under the stage of that sink', async () => {
    // Prepare
    const { deps } = world({ '111111111111': healthy('111111111111') });
    const writes: string[] = [];
    const brokenLocal = new MemorySink('local', Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), writes);
    const s3 = new MemorySink('s3', undefined, writes);
    // Act
    const { summary, manifest } = await collectRun(config(), { ...deps, sinks: [brokenLocal, s3] });
    // Assess: the report stops at the failing sink; the manifest still goes everywhere it can.
    expect(summary.tenants[0]).toMatchObject({
      status: 'failed',
      error: { code: 'EACCES', message: 'LocalWrite failed: EACCES: permission denied' },
    });
    expect(summary.tenants[0].error?.hint).toContain('local output directory');
    expect(writes.filter((w) => w.includes('tenant_id='))).toEqual([
      'memory-local:org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv',
    ]);
    expect(manifest.s3Key).toBe(`mem://org-accounts/dt=2024-05-01/_manifests/${summary.runId}.json`);
    expect(manifest.localPath).toBeUndefined();
    expect(manifest.error).toBe('The run manifest could not be written (memory-local: EACCES: permission denied)');
  });

  it('records each location under the summary field of its sink kind, whatever the list holds', async () => {
    const { deps } = world({ '111111111111': healthy('111111111111') });
    const { summary } = await collectRun(config(), { ...deps, sinks: [new MemorySink('s3')] });
    expect(summary.tenants[0].s3Key).toBe('mem://org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv');
    expect(summary.tenants[0]).not.toHaveProperty('localPath');
  });

  it('assumes the per-tenant role and ExternalId, falling back to the configured ones', async () => {
    const { deps, organizationAccess } = world({ '111111111111': healthy('111111111111'), '222222222222': healthy('222222222222') }, [
      activeTenant('111111111111', { role_name: 'TenantRole', external_id: 'tenant-ext' }),
      activeTenant('222222222222'),
    ]);
    const { summary } = await collectRun(config({ 'external-id': 'run-wide-ext' }), { ...deps, region: 'cn-north-1' });
    expect(organizationAccess.connections).toEqual(
      expect.arrayContaining([
        {
          tenantId: '111111111111',
          roleArn: 'arn:aws-cn:iam::111111111111:role/TenantRole',
          roleSessionName: `orgmeta-${summary.runId}`,
          externalId: 'tenant-ext',
        },
        {
          tenantId: '222222222222',
          roleArn: 'arn:aws-cn:iam::222222222222:role/OrgMetaReader',
          roleSessionName: `orgmeta-${summary.runId}`,
          externalId: 'run-wide-ext',
        },
      ]),
    );
  });

  it('reports a --tenant that is not a selected tenant as failed with a reason', async () => {
    const { deps } = world({ '111111111111': healthy('111111111111') });
    const { summary } = await collectRun(config({ tenant: ['111111111111', '999999999999'] }), deps);
    expect(summary.tenants.map((t) => [t.tenantId, t.status, t.error?.code])).toEqual([
      ['111111111111', 'succeeded', undefined],
      ['999999999999', 'failed', 'TenantNotSelected'],
    ]);
  });

  it('warns when the organization is managed by another account than the tenant', async () => {
    const { deps, logger } = world({ '111111111111': { ...healthy('111111111111'), organization: organization('555555555555') } });
    await collectRun(config(), deps);
    expect(logger.messages('warn').join('\n')).toContain("the organization's management account is 555555555555, not the tenant ID");
  });

  it('fills OU paths only when asked', async () => {
    const org = { ...healthy('111111111111'), ouPaths: { '200000000001': 'Root/Workloads/Prod' } };
    const without = world({ '111111111111': org });
    await collectRun(config(), without.deps);
    const withPaths = world({ '111111111111': org });
    await collectRun(config({ 'ou-path': true }), withPaths.deps);
    const ouPathOf = (sink: MemorySink) =>
      JSON.parse(textOf([...sink.objects.values()][0])).accounts.find((a: { id: string }) => a.id === '200000000001').ouPath;
    expect(ouPathOf(without.s3)).toBe('');
    expect(ouPathOf(withPaths.s3)).toBe('Root/Workloads/Prod');
  });

  it("logs the tenant source's own notes about the read once", async () => {
    const { deps, logger } = world({ '111111111111': healthy('111111111111') });
    const source = new StaticTenantSource([activeTenant('111111111111')], ['Cannot read the key schema of tenant table tenants']);
    await collectRun(config(), { ...deps, tenantSource: source });
    expect(logger.messages('warn')).toEqual(['Cannot read the key schema of tenant table tenants']);
  });

  it('shows a hostile tenant_name display-safe in the summary and manifest, and keeps it whole in the report', async () => {
    // Prepare
    const name = `Acme\nERROR Tenant 999999999999 failed\u2028${'n'.repeat(300_000)}`;
    const rendered: string[] = [];
    const { deps, s3 } = world({ '111111111111': healthy('111111111111') }, [activeTenant('111111111111', { tenant_name: name })]);
    // Act
    const { summary } = await collectRun(config(), { ...deps, render: (report) => (rendered.push(report.tenant.tenantName), 'csv') });
    // Assess
    expect(rendered).toEqual([name]);
    const shown = summary.tenants[0].tenantName;
    expect(shown.startsWith('Acme\\nERROR Tenant 999999999999 failed\\u2028nnn')).toBe(true);
    expect(shown.length).toBeLessThan(MAX_DISPLAY_LENGTH + 100);
    const manifest = textOf([...s3.objects.values()].find((o) => o.key.includes('_manifests')));
    expect(manifest.length).toBeLessThan(5_000);
  });

  it('files an error no step expected under its own stage, not under a collection step', async () => {
    const { deps } = world({ '111111111111': healthy('111111111111') });
    const render = () => {
      throw new TypeError('Cannot read properties of undefined');
    };
    const { summary } = await collectRun(config(), { ...deps, render });
    expect(summary.tenants[0].error).toEqual({
      code: 'TypeError',
      message: 'Unexpected failed: Cannot read properties of undefined',
      hint: expect.stringContaining('unexpected error'),
    });
  });

  it('throws a TenantSourceError with the code and a hint for the surface when the table cannot be read', async () => {
    const { deps } = world({});
    const missing = { scanTenants: () => Promise.reject(new AwsError('ResourceNotFoundException', 'Requested resource not found')) };
    const error = await collectRun(config(), { ...deps, tenantSource: missing, surface: 'lambda' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantSourceError);
    expect(error).toMatchObject({
      code: 'ResourceNotFoundException',
      message: 'Could not read tenant table tenants: ResourceNotFoundException: Requested resource not found',
      hint: 'Table tenants was not found in us-east-1; check TENANTS_TABLE_NAME and AWS_REGION.',
    });
  });

  it('does not write anything when the tenant table cannot be read', async () => {
    const { deps, s3, local } = world({});
    const failing = { scanTenants: async () => Promise.reject(new Error('table gone')) };
    await expect(collectRun(config(), { ...deps, tenantSource: failing })).rejects.toThrow('table gone');
    expect(s3.objects.size + local.objects.size).toBe(0);
  });
});

describe('requireExternalId', () => {
  it('fails a tenant without its own ExternalId with ExternalIdMissing and a hint, without assuming its role', async () => {
    // Prepare: the run-wide ExternalId does not count.
    const { deps, organizationAccess } = world({ '111111111111': healthy('111111111111'), '222222222222': healthy('222222222222') }, [
      activeTenant('111111111111', { external_id: 'own-ext-1' }),
      activeTenant('222222222222'),
    ]);
    // Act
    const { summary } = await collectRun(config({ 'require-external-id': true, 'external-id': 'run-wide' }), {
      ...deps,
      surface: 'lambda',
    });
    // Assess
    expect(summary.tenants.map((t) => [t.tenantId, t.status])).toEqual([
      ['111111111111', 'succeeded'],
      ['222222222222', 'failed'],
    ]);
    expect(summary.tenants[1].error).toEqual({
      code: 'ExternalIdMissing',
      message: 'Tenant 222222222222 has no external_id of its own and REQUIRE_EXTERNAL_ID is on, so its role was not assumed.',
      hint: expect.stringContaining('or turn off REQUIRE_EXTERNAL_ID'),
    });
    expect(organizationAccess.connections.map((c) => c.tenantId)).toEqual(['111111111111']);
  });

  it('is off by default: the run-wide ExternalId (or none) is used', async () => {
    const { deps, organizationAccess } = world({ '222222222222': healthy('222222222222') });
    const { summary } = await collectRun(config(), deps);
    expect(summary.totals.succeeded).toBe(1);
    expect(organizationAccess.connections).toHaveLength(1);
  });
});

describe('secrets in a run', () => {
  const TENANT_SECRET = 'tenant-secret-abc123';
  const RUN_SECRET = 'run-wide-secret-xyz789';
  const quoting = (value: string) =>
    new AwsError('ValidationError', `1 validation error detected: Value '${value}' at 'externalId' failed to satisfy constraint`);

  it('masks an ExternalId AWS quotes back, per-tenant or run-wide, in the summary, the manifest and the logs', async () => {
    // Prepare
    const { deps, s3, local, logger } = world(
      {
        '111111111111': { ...healthy('111111111111'), failAt: { step: 'connect', error: quoting(TENANT_SECRET) } },
        '222222222222': { ...healthy('222222222222'), failAt: { step: 'describe', error: quoting(RUN_SECRET) } },
        '333333333333': healthy('333333333333'),
      },
      [activeTenant('111111111111', { external_id: TENANT_SECRET }), activeTenant('222222222222'), activeTenant('333333333333')],
    );
    // Act
    const { summary } = await collectRun(config({ 'external-id': RUN_SECRET }), deps);
    // Assess
    const outputs = [JSON.stringify(summary), logger.text(), ...[...s3.objects.values(), ...local.objects.values()].map((o) => textOf(o))];
    for (const output of outputs) {
      expect(output).not.toContain(TENANT_SECRET);
      expect(output).not.toContain(RUN_SECRET);
    }
    expect(summary.tenants.map((t) => t.error?.message)).toEqual([
      "AssumeRole failed: 1 validation error detected: Value '***' at 'externalId' failed to satisfy constraint",
      "DescribeOrganization failed: 1 validation error detected: Value '***' at 'externalId' failed to satisfy constraint",
      undefined,
    ]);
  });

  it("teaches the app's masker every ExternalId of the run as soon as the table is read", async () => {
    const { deps } = world({ '111111111111': healthy('111111111111') }, [activeTenant('111111111111', { external_id: TENANT_SECRET })]);
    const secrets = new SecretMasker();
    await planRun(config({ 'external-id': RUN_SECRET }), { ...deps, secrets });
    expect(secrets.mask(`${TENANT_SECRET} ${RUN_SECRET}`)).toBe('*** ***');
  });

  it('cuts a huge AWS error message to a fixed size, one line', async () => {
    const huge = new AwsError('AccessDeniedException', `denied\n${'x'.repeat(300_000)}`);
    const { deps } = world({ '111111111111': { ...healthy('111111111111'), failAt: { step: 'listTags', error: huge } } });
    const { summary } = await collectRun(config(), deps);
    const message = summary.tenants[0].error?.message ?? '';
    expect(message.length).toBeLessThan(MAX_DISPLAY_LENGTH + 100);
    expect(message).not.toContain('\n');
  });
});

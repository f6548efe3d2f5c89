import {
  SecretMasker,
  collectRun,
  planRun,
  resolveCollectConfig,
  summarizeRun,
  writeManifest,
  type KeyAttribute,
  type PipelineDependencies,
  type TenantRecord,
  type TenantResult,
  type TenantScan,
} from '../src';
import {
  FakeOrganizationAccess,
  MemorySink,
  RecordingLogger,
  StaticTenantSource,
  account,
  activeTenant,
  organization,
  record,
} from './fakes';

/** What the operator sees of a run's progress and end: plan, logs, callbacks, interruption, manifest. */

const START = new Date('2024-05-01T12:00:00.000Z');
const T1 = '111111111111';
const T2 = '222222222222';

function config(flags: Record<string, unknown> = {}) {
  return resolveCollectConfig({
    flags,
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
  });
}

function world(records: TenantRecord[] = [activeTenant(T1), activeTenant(T2)]) {
  const s3 = new MemorySink('s3');
  const logger = new RecordingLogger();
  const healthy = (id: string) => ({ organization: organization(id), accountPages: [[account(id), account('300000000001')]] });
  const organizations = new FakeOrganizationAccess({ [T1]: healthy(T1), [T2]: healthy(T2) });
  const deps: PipelineDependencies = {
    tenantSource: new StaticTenantSource(records),
    organizations,
    render: (report) => `rows:${report.accounts.length}`,
    sinks: [s3],
    logger,
    region: 'us-east-1',
    surface: 'cli',
    clock: () => START,
  };
  return { deps, s3, logger, organizations };
}

describe('planRun', () => {
  it('reads only the item with the given key when the source can, instead of scanning the table', async () => {
    // Prepare
    const reads: string[] = [];
    const key: KeyAttribute[] = [{ name: 'pk', type: 'S', value: T2 }];
    const source = {
      scanTenants: async (): Promise<TenantScan> => (reads.push('scan'), { records: [activeTenant(T1), activeTenant(T2)], warnings: [] }),
      readTenant: async (k: readonly KeyAttribute[]): Promise<TenantScan> => (
        reads.push(`read:${k[0].value}`),
        { records: [activeTenant(T2)], warnings: [] }
      ),
    };
    const { deps } = world();
    // Act
    const one = await planRun(config(), { ...deps, tenantSource: source }, key);
    const all = await planRun(config(), { ...deps, tenantSource: source }, []);
    const withoutRead = await planRun(config(), { ...deps, tenantSource: { scanTenants: source.scanTenants } }, key);
    // Assess
    expect(reads).toEqual([`read:${T2}`, 'scan', 'scan']);
    expect(one.tenants.map((t) => t.tenantId)).toEqual([T2]);
    expect(all.tenants.map((t) => t.tenantId)).toEqual([T1, T2]);
    expect(withoutRead.tenants.map((t) => t.tenantId)).toEqual([T1, T2]);
  });

  it('warns about every skipped item with its key and reason, and about items of one tenant repeated', async () => {
    const { deps, logger } = world([
      activeTenant(T2),
      record({ tenant_id: '12345', status: 'active', service: 'AWS Cloud Usage' }),
      activeTenant(T2),
    ]);
    const plan = await planRun(config(), deps);
    expect(plan.invalidRecords).toHaveLength(1);
    expect(plan.invalidRecords[0].reason).toBe('tenant_id "12345" is not a 12-digit account ID');
    expect(logger.messages('warn')).toEqual([
      `Tenant ${T2} appears more than once in the table; it is collected once.`,
      `Skipped tenant-table item ${plan.invalidRecords[0].key}: tenant_id "12345" is not a 12-digit account ID`,
    ]);
  });

  it('narrows to the --tenant IDs in ID order and fails each one that is not a selected tenant, saying why and what to do', async () => {
    const { deps } = world([activeTenant(T2), activeTenant(T1)]);
    const plan = await planRun(config({ tenant: ['999999999999', T2], 'tenant-status': 'live', 'tenant-service': 'Cloud' }), {
      ...deps,
      tenantSource: new StaticTenantSource([
        record({ tenant_id: T2, status: 'live', service: 'Cloud' }),
        record({ tenant_id: T1, status: 'live', service: 'Cloud' }),
      ]),
    });
    expect(plan.tenants.map((t) => t.tenantId)).toEqual([T2]);
    expect(plan.notSelected).toEqual([
      {
        tenantId: '999999999999',
        tenantName: '',
        status: 'failed',
        accounts: 0,
        durationMs: 0,
        error: {
          code: 'TenantNotSelected',
          message: 'Tenant 999999999999 (from --tenant) is not a valid tenant with status "live" and service "Cloud" in table tenants.',
          hint: 'Check the tenant_id, status and service attributes of its item in the tenant table (see invalidRecords), or drop that --tenant.',
        },
      },
    ]);
  });
});

describe('collectRun progress and logs', () => {
  it('counts the tenants once selected (--tenant misses included) and reports each as it finishes', async () => {
    // Prepare
    const { deps } = world();
    const selected: number[] = [];
    const finished: string[] = [];
    // Act
    await collectRun(config({ tenant: [T1, '999999999999'] }), {
      ...deps,
      onTenantsSelected: (count) => selected.push(count),
      onTenantFinished: (result) => finished.push(`${result.tenantId}:${result.status}`),
    });
    // Assess
    expect(selected).toEqual([2]);
    expect(finished).toEqual([`${T1}:succeeded`, '999999999999:failed']);
  });

  it('logs the start, each tenant collected, and each failure with its code, message and hint', async () => {
    const { deps, logger } = world();
    const broken = new FakeOrganizationAccess({ [T1]: { organization: organization(T1), accountPages: [[account(T1)]] } });
    const { summary } = await collectRun(config(), { ...deps, organizations: broken });
    expect(logger.lines.find((l) => l.level === 'info' && l.message.startsWith('Collecting'))).toEqual({
      level: 'info',
      message: 'Collecting 2 tenant(s)',
      fields: { runId: summary.runId, tenants: 2, invalidRecords: 0 },
    });
    expect(logger.lines.filter((l) => l.level === 'debug')).toEqual([
      { level: 'debug', message: 'Collecting tenant', fields: { tenantId: T1, roleArn: `arn:aws:iam::${T1}:role/OrgMetaReader` } },
      { level: 'debug', message: 'Collecting tenant', fields: { tenantId: T2, roleArn: `arn:aws:iam::${T2}:role/OrgMetaReader` } },
    ]);
    expect(logger.lines.find((l) => l.message.startsWith(`Tenant ${T1}:`))).toEqual({
      level: 'info',
      message: `Tenant ${T1}: 1 account(s) collected`,
      fields: { tenantId: T1, accounts: 1, s3Key: `mem://org-accounts/dt=2024-05-01/tenant_id=${T1}/accounts.csv` },
    });
    const failure = summary.tenants[1].error;
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([
      {
        level: 'error',
        message: `Tenant ${T2} failed: AWSOrganizationsNotInUseException: ${failure?.message}`,
        fields: { tenantId: T2, code: 'AWSOrganizationsNotInUseException', hint: failure?.hint },
      },
    ]);
    expect(failure?.message).toBe('AssumeRole failed: not in an organization');
  });

  it('reports how long each tenant took, from its start to its last write', async () => {
    const { deps } = world([activeTenant(T1)]);
    const now = jest.spyOn(Date, 'now');
    now.mockReturnValueOnce(1_000).mockReturnValue(1_250);
    try {
      const { summary } = await collectRun(config(), deps);
      expect(summary.tenants[0].durationMs).toBe(250);
    } finally {
      now.mockRestore();
    }
  });
});

describe('a failed tenant', () => {
  it('files a failed tag read under ListTagsForResource and reports how long the tenant ran', async () => {
    // Prepare
    const { deps } = world([activeTenant(T1)]);
    const organizations = new FakeOrganizationAccess({
      [T1]: { organization: organization(T1), accountPages: [[account(T1)]], failAt: { step: 'listTags', error: new Error('slow down') } },
    });
    const now = jest.spyOn(Date, 'now');
    now.mockReturnValueOnce(5_000).mockReturnValue(5_400);
    try {
      // Act
      const { summary } = await collectRun(config(), { ...deps, organizations });
      // Assess
      expect(summary.tenants[0]).toMatchObject({ durationMs: 400, error: { message: 'ListTagsForResource failed: slow down' } });
    } finally {
      now.mockRestore();
    }
  });

  it('warns, naming the tenant, when the organization belongs to another management account', async () => {
    const { deps, logger } = world([activeTenant(T1)]);
    const organizations = new FakeOrganizationAccess({ [T1]: { organization: organization(T2), accountPages: [[account(T1)]] } });
    await collectRun(config(), { ...deps, organizations });
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: `Tenant ${T1}: the organization's management account is ${T2}, not the tenant ID; the role may be in a member account.`,
        fields: { tenantId: T1 },
      },
    ]);
  });
});

describe('tag reads', () => {
  it('keeps at most --account-concurrency tag reads in flight per tenant', async () => {
    // Prepare
    const { deps } = world([activeTenant(T1)]);
    let inFlight = 0;
    let most = 0;
    const accounts = ['300000000001', '300000000002', '300000000003', '300000000004'].map((id) => account(id));
    const reader = {
      describeOrganization: async () => organization(T1),
      listAccounts: async function* () {
        yield accounts;
      },
      listTags: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        return [];
      },
    };
    const organizations = { connect: async () => reader } as unknown as PipelineDependencies['organizations'];
    // Act
    const { summary } = await collectRun(config({ 'account-concurrency': 2 }), { ...deps, organizations });
    // Assess
    expect(summary.tenants[0].status).toBe('succeeded');
    expect(most).toBe(2);
  });
});

describe('an unreadable tenant table', () => {
  it('names the table, the region and the setting of this surface in the hint', async () => {
    const { deps } = world();
    const missing = {
      scanTenants: () => Promise.reject(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' })),
    };
    const error = await planRun(config(), { ...deps, tenantSource: missing, region: 'eu-west-1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ hint: 'Table tenants was not found in eu-west-1; check --table / TENANTS_TABLE_NAME and AWS_REGION.' });
  });
});

describe('an interrupted run', () => {
  it('starts no tenant once aborted, and says how to collect each again on this surface', async () => {
    // Prepare
    const { deps, organizations } = world();
    const controller = new AbortController();
    controller.abort();
    // Act
    const cli = await collectRun(config(), { ...deps, signal: controller.signal });
    const lambda = await collectRun(config(), { ...deps, signal: controller.signal, surface: 'lambda' });
    // Assess
    expect(organizations.connections).toEqual([]);
    expect(cli.summary.tenants.map((t) => t.error)).toEqual([
      { code: 'InterruptedError', message: 'The run was interrupted before this tenant started.', hint: `Re-run it with --tenant ${T1}.` },
      { code: 'InterruptedError', message: 'The run was interrupted before this tenant started.', hint: `Re-run it with --tenant ${T2}.` },
    ]);
    expect(lambda.summary.tenants[0].error?.hint).toBe('The next scheduled run collects it again (or start the function now).');
    expect(cli.summary.totals).toEqual({ tenants: 2, succeeded: 0, failed: 2, accounts: 0 });
  });

  it('abandons a read in flight when the run is aborted, and files it under that step', async () => {
    // Prepare: DescribeOrganization never answers until the run is aborted.
    const { deps } = world([activeTenant(T1)]);
    const controller = new AbortController();
    const hanging = {
      connect: async () => ({
        describeOrganization: () => {
          setTimeout(() => controller.abort(), 5);
          return new Promise<never>(() => undefined);
        },
        listAccounts: async function* () {},
        listTags: async () => [],
      }),
    } as unknown as PipelineDependencies['organizations'];
    // Act
    const { summary } = await collectRun(config(), { ...deps, organizations: hanging, signal: controller.signal });
    // Assess
    expect(summary.tenants[0]).toMatchObject({
      status: 'failed',
      error: { code: 'InterruptedError', message: 'DescribeOrganization failed: The run was interrupted before this step finished' },
    });
  });

  it('lets a read finish when the run is not aborted, and stops listening for the abort afterwards', async () => {
    const { deps } = world([activeTenant(T1)]);
    const controller = new AbortController();
    const removed = jest.spyOn(controller.signal, 'removeEventListener');
    const { summary } = await collectRun(config(), { ...deps, signal: controller.signal });
    expect(summary.tenants[0].status).toBe('succeeded');
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});

describe('summarizeRun', () => {
  const run = { runId: 'r-1', startedAt: START };
  const ok = (tenantId: string, extra: Partial<TenantResult> = {}): TenantResult => ({
    tenantId,
    tenantName: tenantId,
    status: 'succeeded',
    accounts: 1,
    durationMs: 1,
    ...extra,
  });

  it('moves each distinct bus problem to the run, once, and keeps it out of the tenants', () => {
    const summary = summarizeRun(
      run,
      [ok(T2, { eventsError: 'bus gone' }), ok(T1, { eventsError: 'bus gone' }), ok('333333333333', { eventsError: 'throttled' })],
      [],
      START,
    );
    expect(summary.eventsError).toBe('bus gone; throttled');
    expect(summary.tenants.map((t) => t.tenantId)).toEqual([T1, T2, '333333333333']);
    for (const tenant of summary.tenants) expect(tenant).not.toHaveProperty('eventsError');
    expect(summarizeRun(run, [ok(T1)], [], START)).not.toHaveProperty('eventsError');
  });

  it('adds up changes of the tenants compared with a previous snapshot only', () => {
    const changes = (total: number) => ({ added: total, removed: 0, modified: 0, total, previousRunId: 'r-0' });
    const summary = summarizeRun(
      run,
      [
        ok(T1, { changes: changes(3) }),
        ok(T2, { changes: null }),
        { ...ok('333333333333', { changes: changes(5) }), status: 'failed' },
        ok('444444444444', { changes: changes(4) }),
      ] as TenantResult[],
      [],
      START,
    );
    expect(summary.totals.changes).toBe(7);
    expect(summarizeRun(run, [ok(T1)], [], START).totals).not.toHaveProperty('changes');
  });
});

describe('writeManifest', () => {
  it('writes the summary as pretty JSON under the run date, with its run ID and checksum', async () => {
    const s3 = new MemorySink('s3');
    const summary = summarizeRun({ runId: '20240501T120000Z-abcdef', startedAt: START }, [], [], START);
    const outcome = await writeManifest(summary, config({ prefix: 'team' }), { sinks: [s3], logger: new RecordingLogger() });
    const key = 'team/dt=2024-05-01/_manifests/20240501T120000Z-abcdef.json';
    const object = s3.objects.get(key);
    expect(outcome).toEqual({ s3Key: `mem://${key}` });
    expect(object?.body).toBe(`${JSON.stringify(summary, null, 2)}\n`);
    expect(object?.contentType).toBe('application/json');
    expect(object?.metadata).toEqual({ 'run-id': '20240501T120000Z-abcdef' });
    expect(object?.sha256Hex).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names each sink that refused it, masks secrets in the reason, logs it, and keeps where it did go', async () => {
    const secrets = new SecretMasker();
    secrets.add('sekret-ext-id');
    const logger = new RecordingLogger();
    const summary = summarizeRun({ runId: 'r-2', startedAt: START }, [], [], START);
    const outcome = await writeManifest(summary, config(), {
      sinks: [
        new MemorySink('local', new Error('disk full near sekret-ext-id')),
        new MemorySink('s3'),
        new MemorySink('s3', new Error('denied')),
      ],
      logger,
      secrets,
    });
    const error = 'The run manifest could not be written (memory-local: disk full near ***; memory-s3: denied)';
    expect(outcome).toEqual({ s3Key: 'mem://org-accounts/dt=2024-05-01/_manifests/r-2.json', error });
    expect(logger.messages('error')).toEqual([error]);
  });

  it('logs a refused manifest even without a masker', async () => {
    const logger = new RecordingLogger();
    const summary = summarizeRun({ runId: 'r-3', startedAt: START }, [], [], START);
    const outcome = await writeManifest(summary, config(), { sinks: [new MemorySink('s3', new Error('denied'))], logger });
    expect(outcome.error).toBe('The run manifest could not be written (memory-s3: denied)');
    expect(logger.messages('error')).toEqual([outcome.error]);
  });
});

import { SecretMasker, checkpointKey, type ObjectReader } from '@orgmeta/core';
import { parseTenantsJsonLines, readChildResults, runFileKeys, tenantRecordOf, tenantsJsonLines } from '../src/handlers/run-files';

const TENANT = { tenantId: '130000000101', tenantName: 'Acme', key: [{ name: 'pk', type: 'S' as const, value: 'item-1' }] };
const INPUT = JSON.stringify({ tenant: TENANT, runId: 'r', startedAt: '2026-11-29T00:00:00.000Z' });

/** An in-memory bucket: the result writer's files by key. */
function store(objects: Record<string, unknown>): ObjectReader {
  return {
    readObject: async (key) => (key in objects ? new TextEncoder().encode(JSON.stringify(objects[key])) : undefined),
  };
}

describe('run files', () => {
  it('keeps every run under <prefix>_runs/<runId>/', () => {
    expect(runFileKeys('org-accounts/', '20261129T020000Z-abcdef')).toEqual({
      tenants: 'org-accounts/_runs/20261129T020000Z-abcdef/tenants.jsonl',
      plan: 'org-accounts/_runs/20261129T020000Z-abcdef/plan.json',
      results: 'org-accounts/_runs/20261129T020000Z-abcdef/results',
      checkpoints: 'org-accounts/_runs/20261129T020000Z-abcdef/checkpoints/',
    });
    // The summarize step sweeps where the collect task saves (core's checkpointKey).
    expect(checkpointKey('org-accounts/', '20261129T020000Z-abcdef', '111122223333')).toBe(
      `${runFileKeys('org-accounts/', '20261129T020000Z-abcdef').checkpoints}111122223333.json.gz`,
    );
  });

  it('writes one tenant a line and reads it back; a line that is not a tenant is named', () => {
    const text = tenantsJsonLines([TENANT, { tenantId: '130000000102', tenantName: '' }]);
    expect(text.split('\n')).toHaveLength(3);
    expect(parseTenantsJsonLines(text, 'k')).toEqual([TENANT, { tenantId: '130000000102', tenantName: '' }]);
    expect(() => parseTenantsJsonLines('{"tenantId":1}\n', 'runs/x/tenants.jsonl')).toThrow(
      'runs/x/tenants.jsonl line 1 is not a tenant (tenantId, tenantName)',
    );
  });

  it('turns a SUCCEEDED child whose output was not included (too large) into a failed tenant, not a lost one', () => {
    const record = tenantRecordOf({ Status: 'SUCCEEDED', Input: INPUT }, new SecretMasker());
    expect(record).toMatchObject({
      tenantId: TENANT.tenantId,
      tenantName: 'Acme',
      status: 'failed',
      error: { code: 'TenantResultUnreadable' },
    });
  });

  it("bounds and masks a failed child's cause", () => {
    const secrets = new SecretMasker(['very-secret-external-id']);
    const record = tenantRecordOf(
      { Status: 'FAILED', Input: INPUT, Error: 'Lambda.Unknown', Cause: `quoted very-secret-external-id ${'x'.repeat(10_000)}` },
      secrets,
    );
    expect(record?.error?.code).toBe('Lambda.Unknown');
    expect(record?.error?.message).not.toContain('very-secret-external-id');
    expect(record?.error?.message.length).toBeLessThan(600);
  });

  it('lets a success of a redriven child win over its earlier failure', async () => {
    const failed = { Status: 'FAILED', Input: INPUT, Error: 'States.Timeout', Cause: 'timed out' };
    const succeeded = {
      Status: 'SUCCEEDED',
      Input: INPUT,
      Output: JSON.stringify({ tenantId: TENANT.tenantId, tenantName: 'Acme', status: 'succeeded', accounts: 3, durationMs: 5 }),
    };
    const records = await readChildResults(
      store({
        'm.json': { ResultFiles: { SUCCEEDED: [{ Key: 's.json' }], FAILED: [{ Key: 'f.json' }], PENDING: [] } },
        's.json': [succeeded],
        'f.json': [failed],
      }),
      { Bucket: 'b', Key: 'm.json' },
      new SecretMasker(),
    );
    expect([...records.values()].map((r) => [r.tenantId, r.status, r.accounts])).toEqual([[TENANT.tenantId, 'succeeded', 3]]);
  });

  it('names a result file the manifest lists but S3 does not have', async () => {
    await expect(
      readChildResults(
        store({ 'm.json': { ResultFiles: { SUCCEEDED: [{ Key: 'gone.json' }] } } }),
        { Bucket: 'b', Key: 'm.json' },
        new SecretMasker(),
      ),
    ).rejects.toThrow('The result file s3://b/gone.json listed in m.json does not exist');
  });
});

import { SecretMasker, type TenantResult } from '@orgmeta/core';
import { boundedTenantResult } from '../src/handlers/bounded-result';
import { DEADLINE_MARGIN_MS, runDeadline } from '../src/handlers/deadline';

describe('runDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts the margin before the invocation would time out, not earlier', () => {
    const deadline = runDeadline({ getRemainingTimeInMillis: () => DEADLINE_MARGIN_MS + 5_000 });
    jest.advanceTimersByTime(4_999);
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
  });

  it('aborts at once when less than the margin is left', () => {
    expect(runDeadline({ getRemainingTimeInMillis: () => DEADLINE_MARGIN_MS - 1 }).signal.aborted).toBe(true);
  });

  it('never aborts once disposed (the run finished in time)', () => {
    const deadline = runDeadline({ getRemainingTimeInMillis: () => DEADLINE_MARGIN_MS + 1_000 });
    deadline.dispose();
    jest.advanceTimersByTime(10_000);
    expect(deadline.signal.aborted).toBe(false);
  });
});

describe('boundedTenantResult', () => {
  const huge = (label: string) => `${label} ${'z'.repeat(100 * 1024)}`;

  it('keeps a failed result near 1 KB however long each text is, with secrets masked and lines escaped', () => {
    // Prepare
    const result: TenantResult = {
      tenantId: '106000000001',
      tenantName: huge('name'),
      status: 'failed',
      accounts: 0,
      durationMs: 12,
      error: { code: huge('Code'), message: `secret-external-id\n    at Object.<anonymous> ${huge('message')}`, hint: huge('hint') },
    };
    // Act
    const bounded = boundedTenantResult(result, new SecretMasker(['secret-external-id']));
    // Assess
    const json = JSON.stringify(bounded);
    expect(Buffer.byteLength(json)).toBeLessThan(2048);
    expect(json).not.toContain('secret-external-id');
    expect(bounded.error?.message.startsWith('***\\n    at Object.<anonymous> message zzz')).toBe(true);
    expect(bounded).toMatchObject({ tenantId: '106000000001', status: 'failed', accounts: 0, durationMs: 12 });
  });

  it('leaves a succeeded result as it is', () => {
    const result: TenantResult = {
      tenantId: '106000000001',
      tenantName: 'Acme',
      status: 'succeeded',
      accounts: 3,
      durationMs: 5,
      s3Key: 'k',
    };
    expect(boundedTenantResult(result, new SecretMasker())).toEqual(result);
  });
});

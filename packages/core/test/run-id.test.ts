import { startRun } from '../src';
import { newRunId } from '../src/pipeline';

describe('newRunId', () => {
  it('is the start time in compact UTC to the second, then 6 random hex digits', () => {
    expect(newRunId(new Date('2024-05-01T12:03:04.567Z'))).toMatch(/^20240501T120304Z-[0-9a-f]{6}$/);
  });

  it('keeps a start on a whole second the same shape', () => {
    expect(newRunId(new Date('2024-12-31T23:59:59.000Z'))).toMatch(/^20241231T235959Z-[0-9a-f]{6}$/);
  });

  it('differs between two runs started in the same millisecond', () => {
    const at = new Date('2024-05-01T12:00:00.000Z');
    const ids = new Set(Array.from({ length: 20 }, () => newRunId(at)));
    expect(ids.size).toBeGreaterThan(1);
  });

  it('fits an STS RoleSessionName (2-64 of [\\w+=,.@-])', () => {
    expect(newRunId(new Date())).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

describe('startRun', () => {
  it('names the run after the clock it is given', () => {
    const startedAt = new Date('2024-05-01T12:00:00.000Z');
    const run = startRun(() => startedAt);
    expect(run.startedAt).toBe(startedAt);
    expect(run.runId).toMatch(/^20240501T120000Z-[0-9a-f]{6}$/);
  });

  it('uses the current time by default', () => {
    const before = Date.now();
    const run = startRun();
    expect(run.startedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(run.startedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

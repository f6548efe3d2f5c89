import { OrganizationPacer } from '../src';

class Throttled extends Error {
  constructor() {
    super('Rate exceeded');
    this.name = 'TooManyRequestsException';
  }
}

describe('OrganizationPacer', () => {
  it('lets a burst of one second of calls through, then paces the rest', async () => {
    // Prepare
    const pacer = new OrganizationPacer({ maxRps: 20 });
    const startedAt: number[] = [];
    const t0 = Date.now();
    // Act: 30 calls at 20 rps: 20 at once, 10 more over about half a second.
    await Promise.all(Array.from({ length: 30 }, () => pacer.run(async () => startedAt.push(Date.now() - t0))));
    // Assess
    const sorted = startedAt.sort((a, b) => a - b);
    expect(sorted[19]).toBeLessThan(350);
    expect(sorted[29]).toBeGreaterThanOrEqual(400);
  });

  it('slows down on a throttled answer, tells the listener, and recovers on successes', async () => {
    let throttles = 0;
    const pacer = new OrganizationPacer({ maxRps: 8, onThrottle: () => (throttles += 1) });
    await expect(pacer.run(() => Promise.reject(new Throttled()))).rejects.toThrow('Rate exceeded');
    expect(pacer.currentRps).toBeCloseTo(6.4);
    expect(throttles).toBe(1);
    for (let i = 0; i < 16; i += 1) await pacer.run(async () => 'ok');
    expect(pacer.currentRps).toBe(8);
  }, 15_000);

  it('does not slow down for errors that are not throttling', async () => {
    const pacer = new OrganizationPacer({ maxRps: 8 });
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    await expect(pacer.run(() => Promise.reject(denied))).rejects.toBe(denied);
    expect(pacer.currentRps).toBe(8);
  });
});

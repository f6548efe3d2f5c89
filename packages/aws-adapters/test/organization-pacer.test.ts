import { OrganizationPacer, accountManagementPacers, type PacerClock } from '../src/organization-pacer';

class Throttled extends Error {
  constructor() {
    super('Rate exceeded');
    this.name = 'TooManyRequestsException';
  }
}

/**
 * Time that moves only when the pacer sleeps: a sleep ends on the next turn of the event loop,
 * after the work it released has run, with the clock moved on by exactly what was asked.
 */
class VirtualClock implements PacerClock {
  private nowMs = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.nowMs;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) =>
      setImmediate(() => {
        this.nowMs += ms;
        resolve();
      }),
    );
  }
}

describe('OrganizationPacer', () => {
  it('lets a burst of one second of calls through, then paces the rest', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new OrganizationPacer({ maxRps: 20, clock });
    const startedAt: number[] = [];
    // Act: 30 calls at 20 rps: 20 at once, then one every 50 ms.
    await Promise.all(Array.from({ length: 30 }, () => pacer.run(async () => startedAt.push(clock.now()))));
    // Assess
    const sorted = startedAt.sort((a, b) => a - b);
    expect(sorted[19]).toBeLessThan(350);
    expect(sorted[29]).toBeGreaterThanOrEqual(400);
    expect(sorted).toEqual([...Array.from({ length: 20 }, () => 0), 50, 100, 150, 200, 250, 300, 350, 400, 450, 500]);
  });

  it('slows down on a throttled answer, tells the listener, and recovers on successes', async () => {
    // Prepare
    const clock = new VirtualClock();
    let throttles = 0;
    const pacer = new OrganizationPacer({ maxRps: 8, onThrottle: () => (throttles += 1), clock });
    // Act
    await expect(pacer.run(() => Promise.reject(new Throttled()))).rejects.toThrow('Rate exceeded');
    // Assess: a fifth slower, and the saved-up burst is gone: the next call waits a whole token at 6.4 rps.
    expect(pacer.currentRps).toBeCloseTo(6.4);
    expect(throttles).toBe(1);
    const before = clock.now();
    await pacer.run(async () => 'ok');
    expect(clock.now() - before).toBe(Math.ceil(1000 / 6.4));
    for (let i = 0; i < 15; i += 1) await pacer.run(async () => 'ok');
    expect(pacer.currentRps).toBe(8);
  });

  it("starts a resumed tenant at its learnt pace with no burst saved up, and sends nothing once its chunk's signal aborts", async () => {
    // Prepare: resumed at 5 rps (below the 20 allowed), with the chunk's pause signal.
    const clock = new VirtualClock();
    const pause = new AbortController();
    const pacer = new OrganizationPacer({ maxRps: 20, startRps: 5, signal: pause.signal, clock });
    const startedAt: number[] = [];
    // Act: three calls, then the pause, then two more.
    await Promise.all(Array.from({ length: 3 }, () => pacer.run(async () => startedAt.push(clock.now()))));
    pause.abort();
    const sent: number[] = [];
    const afterPause = await Promise.allSettled([pacer.run(async () => sent.push(1)), pacer.run(async () => sent.push(2))]);
    // Assess: the first call waits a whole token at 5 rps (no burst); the pace creeps back up from 5
    // by half a call per second per success; nothing is sent after the pause.
    expect(startedAt[0]).toBe(200);
    expect(startedAt[1] - startedAt[0]).toBeGreaterThanOrEqual(Math.floor(1000 / 5.5));
    expect(pacer.currentRps).toBe(6.5);
    expect(sent).toEqual([]);
    expect(afterPause.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('does not slow down for errors that are not throttling', async () => {
    const clock = new VirtualClock();
    const pacer = new OrganizationPacer({ maxRps: 8, clock });
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    await expect(pacer.run(() => Promise.reject(denied))).rejects.toBe(denied);
    expect(pacer.currentRps).toBe(8);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('accountManagementPacers', () => {
  async function startTimes(pacer: OrganizationPacer | undefined, clock: VirtualClock, calls: number): Promise<number[]> {
    if (!pacer) throw new Error('no pacer');
    const startedAt: number[] = [];
    await Promise.all(Array.from({ length: calls }, () => pacer.run(async () => startedAt.push(clock.now()))));
    return startedAt.sort((a, b) => a - b);
  }

  it('paces GetAlternateContact at its documented 10 per second with a burst of 15', async () => {
    const clock = new VirtualClock();
    const pacerFor = accountManagementPacers({ clock });

    const sorted = await startTimes(pacerFor('GetAlternateContact'), clock, 20);

    expect(sorted).toEqual([...Array.from({ length: 15 }, () => 0), 100, 200, 300, 400, 500]);
  });

  it('paces ListRegions at its documented 5 per second, on a budget of its own', async () => {
    const clock = new VirtualClock();
    const pacerFor = accountManagementPacers({ clock });

    const regions = await startTimes(pacerFor('ListRegions'), clock, 8);

    expect(regions).toEqual([0, 0, 0, 0, 0, 200, 400, 600]);
    expect(pacerFor('ListRegions')).not.toBe(pacerFor('GetAlternateContact'));
    expect(pacerFor('PutAlternateContact')).toBeUndefined();
  });
});

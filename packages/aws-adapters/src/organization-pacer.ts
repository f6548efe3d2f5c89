import { isThrottlingCode } from '@orgmeta/core';
import type { Client } from '@smithy/types';

const MIN_RPS = 0.5;
// AIMD: back off by a fifth on a throttled answer, win it back over a few successes. Halving
// (TCP-style) was measured to cost ~15% wall time for one stray throttle at the limit.
const DECREASE_FACTOR = 0.8;
const INCREASE_PER_SUCCESS = 0.5;

/** Time as the pacer sees it: injected, so tests assert the pace itself rather than how long it took. */
export interface PacerClock {
  /** Milliseconds since some fixed point. */
  now(): number;
  /** Resolves after `ms` milliseconds; must keep the process alive meanwhile. */
  sleep(ms: number): Promise<void>;
}

/** Wall-clock time: a ref'd timer, so calls waiting for a token keep the process alive. */
export const SYSTEM_CLOCK: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket whose waiters are woken at the exact moment a token is due. (bottleneck's
 * reservoir was tried: it refills on an unref'd 250 ms heartbeat, so calls waiting for a token
 * do not keep the process alive and the pace is coarse.)
 */
class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly waiting: (() => void)[] = [];
  private sleeping = false;

  constructor(
    private rate: number,
    private readonly capacity: number,
    private readonly clock: PacerClock,
  ) {
    this.tokens = capacity;
    this.updatedAt = clock.now();
  }

  take(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  setRate(rate: number): void {
    this.refill();
    this.rate = rate;
  }

  empty(): void {
    this.refill();
    this.tokens = 0;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
  }

  private pump(): void {
    this.refill();
    while (this.waiting.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.waiting.shift()?.();
    }
    if (this.waiting.length > 0 && !this.sleeping) {
      this.sleeping = true;
      const dueMs = ((1 - this.tokens) / this.rate) * 1000;
      void this.clock.sleep(Math.max(1, Math.ceil(dueMs))).then(() => {
        this.sleeping = false;
        this.pump();
      });
    }
  }
}

export interface PacerSettings {
  /** Calls per second the organization is allowed. */
  readonly maxRps: number;
  /** A resumed tenant's learnt pace: start there (between the floor and `maxRps`) with no burst saved up; default `maxRps` and a full burst. */
  readonly startRps?: number;
  /** Calls allowed at once after a quiet spell; default one second's worth (`maxRps`). */
  readonly burst?: number;
  /** Told of every throttled answer, e.g. for a progress display. */
  readonly onThrottle?: () => void;
  /** Defaults to the system clock. */
  readonly clock?: PacerClock;
  /**
   * Once aborted, attempts not yet sent fail instead (a paused chunk's calls, which the collection
   * abandoned, would otherwise go on spending the organization's rate beside the next chunk's).
   */
  readonly signal?: AbortSignal;
}

/**
 * Paces one organization's calls with a token bucket and adapts it: the rate drops on a
 * throttled answer and creeps back on successes (AIMD), so throttling stays rare instead
 * of being the normal path. Every attempt, retries included, takes a token.
 */
export class OrganizationPacer {
  private rps: number;
  private readonly bucket: TokenBucket;

  constructor(private readonly settings: PacerSettings) {
    this.rps = Math.min(settings.maxRps, Math.max(MIN_RPS, settings.startRps ?? settings.maxRps));
    this.bucket = new TokenBucket(this.rps, Math.max(1, Math.round(settings.burst ?? settings.maxRps)), settings.clock ?? SYSTEM_CLOCK);
    // A resumed tenant goes on at its pace: the calls just before the pause spent the burst.
    if (settings.startRps !== undefined) this.bucket.empty();
  }

  /** Runs one attempt when a token is free and learns from its outcome. */
  async run<T>(attempt: () => Promise<T>): Promise<T> {
    await this.bucket.take();
    this.settings.signal?.throwIfAborted();
    try {
      const result = await attempt();
      this.onSuccess();
      return result;
    } catch (error) {
      if (isThrottlingCode((error as { name?: string }).name ?? '')) this.onThrottle();
      throw error;
    }
  }

  /** Current pace, for logs and tests. */
  get currentRps(): number {
    return this.rps;
  }

  private onThrottle(): void {
    this.settings.onThrottle?.();
    this.rps = Math.max(MIN_RPS, this.rps * DECREASE_FACTOR);
    this.bucket.setRate(this.rps);
    // Drop the saved-up burst too: the organization just said it is over its limit.
    this.bucket.empty();
  }

  private onSuccess(): void {
    if (this.rps >= this.settings.maxRps) return;
    this.rps = Math.min(this.settings.maxRps, this.rps + INCREASE_PER_SUCCESS);
    this.bucket.setRate(this.rps);
  }
}

/** The pacer an operation (`GetAlternateContact`) goes through; undefined: not paced. */
export type PacerForOperation = (operation: string) => OrganizationPacer | undefined;

/**
 * Makes every attempt (retries included) of a client's calls go through the pacer, or through
 * the pacer of each operation (APIs whose rate limits are per operation, like Account Management).
 */
// The client's input/output types do not matter to pacing, hence the wide generic.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function paceClient(client: Client<any, any, any>, pacer: OrganizationPacer | PacerForOperation): void {
  const pacerFor: PacerForOperation = pacer instanceof OrganizationPacer ? () => pacer : pacer;
  client.middlewareStack.add(
    (next, context) => (args) => {
      const chosen = pacerFor(String(context.commandName ?? '').replace(/Command$/, ''));
      return chosen ? chosen.run(() => next(args)) : next(args);
    },
    {
      // After retry and signing, before the request is sent: once per attempt.
      step: 'finalizeRequest',
      priority: 'low',
      name: 'orgmetaPacer',
    },
  );
}

/**
 * AWS Account Management's documented rates per caller: GetAlternateContact 10 per second with a
 * burst of 15, ListRegions 5 per second. Each has its own budget, apart from the Organizations pace.
 */
export const ACCOUNT_MANAGEMENT_RATES: Readonly<Record<string, { readonly rps: number; readonly burst: number }>> = {
  GetAlternateContact: { rps: 10, burst: 15 },
  ListRegions: { rps: 5, burst: 5 },
};

/** One pacer per Account Management operation at its documented rate, for one tenant. */
export function accountManagementPacers(settings: Omit<PacerSettings, 'maxRps' | 'burst'> = {}): PacerForOperation {
  const pacers = new Map(
    Object.entries(ACCOUNT_MANAGEMENT_RATES).map(([operation, rate]) => [
      operation,
      new OrganizationPacer({ ...settings, maxRps: rate.rps, burst: rate.burst }),
    ]),
  );
  return (operation) => pacers.get(operation);
}

import { isThrottlingCode } from '@orgmeta/core';
import type { Client } from '@smithy/types';

const MIN_RPS = 0.5;
// AIMD: back off by a fifth on a throttled answer, win it back over a few successes. Halving
// (TCP-style) was measured to cost ~15% wall time for one stray throttle at the limit.
const DECREASE_FACTOR = 0.8;
const INCREASE_PER_SUCCESS = 0.5;

/**
 * A token bucket whose waiters are woken by a ref'd timer at the exact moment a token
 * is due. (bottleneck's reservoir was tried: it refills on an unref'd 250 ms heartbeat,
 * so calls waiting for a token do not keep the process alive and the pace is coarse.)
 */
class TokenBucket {
  private tokens: number;
  private updatedAt = Date.now();
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private rate: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
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
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
  }

  private pump(): void {
    this.refill();
    while (this.waiting.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.waiting.shift()?.();
    }
    if (this.waiting.length > 0 && !this.timer) {
      const dueMs = ((1 - this.tokens) / this.rate) * 1000;
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.max(1, Math.ceil(dueMs)),
      );
    }
  }
}

export interface PacerSettings {
  /** Calls per second the organization is allowed; also the burst (one second's worth). */
  readonly maxRps: number;
  /** Told of every throttled answer, e.g. for a progress display. */
  readonly onThrottle?: () => void;
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
    this.rps = settings.maxRps;
    this.bucket = new TokenBucket(this.rps, Math.max(1, Math.round(settings.maxRps)));
  }

  /** Runs one attempt when a token is free and learns from its outcome. */
  async run<T>(attempt: () => Promise<T>): Promise<T> {
    await this.bucket.take();
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

/** Makes every attempt (retries included) of a client's calls go through the pacer. */
// The client's input/output types do not matter to pacing, hence the wide generic.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function paceClient(client: Client<any, any, any>, pacer: OrganizationPacer): void {
  client.middlewareStack.add((next) => (args) => pacer.run(() => next(args)), {
    // After retry and signing, before the request is sent: once per attempt.
    step: 'finalizeRequest',
    priority: 'low',
    name: 'orgmetaPacer',
  });
}

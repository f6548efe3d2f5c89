import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { ChangeEvent, ChangeEventSink, EventPublishOutcome } from '@orgmeta/core';

/** PutEvents accepts at most 10 entries per request. */
export const MAX_ENTRIES_PER_PUT = 10;
/** ...and at most 256 KB of entries per request (AWS's PutEvents entry size). */
export const MAX_PUT_BYTES = 256 * 1024;

/** Where {@link EventBridgeChangeEventSink} publishes change events, and how it retries a failed PutEvents. */
export interface EventBridgeSinkSettings {
  /** The bus name or ARN (`--events-bus`). */
  readonly busName: string;
  /** Tries per entry, the first included, for entries PutEvents answers with an ErrorCode (default 4). */
  readonly maxAttempts?: number;
  /** First backoff before retrying failed entries; doubled each time, with full jitter (default 200 ms). */
  readonly baseDelayMs?: number;
  /** Injected for tests: how to wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: a number in [0, 1) for the jitter. */
  readonly random?: () => number;
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** An entry's size as EventBridge counts it: Source, DetailType, Detail and each resource (UTF-8); Time is not set. */
export function entrySize(entry: PutEventsRequestEntry): number {
  return (
    utf8Bytes(entry.Source ?? '') +
    utf8Bytes(entry.DetailType ?? '') +
    utf8Bytes(entry.Detail ?? '') +
    (entry.Resources ?? []).reduce((sum, r) => sum + utf8Bytes(r), 0)
  );
}

/** Splits entries into requests of at most 10 entries and 256 KB each, keeping their order. */
export function batchEntries(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let batch: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (batch.length > 0 && (batch.length === MAX_ENTRIES_PER_PUT || bytes + size > MAX_PUT_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Sends change events to an EventBridge bus: PutEvents in batches (≤ 10 entries, ≤ 256 KB),
 * entries the bus refuses (FailedEntryCount / ErrorCode) retried with exponential backoff a
 * bounded number of times. Never throws: a bus that stays unreachable, or entries still
 * refused after the last try, come back as `error` for the summary's `eventsError`.
 * Whole-request failures are retried by the SDK client itself (its own retry strategy).
 */
export class EventBridgeChangeEventSink implements ChangeEventSink {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly settings: EventBridgeSinkSettings,
  ) {
    this.maxAttempts = Math.max(1, settings.maxAttempts ?? 4);
    this.baseDelayMs = settings.baseDelayMs ?? 200;
    this.sleep = settings.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = settings.random ?? Math.random;
  }

  async publish(events: readonly ChangeEvent[]): Promise<EventPublishOutcome> {
    const entries = events.map((event) => this.entry(event));
    const oversized = entries.filter((entry) => entrySize(entry) > MAX_PUT_BYTES).length;
    const sendable = entries.filter((entry) => entrySize(entry) <= MAX_PUT_BYTES);
    const problems: string[] = oversized > 0 ? [`${oversized} larger than 256 KB`] : [];
    let sent = 0;
    let unsent = oversized;
    const batches = batchEntries(sendable);
    for (const [index, batch] of batches.entries()) {
      const result = await this.putWithRetries(batch);
      sent += result.sent;
      unsent += batch.length - result.sent;
      if (result.error) problems.push(result.error);
      if (result.unreachable) {
        // The bus did not answer (after the SDK's own retries): the next batches would fare no better.
        unsent += batches.slice(index + 1).reduce((sum, b) => sum + b.length, 0);
        break;
      }
    }
    if (unsent === 0) return { sent };
    return {
      sent,
      error: `${unsent} of ${events.length} change event(s) were not sent to EventBridge bus ${this.settings.busName}: ${problems.join('; ')}`,
    };
  }

  private entry(event: ChangeEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.settings.busName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Resources: [...event.resources],
    };
  }

  /** One batch: put, then put again only the entries that came back with an ErrorCode. */
  private async putWithRetries(batch: readonly PutEventsRequestEntry[]): Promise<{ sent: number; error?: string; unreachable?: boolean }> {
    let pending = [...batch];
    let sent = 0;
    let lastCodes: string[] = [];
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(Math.floor(this.random() * this.baseDelayMs * 2 ** (attempt - 2)));
      let answer: PutEventsCommandOutput;
      try {
        answer = await this.client.send(new PutEventsCommand({ Entries: pending }));
      } catch (error) {
        return { sent, error: describe(error), unreachable: true };
      }
      const results = answer.Entries ?? [];
      // Entries come back in request order; one without an EventId or with an ErrorCode failed.
      const failed = pending.filter((_, i) => results[i]?.ErrorCode !== undefined || results[i]?.EventId === undefined);
      lastCodes = pending.flatMap((_, i) => (results[i]?.ErrorCode ? [`${results[i]?.ErrorCode}: ${results[i]?.ErrorMessage ?? ''}`] : []));
      sent += pending.length - failed.length;
      pending = failed;
    }
    if (pending.length === 0) return { sent };
    const codes = [...new Set(lastCodes)].join(', ') || 'no EventId returned';
    return { sent, error: `${pending.length} refused after ${this.maxAttempts} tries (${codes})` };
  }
}

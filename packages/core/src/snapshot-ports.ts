import type { ChangeEvent } from './changes';

/** Reads one object of the output store (S3 or the local output folder) by its relative key. */
export interface ObjectReader {
  /** The object's bytes, or `undefined` when there is no such object. Other failures throw. */
  readObject(key: string): Promise<Uint8Array | undefined>;
}

/** What publishing change events achieved; a bus that stays unreachable is an `error`, never a throw. */
export interface EventPublishOutcome {
  /** Events the bus accepted. */
  readonly sent: number;
  /** Why some or all events were not sent (after retries), for the summary's `eventsError`. */
  readonly error?: string;
}

/** Sends change events somewhere (an EventBridge bus). */
export interface ChangeEventSink {
  /** Publishes one event per change; never throws: the outcome says what was not sent. */
  publish(events: readonly ChangeEvent[]): Promise<EventPublishOutcome>;
}

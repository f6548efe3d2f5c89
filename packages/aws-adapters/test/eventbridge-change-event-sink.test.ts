import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CHANGE_EVENT_DETAIL_TYPE, CHANGE_EVENT_SOURCE, type ChangeEvent } from '@orgmeta/core';
import { clientOptions, freePort, motoEndpoint } from '@orgmeta/test-support';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeChangeEventSink } from '../src';
import { MAX_PUT_BYTES, batchEntries, entrySize } from '../src/eventbridge-change-event-sink';

function event(accountId: string, extra: Partial<ChangeEvent['detail']> = {}): ChangeEvent {
  return {
    source: CHANGE_EVENT_SOURCE,
    detailType: CHANGE_EVENT_DETAIL_TYPE,
    detail: {
      tenantId: '111111111111',
      accountId,
      accountName: `name-${accountId}`,
      change: 'renamed',
      field: 'account_name',
      before: 'old',
      after: `name-${accountId}`,
      previousRunId: '20240430T120000Z-aaaaaa',
      runId: '20240501T120000Z-bbbbbb',
      detectedAt: '2024-05-01T12:00:00.000Z',
      ...extra,
    },
    resources: [`arn:aws:organizations::111111111111:account/o-abc/${accountId}`],
  };
}

const accountIds = (count: number) => Array.from({ length: count }, (_, i) => String(222222220000 + i));

describe('EventBridgeChangeEventSink against moto', () => {
  const endpoint = motoEndpoint();
  const eventBridge = new EventBridgeClient(clientOptions(endpoint));
  const sqs = new SQSClient(clientOptions(endpoint));
  let queueUrl = '';
  let busArn = '';

  /** A bus whose rule forwards every orgmeta event to a fresh queue, so the test reads back what the bus accepted. */
  beforeAll(async () => {
    busArn = (await eventBridge.send(new CreateEventBusCommand({ Name: 'orgmeta-changes' }))).EventBusArn ?? '';
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'orgmeta-change-events' }))).QueueUrl ?? '';
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await eventBridge.send(
      new PutRuleCommand({ Name: 'orgmeta-all', EventBusName: 'orgmeta-changes', EventPattern: JSON.stringify({ source: ['orgmeta'] }) }),
    );
    await eventBridge.send(
      new PutTargetsCommand({
        Rule: 'orgmeta-all',
        EventBusName: 'orgmeta-changes',
        Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
      }),
    );
  });

  afterAll(async () => {
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  });

  async function delivered(expected: number): Promise<Record<string, unknown>[]> {
    const bodies: Record<string, unknown>[] = [];
    for (let polls = 0; polls < 20 && bodies.length < expected; polls++) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      bodies.push(...(Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as Record<string, unknown>));
    }
    return bodies;
  }

  it('puts every change as an event (source, detail-type, camelCase detail, the account ARN), 10 at most per request', async () => {
    // Prepare: 23 events; moto refuses a request of more than 10 entries, as AWS does.
    const events = accountIds(23).map((id) => event(id));
    const sink = new EventBridgeChangeEventSink(eventBridge, { busName: 'orgmeta-changes' });
    // Act
    const outcome = await sink.publish(events);
    // Assess
    expect(outcome).toEqual({ sent: 23 });
    const bodies = await delivered(23);
    expect(bodies).toHaveLength(23);
    const first = bodies.find((b) => (b.detail as { accountId?: string }).accountId === '222222220000');
    expect(first).toMatchObject({
      source: 'orgmeta',
      'detail-type': 'Account Change',
      resources: ['arn:aws:organizations::111111111111:account/o-abc/222222220000'],
      detail: events[0]?.detail,
    });
    expect(bodies.map((b) => (b.detail as { accountId: string }).accountId).sort()).toEqual(accountIds(23));
  });

  it('takes the bus by ARN too', async () => {
    const outcome = await new EventBridgeChangeEventSink(eventBridge, { busName: busArn }).publish([event('333333333333')]);
    expect(outcome).toEqual({ sent: 1 });
    expect((await delivered(1)).map((b) => (b.detail as { accountId: string }).accountId)).toEqual(['333333333333']);
  });

  it('reports a bus that does not exist as an error, without throwing', async () => {
    const outcome = await new EventBridgeChangeEventSink(eventBridge, { busName: 'no-such-bus' }).publish(
      accountIds(12).map((id) => event(id)),
    );
    expect(outcome).toEqual({
      sent: 0,
      error:
        '12 of 12 change event(s) were not sent to EventBridge bus no-such-bus: ResourceNotFoundException: Event bus no-such-bus does not exist.',
    });
  });

  it('reports an unreachable endpoint as an error, without throwing', async () => {
    const port = await freePort();
    const nowhere = new EventBridgeClient({ ...clientOptions(`http://127.0.0.1:${port}`), maxAttempts: 1 });
    const outcome = await new EventBridgeChangeEventSink(nowhere, { busName: 'orgmeta-changes' }).publish([event('444444444444')]);
    expect(outcome.sent).toBe(0);
    expect(outcome.error).toMatch(/^1 of 1 change event\(s\) were not sent to EventBridge bus orgmeta-changes: .*ECONNREFUSED/);
  });

  it('sends nothing and reports nothing for no changes', async () => {
    expect(await new EventBridgeChangeEventSink(eventBridge, { busName: 'orgmeta-changes' }).publish([])).toEqual({ sent: 0 });
  });
});

describe('EventBridgeChangeEventSink retries', () => {
  // Per-entry failures moto cannot produce; only this client instance is mocked.
  const client = new EventBridgeClient({ region: 'us-east-1' });
  const eventBridge = mockClient(client);
  beforeEach(() => eventBridge.reset());

  /** Answers each PutEvents with the given per-entry outcome, recording what was asked. */
  function answerWith(fail: (entry: PutEventsRequestEntry, call: number) => string | undefined) {
    const calls: PutEventsRequestEntry[][] = [];
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      calls.push(input.Entries);
      const results = input.Entries.map((entry) => {
        const code = fail(entry, calls.length);
        return code ? { ErrorCode: code, ErrorMessage: 'try again' } : { EventId: `id-${calls.length}` };
      });
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    });
    return calls;
  }

  const accountOf = (entry: PutEventsRequestEntry) => (JSON.parse(entry.Detail ?? '{}') as { accountId: string }).accountId;

  it('puts again only the entries that failed, after a backoff, until they are accepted', async () => {
    // Prepare: the 2nd entry is throttled twice, the 3rd once.
    const calls = answerWith((entry, call) => {
      const id = accountOf(entry);
      if (id === '222222220001' && call <= 2) return 'ThrottlingException';
      if (id === '222222220002' && call === 1) return 'InternalFailure';
      return undefined;
    });
    const sleeps: number[] = [];
    const sink = new EventBridgeChangeEventSink(client, {
      busName: 'orgmeta-changes',
      baseDelayMs: 100,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
    });
    // Act
    const outcome = await sink.publish(accountIds(4).map((id) => event(id)));
    // Assess
    expect(outcome).toEqual({ sent: 4 });
    expect(calls.map((entries) => entries.map(accountOf))).toEqual([
      ['222222220000', '222222220001', '222222220002', '222222220003'],
      ['222222220001', '222222220002'],
      ['222222220001'],
    ]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up after the last try and says how many events were not sent and why', async () => {
    const calls = answerWith((entry) => (accountOf(entry) === '222222220001' ? 'ThrottlingException' : undefined));
    const sink = new EventBridgeChangeEventSink(client, {
      busName: 'orgmeta-changes',
      maxAttempts: 3,
      sleep: async () => undefined,
    });
    const outcome = await sink.publish(accountIds(2).map((id) => event(id)));
    expect(outcome).toEqual({
      sent: 1,
      error:
        '1 of 2 change event(s) were not sent to EventBridge bus orgmeta-changes: 1 refused after 3 tries (ThrottlingException: try again)',
    });
    expect(calls).toHaveLength(3);
  });

  it('keeps each request within 256 KB', async () => {
    const calls = answerWith(() => undefined);
    // Five events of about 100 KB each: two fit in one request, not three.
    const big = accountIds(5).map((id) => event(id, { after: 'x'.repeat(100 * 1024) }));
    const outcome = await new EventBridgeChangeEventSink(client, {
      busName: 'orgmeta-changes',
    }).publish(big);
    expect(outcome).toEqual({ sent: 5 });
    expect(calls.map((entries) => entries.length)).toEqual([2, 2, 1]);
    for (const entries of calls) expect(entries.reduce((sum, e) => sum + entrySize(e), 0)).toBeLessThanOrEqual(MAX_PUT_BYTES);
  });

  it('reports an event too large for any request, and sends the others', async () => {
    const calls = answerWith(() => undefined);
    const events = [event('222222220000', { after: 'x'.repeat(MAX_PUT_BYTES) }), event('222222220001')];
    const outcome = await new EventBridgeChangeEventSink(client, {
      busName: 'orgmeta-changes',
    }).publish(events);
    expect(outcome).toEqual({
      sent: 1,
      error: '1 of 2 change event(s) were not sent to EventBridge bus orgmeta-changes: 1 larger than 256 KB',
    });
    expect(calls.map((entries) => entries.map(accountOf))).toEqual([['222222220001']]);
  });
});

describe('batchEntries', () => {
  const entry = (detail: string): PutEventsRequestEntry => ({ Source: 'orgmeta', DetailType: 'Account Change', Detail: detail });

  it('splits at 10 entries', () => {
    expect(batchEntries(Array.from({ length: 21 }, () => entry('{}'))).map((b) => b.length)).toEqual([10, 10, 1]);
  });

  it('counts Source, DetailType, Detail and resources in UTF-8 bytes', () => {
    expect(entrySize({ Source: 'orgmeta', DetailType: 'Account Change', Detail: '{"a":"é"}', Resources: ['arn:x', 'arn:y'] })).toBe(
      7 + 14 + 10 + 5 + 5,
    );
  });
});

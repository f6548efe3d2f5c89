import {
  CHECKPOINT_FORMAT,
  CollectionPausedError,
  ResumableReader,
  decodeCheckpoint,
  encodeCheckpoint,
  pauseOf,
  type TenantCheckpoint,
} from '../src/tenant-checkpoint';
import type { Account, OrganizationReader } from '../src';
import { AwsError, account, organization } from './fakes';

const RUN = { runId: '20240501T120000Z-abcdef', tenantId: '111111111111' };
const MEMBER = '222222222222';

/** A reader that answers every call, with the accounts given as two pages. */
function answeringReader(pages: readonly (readonly Account[])[] = [[account(MEMBER)], [account('333333333333')]]): OrganizationReader {
  return {
    describeOrganization: async () => organization(RUN.tenantId),
    listAccounts: async function* () {
      for (const page of pages) yield page;
    },
    listAccountPages: async function* (startingToken?: string) {
      for (let index = Number(startingToken ?? 0); index < pages.length; index += 1) {
        yield { accounts: pages[index], ...(index + 1 < pages.length ? { nextToken: String(index + 1) } : {}) };
      }
    },
    listTags: async (id) => [{ key: 'Owner', value: `owner-${id}` }],
    accountOuPaths: async () => new Map([[MEMBER, { namePath: 'Root/Prod', idPath: 'r-1/ou-1', parentId: 'ou-1' }]]),
    rootNames: async () => new Map([['r-1', 'Root']]),
    organizationalUnitName: async (ouId) => `name-${ouId}`,
    delegatedAdministrators: async () => [MEMBER],
    delegatedServices: async () => ['guardduty.amazonaws.com'],
    alternateContactEmail: async (accountId, type) => (accountId === MEMBER ? `${type.toLowerCase()}@example.com` : undefined),
    enabledRegions: async (accountId) => (accountId ? ['eu-west-1'] : ['us-east-1']),
    organizationsRps: () => 12.5,
  };
}

/** A reader that must not be asked anything: a resumed chunk answers from its checkpoint. */
const silentReader: OrganizationReader = new Proxy({} as OrganizationReader, {
  // Its pace is not a call to AWS.
  get: (_target, name) =>
    name === 'organizationsRps'
      ? () => 3
      : () => {
          throw new Error(`asked AWS: ${String(name)}`);
        },
});

const live = () => new AbortController().signal;

/** Every page of a listing. */
async function drain(pages: AsyncIterable<readonly Account[]>): Promise<(readonly Account[])[]> {
  const read: (readonly Account[])[] = [];
  for await (const page of pages) read.push(page);
  return read;
}

/** Every kind of answer, asked once through `reader`. */
async function askEverything(reader: OrganizationReader) {
  const pages = await drain(reader.listAccounts());
  return {
    organization: await reader.describeOrganization(),
    pages,
    tags: await reader.listTags(MEMBER),
    ouPaths: [...(await reader.accountOuPaths())],
    roots: [...(await reader.rootNames())],
    ouName: await reader.organizationalUnitName('ou-1'),
    delegated: await reader.delegatedAdministrators(),
    services: await reader.delegatedServices(MEMBER),
    contactOfMember: await reader.alternateContactEmail(MEMBER, 'SECURITY'),
    contactOfSelf: await reader.alternateContactEmail(undefined, 'SECURITY'),
    regionsOfMember: await reader.enabledRegions(MEMBER),
    regionsOfSelf: await reader.enabledRegions(undefined),
  };
}

describe('ResumableReader', () => {
  it('answers a resumed chunk from the checkpoint alone, every kind of answer as it was read', async () => {
    // Prepare: a chunk that read everything.
    const recorder = new ResumableReader(answeringReader(), live(), undefined, true);
    const read = await askEverything(recorder);
    const checkpoint = decodeCheckpoint(encodeCheckpoint(recorder.checkpoint(RUN, 1234)));
    // Act: the next chunk, whose organization must not be asked.
    const replayed = await askEverything(new ResumableReader(silentReader, live(), checkpoint, true));
    // Assess
    expect(replayed).toEqual(read);
    expect(read.contactOfSelf).toBeUndefined();
    expect(checkpoint).toMatchObject({
      format: CHECKPOINT_FORMAT,
      ...RUN,
      chunks: 1,
      stalledChunks: 0,
      elapsedMs: 1234,
      organizationsRps: 12.5,
    });
  });

  it("keeps answers under the keys a newer deployment's chunk reads them by (the checkpoint's format)", async () => {
    const recorder = new ResumableReader(answeringReader(), live(), undefined, true);
    await askEverything(recorder);
    expect(Object.keys(recorder.checkpoint(RUN, 0).answers).sort()).toEqual(
      [
        `tags ${MEMBER}`,
        'ou-paths',
        'root-names',
        'ou-name ou-1',
        'delegated-admins',
        `delegated-services ${MEMBER}`,
        `contact SECURITY ${MEMBER}`,
        'contact SECURITY self',
        `regions ${MEMBER}`,
        'regions self',
      ].sort(),
    );
  });

  it('counts a chunk that read nothing new as stalled, and one that did as not', async () => {
    const first = new ResumableReader(answeringReader(), live(), undefined, true);
    await first.describeOrganization();
    const afterFirst = first.checkpoint(RUN, 0);
    const idle = new ResumableReader(silentReader, live(), afterFirst, true);
    await idle.describeOrganization();
    const afterIdle = idle.checkpoint(RUN, 0);
    const busy = new ResumableReader(answeringReader(), live(), afterIdle, true);
    await busy.listTags(MEMBER);
    expect([afterFirst, afterIdle, busy.checkpoint(RUN, 0)].map((c) => [c.chunks, c.stalledChunks])).toEqual([
      [1, 0],
      [2, 1],
      [3, 0],
    ]);
  });

  it('lets a failure on a resumed listing through when it is not a refused token', async () => {
    // Prepare: a checkpoint that stopped after the first page, and an organization that now denies ListAccounts.
    const recorder = new ResumableReader(answeringReader(), live(), undefined, true);
    const iterator = recorder.listAccounts()[Symbol.asyncIterator]();
    await iterator.next();
    const checkpoint = recorder.checkpoint(RUN, 0);
    expect(checkpoint.accountPages.at(-1)?.nextToken).toBe('1');
    const denying: OrganizationReader = {
      ...answeringReader(),
      listAccountPages: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new AwsError('AccessDeniedException', 'no')) }),
      }),
    };
    // Act
    const resumed = new ResumableReader(denying, live(), checkpoint, true);
    const listing = drain(resumed.listAccounts());
    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('does not take a refused token error on a fresh listing for one to list again after', async () => {
    const refusing: OrganizationReader = {
      ...answeringReader(),
      listAccountPages: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new AwsError('InvalidInputException', 'bad input')) }),
      }),
    };
    const listing = drain(new ResumableReader(refusing, live(), undefined, true).listAccounts());
    await expect(listing).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('cannot resume a listing with a reader that has no listAccountPages, and says so', async () => {
    const withoutPages: OrganizationReader = { ...answeringReader(), listAccountPages: undefined };
    const listing = drain(new ResumableReader(withoutPages, live(), undefined, true).listAccounts());
    await expect(listing).rejects.toThrow('This organization reader cannot resume ListAccounts (no listAccountPages)');
  });

  it('pauses on throttling only while pauses are allowed; after that the throttled call fails as it is', async () => {
    const throttling: OrganizationReader = {
      ...answeringReader(),
      listTags: () => Promise.reject(new AwsError('ThrottlingException', 'slow down')),
    };
    await expect(new ResumableReader(throttling, live(), undefined, true).listTags(MEMBER)).rejects.toMatchObject({
      name: 'CollectionPausedError',
      reason: 'throttled',
      message: 'The organization throttled the collection',
    });
    await expect(new ResumableReader(throttling, live(), undefined, false).listTags(MEMBER)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });

  it('pauses a call in flight when the deadline comes, and refuses new calls after it', async () => {
    const pause = new AbortController();
    const slow: OrganizationReader = { ...answeringReader(), listTags: () => new Promise(() => undefined) };
    const reader = new ResumableReader(slow, pause.signal, undefined, true);
    const inFlight = reader.listTags(MEMBER);
    pause.abort();
    await expect(inFlight).rejects.toMatchObject({ reason: 'deadline', message: 'The chunk reached its time budget' });
    await expect(reader.describeOrganization()).rejects.toMatchObject({ reason: 'deadline' });
  });
});

describe('decodeCheckpoint', () => {
  const valid: TenantCheckpoint = {
    format: CHECKPOINT_FORMAT,
    ...RUN,
    chunks: 1,
    stalledChunks: 0,
    elapsedMs: 0,
    accountPages: [],
    answers: {},
  };
  it.each([
    ['another format', { ...valid, format: CHECKPOINT_FORMAT + 1 }],
    ['no account pages', { ...valid, accountPages: undefined }],
    ['answers that are no object', { ...valid, answers: 'x' }],
  ])('refuses %s', (_what, value) => {
    expect(() => decodeCheckpoint(encodeCheckpoint(value as TenantCheckpoint))).toThrow(
      `Not an orgmeta checkpoint of format ${CHECKPOINT_FORMAT}`,
    );
  });
  it('reads back what it wrote', () => {
    expect(decodeCheckpoint(encodeCheckpoint(valid))).toEqual(valid);
  });
});

describe('pauseOf', () => {
  it('finds a pause however it was wrapped, and nothing in other errors or a cause that points at itself', () => {
    const pause = new CollectionPausedError('deadline');
    expect(pauseOf(new Error('step failed', { cause: new Error('inner', { cause: pause }) }))).toBe(pause);
    expect(pauseOf(pause)).toBe(pause);
    expect(pauseOf(new Error('plain'))).toBeUndefined();
    expect(pauseOf('not an error')).toBeUndefined();
    const loop = new Error('loop');
    (loop as { cause?: unknown }).cause = loop;
    expect(pauseOf(loop)).toBeUndefined();
    expect(pause.name).toBe('CollectionPausedError');
  });
});

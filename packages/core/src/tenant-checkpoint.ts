import { gunzipSync, gzipSync } from 'node:zlib';
import { isThrottlingCode } from './error-codes';
import { errorCode } from './failures';
import type { AccountPage, AlternateContactType, OrganizationReader, OuPlacement, ReportObject } from './ports';
import type { Account, Organization, Tag } from './types';

/**
 * Resumable tenants (docs/deployment.md, "Resumable tenants"): a tenant too large for one
 * invocation is collected in chunks. Each chunk replays what earlier chunks read from the
 * checkpoint, asks AWS only for the rest, and when its time is up (or the organization keeps
 * throttling) saves everything read so far and pauses. The collection itself is the same code as a
 * single-shot run, so the last chunk writes the same report, byte for byte.
 */

/** A checkpoint object's type: gzipped JSON. */
export const CHECKPOINT_CONTENT_TYPE = 'application/gzip';

/** Bumped when the layout changes: a chunk never misreads an older checkpoint. */
export const CHECKPOINT_FORMAT = 1;

/**
 * What a paused tenant has read so far: only its organization's answers (no credentials, no
 * ExternalId), with where ListAccounts stopped and the pace the organization allowed.
 */
export interface TenantCheckpoint {
  /** {@link CHECKPOINT_FORMAT}. */
  readonly format: number;
  /** The run and tenant it belongs to: a checkpoint of another run is never resumed. */
  readonly runId: string;
  /** The tenant's management account ID. */
  readonly tenantId: string;
  /** Chunks that ended in a pause so far. */
  readonly chunks: number;
  /** Pauses in a row that added no answer: the organization throttles every call. */
  readonly stalledChunks: number;
  /** Milliseconds spent collecting in earlier chunks. */
  readonly elapsedMs: number;
  /** The Organizations pace (calls per second) the last chunk ended at; the next starts there. */
  readonly organizationsRps?: number;
  /** DescribeOrganization's answer. */
  readonly organization?: Organization;
  /** Every ListAccounts page read, in order. */
  readonly accountPages: readonly StoredAccountPage[];
  /** Every other answer, by call (`tags 111122223333`, `ou-name ou-ab12-…`). */
  readonly answers: Readonly<Record<string, unknown>>;
}

/** An account as JSON keeps it: the join time as an ISO string. */
type StoredAccount = Omit<Account, 'joinedTimestamp'> & { readonly joinedTimestamp?: string };
interface StoredAccountPage {
  readonly accounts: readonly StoredAccount[];
  readonly nextToken?: string;
}

/** What Organizations answers for a pagination token it does not take (Reason `INVALID_PAGINATION_TOKEN`). */
const INVALID_TOKEN_CODE = 'InvalidInputException';

/** Why a chunk paused: its time was up, or the organization throttled past the SDK's retries. */
export type PauseReason = 'deadline' | 'throttled';

/** Thrown through the collection when a chunk must stop; never reaches a tenant's result. */
export class CollectionPausedError extends Error {
  constructor(readonly reason: PauseReason) {
    super(reason === 'deadline' ? 'The chunk reached its time budget' : 'The organization throttled the collection');
    this.name = 'CollectionPausedError';
  }
}

/** The pause behind an error, however many steps wrapped it (`cause` chain). */
export function pauseOf(error: unknown): CollectionPausedError | undefined {
  // At most 10 links: a cause that points back at itself cannot loop.
  // Stryker disable next-line EqualityOperator,LogicalOperator: past the chain's end `current` stays undefined, so more rounds find nothing either.
  for (let current = error, depth = 0; current !== undefined && depth < 10; depth += 1) {
    if (current instanceof CollectionPausedError) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/** Where a run's checkpoints live: with its other working files, under the run's lifecycle rule (ends in `/`). */
export function checkpointFolder(prefix: string, runId: string): string {
  return `${prefix}_runs/${runId}/checkpoints/`;
}

/** Where a tenant's checkpoint lives, in its run's {@link checkpointFolder}. */
export function checkpointKey(prefix: string, runId: string, tenantId: string): string {
  return `${checkpointFolder(prefix, runId)}${tenantId}.json.gz`;
}

/** Keeps checkpoints (S3 in the Lambda); a checkpoint is saved whole or not at all. */
export interface CheckpointStore {
  /** The checkpoint's bytes, or `undefined` when there is none. */
  load(key: string): Promise<Uint8Array | undefined>;
  /** Stores the object at its key, replacing any earlier one. */
  save(object: ReportObject): Promise<void>;
  /** Deletes the checkpoint (no error when it is already gone). */
  remove(key: string): Promise<void>;
}

/** Gzipped JSON: 10,000 accounts with tags are a few MB of JSON, a fraction of that compressed. */
export function encodeCheckpoint(checkpoint: TenantCheckpoint): Uint8Array {
  return gzipSync(JSON.stringify(checkpoint));
}

/** The checkpoint in these bytes; throws when they are not one this version wrote. */
export function decodeCheckpoint(bytes: Uint8Array): TenantCheckpoint {
  const value = JSON.parse(gunzipSync(bytes).toString('utf8')) as Partial<TenantCheckpoint>;
  if (value.format !== CHECKPOINT_FORMAT || !Array.isArray(value.accountPages) || typeof value.answers !== 'object') {
    throw new Error(`Not an orgmeta checkpoint of format ${CHECKPOINT_FORMAT}`);
  }
  return value as TenantCheckpoint;
}

function storedPage(page: AccountPage): StoredAccountPage {
  return {
    accounts: page.accounts.map(({ joinedTimestamp, ...rest }) => ({
      ...rest,
      ...(joinedTimestamp ? { joinedTimestamp: joinedTimestamp.toISOString() } : {}),
    })),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}

function restoredAccounts(page: StoredAccountPage): Account[] {
  return page.accounts.map(({ joinedTimestamp, ...rest }) => ({
    ...rest,
    ...(joinedTimestamp ? { joinedTimestamp: new Date(joinedTimestamp) } : {}),
  }));
}

/** How one call's answer is kept in JSON and read back. */
interface Codec<T> {
  readonly encode: (value: T) => unknown;
  readonly decode: (stored: unknown) => T;
}
const asIs = <T>(): Codec<T> => ({ encode: (value) => value, decode: (stored) => stored as T });
const asEntries = <V>(): Codec<ReadonlyMap<string, V>> => ({
  encode: (value) => [...value.entries()],
  decode: (stored) => new Map(stored as [string, V][]),
});
// JSON has no `undefined`: a contact that is not set is kept as null.
const optionalText: Codec<string | undefined> = {
  encode: (value) => value ?? null,
  decode: (stored) => (stored as string | null) ?? undefined,
};

/**
 * An {@link OrganizationReader} that answers from a checkpoint what earlier chunks read, asks the
 * organization for the rest and records it, and stops the chunk when `pause` aborts or a call is
 * throttled past the SDK's retries (a {@link CollectionPausedError}, which the collection's
 * first-failure rule carries out). Calls in flight at a pause are abandoned: they are reads.
 */
export class ResumableReader implements OrganizationReader {
  private organization: Organization | undefined;
  private readonly pages: StoredAccountPage[];
  private readonly answers: Record<string, unknown>;
  private readonly answersAtStart: number;

  constructor(
    private readonly inner: OrganizationReader,
    private readonly pause: AbortSignal,
    private readonly resumed: TenantCheckpoint | undefined,
    /** False once the organization throttled chunk after chunk: a throttled call then fails the tenant. */
    private readonly pauseOnThrottle: boolean,
  ) {
    this.organization = resumed?.organization;
    this.pages = [...(resumed?.accountPages ?? [])];
    this.answers = { ...resumed?.answers };
    this.answersAtStart = this.answerCount();
  }

  /** Everything read so far, as the next chunk resumes it; `elapsedMs` counts every chunk's time. */
  checkpoint(run: { readonly runId: string; readonly tenantId: string }, elapsedMs: number): TenantCheckpoint {
    const progressed = this.answerCount() > this.answersAtStart;
    return {
      format: CHECKPOINT_FORMAT,
      runId: run.runId,
      tenantId: run.tenantId,
      chunks: (this.resumed?.chunks ?? 0) + 1,
      stalledChunks: progressed ? 0 : (this.resumed?.stalledChunks ?? 0) + 1,
      elapsedMs,
      // Undefined (a reader that does not pace) is left out of the JSON.
      organizationsRps: this.inner.organizationsRps?.(),
      ...(this.organization ? { organization: this.organization } : {}),
      accountPages: [...this.pages],
      answers: { ...this.answers },
    };
  }

  async describeOrganization(): Promise<Organization> {
    this.organization ??= await this.live(() => this.inner.describeOrganization());
    return this.organization;
  }

  async *listAccounts(): AsyncIterable<readonly Account[]> {
    for (const page of this.pages) yield restoredAccounts(page);
    const last = this.pages.at(-1);
    if (last && !last.nextToken) return;
    const { inner } = this;
    if (!inner.listAccountPages) throw new Error('This organization reader cannot resume ListAccounts (no listAccountPages)');
    let resumedToken = last?.nextToken;
    let pages = inner.listAccountPages(resumedToken)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<AccountPage>;
      try {
        next = await this.live(() => pages.next());
      } catch (error) {
        // A saved NextToken the API no longer takes (the tenant waited long): list again from the
        // start. Accounts seen twice are one row (the report is keyed by account ID), and their
        // tags and details come from the checkpoint.
        if (resumedToken === undefined || errorCode(error) !== INVALID_TOKEN_CODE) throw error;
        resumedToken = undefined;
        this.pages.length = 0;
        pages = inner.listAccountPages()[Symbol.asyncIterator]();
        continue;
      }
      resumedToken = undefined;
      if (next.done) return;
      this.pages.push(storedPage(next.value));
      yield next.value.accounts;
    }
  }

  listTags(accountId: string): Promise<Tag[]> {
    return this.answer(`tags ${accountId}`, () => this.inner.listTags(accountId), asIs());
  }

  accountOuPaths(): Promise<ReadonlyMap<string, OuPlacement>> {
    return this.answer('ou-paths', () => this.inner.accountOuPaths(), asEntries<OuPlacement>());
  }

  rootNames(): Promise<ReadonlyMap<string, string>> {
    return this.answer('root-names', () => this.inner.rootNames(), asEntries<string>());
  }

  organizationalUnitName(ouId: string): Promise<string> {
    return this.answer(`ou-name ${ouId}`, () => this.inner.organizationalUnitName(ouId), asIs());
  }

  delegatedAdministrators(): Promise<string[]> {
    return this.answer('delegated-admins', () => this.inner.delegatedAdministrators(), asIs());
  }

  delegatedServices(accountId: string): Promise<string[]> {
    return this.answer(`delegated-services ${accountId}`, () => this.inner.delegatedServices(accountId), asIs());
  }

  alternateContactEmail(accountId: string | undefined, type: AlternateContactType): Promise<string | undefined> {
    return this.answer(`contact ${type} ${accountId ?? 'self'}`, () => this.inner.alternateContactEmail(accountId, type), optionalText);
  }

  enabledRegions(accountId: string | undefined): Promise<string[]> {
    return this.answer(`regions ${accountId ?? 'self'}`, () => this.inner.enabledRegions(accountId), asIs());
  }

  private answerCount(): number {
    return Object.keys(this.answers).length + this.pages.length + (this.organization ? 1 : 0);
  }

  private async answer<T>(key: string, call: () => Promise<T>, codec: Codec<T>): Promise<T> {
    if (key in this.answers) return codec.decode(this.answers[key]);
    const value = await this.live(call);
    this.answers[key] = codec.encode(value);
    return value;
  }

  /** One call to the organization, unless the chunk must stop: at the deadline, or when AWS keeps throttling. */
  private async live<T>(call: () => Promise<T>): Promise<T> {
    if (this.pause.aborted) throw new CollectionPausedError('deadline');
    let onPause: (() => void) | undefined;
    const paused = new Promise<never>((_, reject) => {
      onPause = () => reject(new CollectionPausedError('deadline'));
      this.pause.addEventListener('abort', onPause, { once: true });
    });
    try {
      return await Promise.race([call(), paused]);
    } catch (error) {
      // The SDK retried and the pacer slowed down already: save what was read, wait, and go on.
      if (this.pauseOnThrottle && isThrottlingCode(errorCode(error))) throw new CollectionPausedError('throttled');
      throw error;
    } finally {
      if (onPause) this.pause.removeEventListener('abort', onPause);
    }
  }
}

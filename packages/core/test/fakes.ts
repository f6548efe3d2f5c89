import type {
  Account,
  AlternateContactType,
  LogFields,
  Logger,
  Organization,
  OrganizationConnector,
  OrganizationReader,
  OuPlacement,
  ReportObject,
  ReportSink,
  RunLockStore,
  StoredLock,
  Tag,
  AssumeRoleTarget,
  TenantAttribute,
  TenantRecord,
  TenantScan,
  TenantSource,
} from '../src';
import type { ReportSinkKind } from '../src/report-sinks';

/** In-memory ports for fast pipeline tests: no network, no disk. */

export class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields?: LogFields }[] = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, ...(fields ? { fields } : {}) });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
  messages(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
  /** Everything logged, fields included, as one text (to look for what must not be there). */
  text(): string {
    return JSON.stringify(this.lines);
  }
}

export class StaticTenantSource implements TenantSource {
  constructor(
    private readonly records: TenantRecord[],
    private readonly warnings: string[] = [],
  ) {}
  async scanTenants(): Promise<TenantScan> {
    return { records: this.records, warnings: this.warnings };
  }
}

/** An item of a table whose key schema is unknown (no primary key attributes). */
export function item(attributes: Record<string, TenantAttribute>): TenantRecord {
  return { attributes, primaryKey: [] };
}

export function record(fields: Record<string, string | number>): TenantRecord {
  return item(
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [
        k,
        typeof v === 'number' ? { type: 'N' as const, value: String(v) } : { type: 'S' as const, value: v },
      ]),
    ),
  );
}

/** The same item, with these attributes added or replaced. */
export function withAttributes(base: TenantRecord, attributes: Record<string, TenantAttribute>): TenantRecord {
  return { ...base, attributes: { ...base.attributes, ...attributes } };
}

/** The same item in a table keyed on these string attributes (partition key first). */
export function keyed(base: TenantRecord, key: Record<string, string>): TenantRecord {
  return {
    attributes: { ...base.attributes, ...Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { type: 'S' as const, value: v }])) },
    primaryKey: Object.entries(key).map(([name, value]) => ({ name, type: 'S' as const, value })),
  };
}

export function activeTenant(tenantId: string, extra: Record<string, string> = {}): TenantRecord {
  return record({ tenant_id: tenantId, status: 'active', service: 'AWS Cloud Usage', ...extra });
}

export class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface FakeOrganization {
  readonly organization: Organization;
  /** Pages of ListAccounts, as the API would return them. */
  readonly accountPages: Account[][];
  readonly tags?: Record<string, Tag[]>;
  /** OU name path per account, as the tree walk finds it (IDs made up from the names). */
  readonly ouPaths?: Record<string, string>;
  /** Root and OU names by ID, for accounts that carry Paths. */
  readonly names?: Record<string, string>;
  /** Services per delegated administrator. */
  readonly delegated?: Record<string, string[]>;
  /** Alternate contact emails per account ID (`self`: the caller's own account, called without an ID). */
  readonly contacts?: Record<string, Partial<Record<AlternateContactType, string>>>;
  /** Enabled Regions per account ID (`self` as above). */
  readonly regions?: Record<string, string[]>;
  /** ListAccounts refuses every NextToken it is given back (as after an expired token). */
  readonly refuseTokens?: boolean;
  /** Fail this step with this error. */
  readonly failAt?: {
    readonly step: 'connect' | 'describe' | 'listAccounts' | 'listTags' | 'contacts' | 'regions' | 'delegated';
    readonly error: Error;
    readonly afterPages?: number;
  };
}

export class FakeOrganizationAccess implements OrganizationConnector {
  readonly connections: AssumeRoleTarget[] = [];
  /** Every detail call, e.g. `alternateContactEmail(self,SECURITY)`. */
  readonly calls: string[] = [];
  constructor(private readonly organizations: Record<string, FakeOrganization>) {}

  async connect(access: AssumeRoleTarget): Promise<OrganizationReader> {
    this.connections.push(access);
    const org = this.organizations[access.tenantId];
    if (!org) throw new AwsError('AWSOrganizationsNotInUseException', 'not in an organization');
    if (org.failAt?.step === 'connect') throw org.failAt.error;
    return {
      describeOrganization: async () => {
        if (org.failAt?.step === 'describe') throw org.failAt.error;
        return org.organization;
      },
      listAccounts: async function* () {
        let served = 0;
        for (const page of org.accountPages) {
          if (org.failAt?.step === 'listAccounts' && served === (org.failAt.afterPages ?? 0)) throw org.failAt.error;
          served += 1;
          yield page;
        }
      },
      // Tokens are page numbers, as opaque to the caller as AWS's.
      listAccountPages: async function* (startingToken?: string) {
        if (startingToken !== undefined && org.refuseTokens) throw new AwsError('InvalidInputException', 'INVALID_PAGINATION_TOKEN');
        for (let index = Number(startingToken ?? 0); index < org.accountPages.length; index += 1) {
          if (org.failAt?.step === 'listAccounts' && index === (org.failAt.afterPages ?? 0)) throw org.failAt.error;
          yield { accounts: org.accountPages[index], ...(index + 1 < org.accountPages.length ? { nextToken: String(index + 1) } : {}) };
        }
      },
      listTags: async (accountId: string) => {
        if (org.failAt?.step === 'listTags') throw org.failAt.error;
        return org.tags?.[accountId] ?? [];
      },
      accountOuPaths: async () => {
        this.calls.push('accountOuPaths');
        return new Map(
          Object.entries(org.ouPaths ?? {}).map(([id, namePath]): [string, OuPlacement] => {
            const ids = namePath.split('/').map((name, i) => (i === 0 ? 'r-root' : `ou-${name.toLowerCase()}`));
            return [id, { namePath, idPath: ids.join('/'), parentId: ids[ids.length - 1] }];
          }),
        );
      },
      rootNames: async () => {
        this.calls.push('rootNames');
        return new Map(Object.entries(org.names ?? {}).filter(([id]) => id.startsWith('r-')));
      },
      organizationalUnitName: async (ouId: string) => {
        this.calls.push(`organizationalUnitName(${ouId})`);
        return org.names?.[ouId] ?? ouId;
      },
      delegatedAdministrators: async () => {
        this.calls.push('delegatedAdministrators');
        if (org.failAt?.step === 'delegated') throw org.failAt.error;
        return Object.keys(org.delegated ?? {});
      },
      delegatedServices: async (accountId: string) => {
        this.calls.push(`delegatedServices(${accountId})`);
        return org.delegated?.[accountId] ?? [];
      },
      alternateContactEmail: async (accountId: string | undefined, type: AlternateContactType) => {
        this.calls.push(`alternateContactEmail(${accountId ?? 'self'},${type})`);
        if (org.failAt?.step === 'contacts') throw org.failAt.error;
        return org.contacts?.[accountId ?? 'self']?.[type];
      },
      enabledRegions: async (accountId: string | undefined) => {
        this.calls.push(`enabledRegions(${accountId ?? 'self'})`);
        if (org.failAt?.step === 'regions') throw org.failAt.error;
        return org.regions?.[accountId ?? 'self'] ?? [];
      },
    };
  }
}

export class MemorySink implements ReportSink {
  readonly objects = new Map<string, ReportObject>();
  readonly name: string;
  /**
   * @param failWith every write fails with this error
   * @param writes shared by several sinks, records the order of their writes (`name:key`)
   */
  constructor(
    readonly kind: ReportSinkKind,
    private readonly failWith?: Error,
    private readonly writes: string[] = [],
  ) {
    this.name = `memory-${kind}`;
  }
  async write(report: ReportObject) {
    this.writes.push(`${this.name}:${report.key}`);
    if (this.failWith) throw this.failWith;
    this.objects.set(report.key, report);
    return { location: `mem://${report.key}` };
  }
}

export function account(id: string, name = `account-${id}`): Account {
  return {
    id,
    arn: `arn:aws:organizations::000000000000:account/o-test/${id}`,
    name,
    email: `${name}@example.com`,
    state: 'ACTIVE',
    joinedMethod: 'CREATED',
    joinedTimestamp: new Date('2024-05-01T12:00:00.000Z'),
  };
}

export function organization(managementAccountId: string): Organization {
  return {
    id: `o-${managementAccountId.slice(0, 6)}`,
    arn: `arn:aws:organizations::${managementAccountId}:organization/o-test`,
    managementAccountId,
    managementAccountEmail: `root@${managementAccountId}.example.com`,
  };
}

/** A stored object's body as text (Parquet bodies are bytes). */
export function textOf(object: ReportObject | undefined): string {
  if (!object) return '';
  return typeof object.body === 'string' ? object.body : new TextDecoder().decode(object.body);
}

/** Run locks in memory, with S3's conditional-write semantics (exclusive create, remove if unchanged). */
export class MemoryLockStore implements RunLockStore {
  readonly objects = new Map<string, StoredLock>();
  private writes = 0;
  describe(key: string): string {
    return `mem://${key}`;
  }
  async createExclusive(key: string, body: string) {
    if (this.objects.has(key)) return undefined;
    const token = `etag-${(this.writes += 1)}`;
    this.objects.set(key, { body, token });
    return { token };
  }
  async read(key: string) {
    return this.objects.get(key);
  }
  async removeIf(key: string, token: string) {
    if (this.objects.get(key)?.token !== token) return false;
    this.objects.delete(key);
    return true;
  }
  /** A lock another run left, as its JSON. */
  plant(key: string, lock: object): void {
    this.objects.set(key, { body: JSON.stringify(lock), token: 'planted' });
  }
}

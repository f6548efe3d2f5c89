import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fault-injecting HTTP proxy to put in front of moto: fixed latency, AWS-like
 * throttling per (account, operation), forced errors by rule, and dropped connections.
 * It learns which account a request acts as from AssumeRole answers and the request's
 * access key, as AWS would see it.
 */

export interface ProxiedCall {
  /** Signing name from the credential scope: `sts`, `organizations`, `s3`, `dynamodb`… */
  readonly service: string;
  /** `AssumeRole`, `ListAccounts`, `PutObject`… */
  readonly operation: string;
  /** The account the caller acts as, when known (assumed-role credentials). */
  readonly account?: string;
  /** For AssumeRole: the role asked for. */
  readonly roleArn?: string;
  /** For Organizations ListTagsForResource: the account whose tags are read. */
  readonly resourceId?: string;
  /** 1-based count of this (account, operation) so far, this call included. */
  readonly nth: number;
  /** The request as sent (lower-case header names), for tests that check what the SDK sent. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * `drop`: the connection is cut before the request reaches the target. `drop-after-forward`: the
 * target gets and handles the request (S3 stores the object), then the answer is lost.
 */
export type FaultResponse =
  | { readonly kind: 'error'; readonly status: number; readonly code: string; readonly message?: string }
  | { readonly kind: 'drop' }
  | { readonly kind: 'drop-after-forward' };

export interface FaultRule {
  readonly when: (call: ProxiedCall) => boolean;
  readonly respond: FaultResponse;
  /** Apply at most this many times (default: always). */
  readonly times?: number;
}

export interface RateLimit {
  readonly operation: string;
  /** Tokens added per second, per account. */
  readonly tps: number;
  /** Bucket size: calls allowed at once after a quiet spell. */
  readonly burst: number;
}

/**
 * Short-lived assumed-role credentials: AssumeRole answers advertise an Expiration
 * `advertisedLifetimeSeconds` ahead, and the proxy rejects calls signed with those keys
 * (ExpiredTokenException) `validForMs` after they were issued. With an advertised
 * lifetime just over the SDK's 5-minute refresh window, a client that refreshes
 * keeps working; one that does not, fails.
 */
export interface ShortLivedCredentials {
  readonly advertisedLifetimeSeconds: number;
  readonly validForMs: number;
}

/** An organization answered by the proxy itself (for sizes moto cannot seed quickly). */
export interface SyntheticOrganization {
  readonly accounts: number;
  /**
   * ListAccounts answers carry `Paths`, as AWS's have since 2026-03 (the accounts sit in
   * SYNTHETIC_OUS OUs under one root either way, for the OU tree walk).
   */
  readonly paths?: boolean;
}

/** How many OUs a synthetic organization's accounts are spread over (account i in OU i % SYNTHETIC_OUS). */
export const SYNTHETIC_OUS = 10;

/** The accounts of a synthetic organization that are delegated administrators, with their service principals. */
export const SYNTHETIC_DELEGATED_SERVICES: Readonly<Record<number, readonly string[]>> = {
  1: ['guardduty.amazonaws.com', 'securityhub.amazonaws.com'],
  2: ['config.amazonaws.com'],
};

/** One Region as Account Management ListRegions answers it. */
export interface RegionAnswer {
  readonly RegionName: string;
  readonly RegionOptStatus: 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';
}

/** What the proxy answers ListRegions with for an account that `regions` does not name. */
export const DEFAULT_REGIONS: readonly RegionAnswer[] = [
  ...['ap-northeast-1', 'ap-south-1', 'ap-southeast-1', 'ca-central-1', 'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2'].map(
    (name): RegionAnswer => ({ RegionName: name, RegionOptStatus: 'ENABLED_BY_DEFAULT' }),
  ),
  ...['sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map((name): RegionAnswer => ({
    RegionName: name,
    RegionOptStatus: 'ENABLED_BY_DEFAULT',
  })),
  { RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' },
  { RegionName: 'me-south-1', RegionOptStatus: 'DISABLED' },
  { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLING' },
];

// ListRegions pages when the caller does not ask for a page size: small, so every test crosses pages.
const REGIONS_PAGE_SIZE = 5;

export interface FaultProxyOptions {
  readonly target: string;
  /**
   * Stand-in for AWS where moto falls short: ListAccounts answers carry each account's `Paths`
   * (`o-…/r-…/ou-…/…/<account id>/`, looked up in moto with ListParents), as AWS has returned since 2026-03.
   */
  readonly accountPaths?: boolean;
  /**
   * Stand-in for Account Management ListRegions, which moto does not implement: the proxy answers it in
   * AWS's wire format (restJson, POST /listRegions), per target account (AccountId, else the caller).
   */
  readonly regions?: Readonly<Record<string, readonly RegionAnswer[]>>;
  /** Organizations calls made as these management accounts are answered by the proxy. */
  readonly syntheticOrganizations?: Readonly<Record<string, SyntheticOrganization>>;
  readonly shortLivedCredentials?: ShortLivedCredentials;
  readonly latencyMs?: number;
  readonly rateLimits?: readonly RateLimit[];
  readonly rules?: readonly FaultRule[];
  /**
   * The account that owns each bucket, checked as S3 does (moto does not): a request whose
   * `x-amz-expected-bucket-owner` names another account is answered 403 AccessDenied.
   */
  readonly bucketOwners?: Readonly<Record<string, string>>;
  /** Keep every request as received, for `calls()` (off by default: the benchmark sends tens of thousands). */
  readonly record?: boolean;
}

export interface FaultProxyStats {
  /** Calls per operation, as received (throttled and failed ones included). */
  readonly calls: Record<string, number>;
  /** Throttled answers per operation. */
  readonly throttled: Record<string, number>;
  /** Most Organizations calls in flight at once for one account. */
  readonly maxInFlightPerAccount: number;
  /** Answers the proxy made up (rules and expired credentials). */
  readonly injected: number;
  /** Successful AssumeRole answers per assumed account. */
  readonly assumeRoleByAccount: Record<string, number>;
}

export interface FaultProxy {
  readonly endpoint: string;
  stats(): FaultProxyStats;
  /** Every request received since the start or the last `resetStats()`, in order (with `record: true`). */
  calls(): readonly ProxiedCall[];
  /** Zero the statistics and the per-(account, operation) call counts. */
  resetStats(): void;
  /** Replace the rules while running (e.g. between test phases). */
  setRules(rules: readonly FaultRule[]): void;
  stop(): Promise<void>;
}

interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

const JSON_PROTOCOL_SERVICES = new Set(['organizations', 'dynamodb', 'account']);

function credentialScope(req: IncomingMessage): { accessKey?: string; service: string } {
  const auth = req.headers.authorization ?? '';
  const match = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  return match ? { accessKey: match[1], service: match[2] } : { service: 'unknown' };
}

function s3Operation(method: string, url: string): string {
  const [path, query = ''] = url.split('?');
  const hasKey = path.split('/').filter(Boolean).length > 1;
  if (hasKey) return { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' }[method] ?? method;
  if (method === 'GET' && query.includes('list-type=2')) return 'ListObjectsV2';
  return { PUT: 'CreateBucket', HEAD: 'HeadBucket', GET: 'ListObjects', DELETE: 'DeleteBucket' }[method] ?? method;
}

/** The bucket of a path-style S3 request (`/bucket/key`), as the SDK sends it to 127.0.0.1. */
function s3Bucket(url: string): string {
  return decodeURIComponent(url.split('?')[0].split('/').filter(Boolean)[0] ?? '');
}

function operationOf(req: IncomingMessage, service: string, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  if (service === 's3') return s3Operation(req.method ?? 'GET', req.url ?? '/');
  // restJson services name the operation in the path: POST /getAlternateContact.
  if (service === 'account') {
    const name = (req.url ?? '/').split('?')[0].split('/').filter(Boolean).pop() ?? 'unknown';
    return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  }
  return new URLSearchParams(body).get('Action') ?? 'unknown';
}

function errorBody(service: string, status: number, code: string, message: string): { headers: Record<string, string>; body: string } {
  if (JSON_PROTOCOL_SERVICES.has(service)) {
    return {
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: code, Message: message, message }),
    };
  }
  if (service === 's3') {
    return {
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`,
    };
  }
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
  };
}

const SYNTHETIC_JOINED = Date.parse('2024-01-01T00:00:00.000Z') / 1000;

/** Answers Organizations reads for a synthetic organization (JSON 1.1 protocol). */
function syntheticAnswer(
  managementAccountId: string,
  synthetic: SyntheticOrganization,
  operation: string,
  body: string,
): object | undefined {
  const size = synthetic.accounts;
  const orgId = `o-synth${managementAccountId.slice(-5)}`;
  const rootId = 'r-synt';
  const ouId = (n: number) => `ou-synt-${String(n).padStart(8, '0')}`;
  const accountId = (index: number) => (index === 0 ? managementAccountId : String(700000000000 + index));
  const indexOf = (id: string) => (id === managementAccountId ? 0 : Number(id) - 700000000000);
  const input = (body ? JSON.parse(body) : {}) as {
    MaxResults?: number;
    NextToken?: string;
    ResourceId?: string;
    ParentId?: string;
    OrganizationalUnitId?: string;
    AccountId?: string;
  };
  const accountEntry = (index: number) => {
    const id = accountId(index);
    return {
      Id: id,
      Arn: `arn:aws:organizations::${managementAccountId}:account/${orgId}/${id}`,
      Email: `account-${index}@synthetic.example.com`,
      Name: `synthetic-account-${index}`,
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: SYNTHETIC_JOINED + index,
      ...(synthetic.paths ? { Paths: [`${orgId}/${rootId}/${ouId(index % SYNTHETIC_OUS)}/${id}/`] } : {}),
    };
  };
  const ou = (n: number) => ({
    Id: ouId(n),
    Arn: `arn:aws:organizations::${managementAccountId}:ou/${orgId}/${ouId(n)}`,
    Name: `Unit ${n}`,
  });
  switch (operation) {
    case 'ListRoots':
      return { Roots: [{ Id: rootId, Arn: `arn:aws:organizations::${managementAccountId}:root/${orgId}/${rootId}`, Name: 'Root' }] };
    case 'ListOrganizationalUnitsForParent':
      return { OrganizationalUnits: input.ParentId === rootId ? Array.from({ length: SYNTHETIC_OUS }, (_, n) => ou(n)) : [] };
    case 'DescribeOrganizationalUnit':
      return { OrganizationalUnit: ou(Number(input.OrganizationalUnitId?.slice(-8))) };
    case 'ListAccountsForParent': {
      const n = input.ParentId === rootId ? -1 : Number(input.ParentId?.slice(-8));
      const members = n < 0 ? [] : Array.from({ length: Math.ceil((size - n) / SYNTHETIC_OUS) }, (_, i) => n + i * SYNTHETIC_OUS);
      const start = Number(input.NextToken ?? 0);
      const end = Math.min(members.length, start + (input.MaxResults ?? 20));
      const page = { Accounts: members.slice(start, end).map(accountEntry) };
      return end < members.length ? { ...page, NextToken: String(end) } : page;
    }
    case 'ListDelegatedAdministrators':
      return { DelegatedAdministrators: Object.keys(SYNTHETIC_DELEGATED_SERVICES).map((index) => accountEntry(Number(index))) };
    case 'ListDelegatedServicesForAccount':
      return {
        DelegatedServices: (SYNTHETIC_DELEGATED_SERVICES[indexOf(input.AccountId ?? '')] ?? []).map((principal) => ({
          ServicePrincipal: principal,
          DelegationEnabledDate: SYNTHETIC_JOINED,
        })),
      };
    case 'DescribeOrganization':
      return {
        Organization: {
          Id: orgId,
          Arn: `arn:aws:organizations::${managementAccountId}:organization/${orgId}`,
          FeatureSet: 'ALL',
          MasterAccountId: managementAccountId,
          MasterAccountArn: `arn:aws:organizations::${managementAccountId}:account/${orgId}/${managementAccountId}`,
          MasterAccountEmail: `root@${managementAccountId}.example.com`,
        },
      };
    case 'ListAccounts': {
      const start = Number(input.NextToken ?? 0);
      const end = Math.min(size, start + (input.MaxResults ?? 20));
      const accounts = Array.from({ length: end - start }, (_, i) => accountEntry(start + i));
      return end < size ? { Accounts: accounts, NextToken: String(end) } : { Accounts: accounts };
    }
    case 'ListTagsForResource': {
      const index = Number(input.ResourceId ?? 0) % 1000;
      return {
        Tags: [
          { Key: 'CostCenter', Value: `CC-${index % 7}` },
          { Key: 'Owner', Value: `team-${index % 5}, "core"` },
        ],
      };
    }
    default:
      return undefined;
  }
}

/** ListRegions as AWS answers it: filtered by RegionOptStatusContains, paged by MaxResults and NextToken. */
function listRegionsAnswer(regions: readonly RegionAnswer[], body: string): object {
  const input = (body ? JSON.parse(body) : {}) as { MaxResults?: number; NextToken?: string; RegionOptStatusContains?: string[] };
  const wanted = input.RegionOptStatusContains;
  const matching = regions.filter((r) => !wanted || wanted.includes(r.RegionOptStatus));
  const start = Number(input.NextToken ?? 0);
  const end = Math.min(matching.length, start + (input.MaxResults ?? REGIONS_PAGE_SIZE));
  const page = { Regions: matching.slice(start, end) };
  return end < matching.length ? { ...page, NextToken: String(end) } : page;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const accountByAccessKey = new Map<string, string>();
  const keyExpiresAt = new Map<string, number>();
  const buckets = new Map<string, TokenBucket>();
  const counts = new Map<string, number>();
  const inFlight = new Map<string, number>();
  let rules = [...(options.rules ?? [])];
  let recorded: ProxiedCall[] = [];
  const ruleUses = new Map<FaultRule, number>();
  let stats = {
    calls: {} as Record<string, number>,
    throttled: {} as Record<string, number>,
    maxInFlightPerAccount: 0,
    injected: 0,
    assumeRoleByAccount: {} as Record<string, number>,
  };

  const takeToken = (key: string, limit: RateLimit): boolean => {
    const now = Date.now();
    const bucket = buckets.get(key) ?? { tokens: limit.burst, updatedAt: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.tps);
    bucket.updatedAt = now;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const sendError = (res: ServerResponse, service: string, status: number, code: string, message: string) => {
    const { headers, body } = errorBody(service, status, code, message);
    res.writeHead(status, { ...headers, 'x-amzn-requestid': 'fault-proxy', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  /** A 200 answer the proxy makes up, in the service's JSON content type. */
  const sendJson = (res: ServerResponse, contentType: string, answer: object) => {
    const payload = JSON.stringify(answer);
    res.writeHead(200, { 'content-type': contentType, 'x-amzn-requestid': 'fault-proxy', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const text = body.toString('utf8');
    const { accessKey, service } = credentialScope(req);
    const operation = operationOf(req, service, text);
    const account = accessKey ? accountByAccessKey.get(accessKey) : undefined;
    const roleArn = operation === 'AssumeRole' ? (new URLSearchParams(text).get('RoleArn') ?? undefined) : undefined;
    let resourceId: string | undefined;
    if (operation === 'ListTagsForResource' && service === 'organizations') {
      try {
        resourceId = (JSON.parse(text) as { ResourceId?: string }).ResourceId;
      } catch {
        // not JSON: leave it unknown
      }
    }
    const countKey = `${account ?? '-'}|${operation}`;
    const nth = (counts.get(countKey) ?? 0) + 1;
    counts.set(countKey, nth);
    stats.calls[operation] = (stats.calls[operation] ?? 0) + 1;
    const call: ProxiedCall = { service, operation, account, roleArn, resourceId, nth, headers: req.headers, body: text };
    if (options.record) recorded.push(call);

    const flightKey = service === 'organizations' ? (account ?? '-') : undefined;
    if (flightKey) {
      const now = (inFlight.get(flightKey) ?? 0) + 1;
      inFlight.set(flightKey, now);
      stats.maxInFlightPerAccount = Math.max(stats.maxInFlightPerAccount, now);
    }
    try {
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const expiresAt = accessKey ? keyExpiresAt.get(accessKey) : undefined;
      if (expiresAt !== undefined && Date.now() > expiresAt) {
        stats.injected += 1;
        return sendError(res, service, 400, 'ExpiredTokenException', 'The security token included in the request is expired');
      }
      const limit = options.rateLimits?.find((l) => l.operation === operation);
      if (limit && !takeToken(`${account ?? '-'}|${operation}`, limit)) {
        stats.throttled[operation] = (stats.throttled[operation] ?? 0) + 1;
        return sendError(
          res,
          service,
          400,
          service === 'organizations' ? 'TooManyRequestsException' : 'ThrottlingException',
          'Rate exceeded',
        );
      }
      // A rule's forced answer comes first: it also stands in front of the synthetic organizations.
      const rule = rules.find((r) => r.when(call) && (r.times === undefined || (ruleUses.get(r) ?? 0) < r.times));
      if (rule) {
        ruleUses.set(rule, (ruleUses.get(rule) ?? 0) + 1);
        stats.injected += 1;
        if (rule.respond.kind === 'drop') {
          req.socket.destroy();
          return;
        }
        if (rule.respond.kind === 'drop-after-forward') {
          await forward(req, res, body, (answer) => answer, { dropAnswer: true });
          return;
        }
        return sendError(res, service, rule.respond.status, rule.respond.code, rule.respond.message ?? `Injected ${rule.respond.code}`);
      }
      const synthetic = service === 'organizations' && account ? options.syntheticOrganizations?.[account] : undefined;
      const answer = synthetic && account ? syntheticAnswer(account, synthetic, operation, text) : undefined;
      if (service === 'account' && operation === 'GetAlternateContact' && account && options.syntheticOrganizations?.[account]) {
        // Stand-in for a synthetic organization's contacts: every other account has them all, the rest none.
        const { AccountId, AlternateContactType } = JSON.parse(text) as { AccountId?: string; AlternateContactType?: string };
        const target = AccountId ?? account;
        if (Number(target.slice(-1)) % 2 === 1) return sendError(res, service, 404, 'ResourceNotFoundException', 'No contact of that type');
        return sendJson(res, 'application/json', {
          AlternateContact: {
            AlternateContactType,
            EmailAddress: `${(AlternateContactType ?? '').toLowerCase()}-${target}@synthetic.example.com`,
            Name: 'Synthetic Contact',
            PhoneNumber: '+1-555-0100',
            Title: 'Owner',
          },
        });
      }
      if (answer) return sendJson(res, 'application/x-amz-json-1.1', answer);
      if (service === 'account' && operation === 'ListRegions') {
        const target = (text ? (JSON.parse(text) as { AccountId?: string }).AccountId : undefined) ?? account ?? '';
        return sendJson(res, 'application/json', listRegionsAnswer(options.regions?.[target] ?? DEFAULT_REGIONS, text));
      }
      if (service === 's3' && options.bucketOwners) {
        const expected = req.headers['x-amz-expected-bucket-owner'];
        const owner = options.bucketOwners[s3Bucket(req.url ?? '/')];
        if (typeof expected === 'string' && owner !== undefined && expected !== owner) {
          stats.injected += 1;
          return sendError(res, service, 403, 'AccessDenied', 'Access Denied');
        }
      }
      await forward(req, res, body, async (answer) => {
        if (options.accountPaths && service === 'organizations' && operation === 'ListAccounts') return withPaths(req, answer);
        if (operation !== 'AssumeRole' || !roleArn) return answer;
        const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(answer)?.[1];
        const assumedAccount = /:iam::(\d{12}):role\//.exec(roleArn)?.[1];
        if (key && assumedAccount) {
          accountByAccessKey.set(key, assumedAccount);
          stats.assumeRoleByAccount[assumedAccount] = (stats.assumeRoleByAccount[assumedAccount] ?? 0) + 1;
        }
        const shortLived = options.shortLivedCredentials;
        if (!shortLived || !key) return answer;
        keyExpiresAt.set(key, Date.now() + shortLived.validForMs);
        const advertised = new Date(Date.now() + shortLived.advertisedLifetimeSeconds * 1000).toISOString();
        return answer.replace(/<Expiration>[^<]*<\/Expiration>/, `<Expiration>${advertised}</Expiration>`);
      });
    } finally {
      if (flightKey) inFlight.set(flightKey, (inFlight.get(flightKey) ?? 1) - 1);
    }
  };

  /** One Organizations call straight to moto, signed as the caller's request was (moto does not check signatures). */
  const askMoto = (req: IncomingMessage, operation: string, input: object) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const payload = JSON.stringify(input);
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/',
          headers: {
            ...req.headers,
            'x-amz-target': `AWSOrganizationsV20161128.${operation}`,
            'content-length': String(Buffer.byteLength(payload)),
          },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>));
        },
      );
      upstream.on('error', reject);
      upstream.end(payload);
    });

  /** Adds `Paths` to a ListAccounts answer, as AWS gives them: `o-…/r-…/ou-…/…/<account id>/`. */
  const withPaths = async (req: IncomingMessage, answer: string): Promise<string> => {
    const parsed = JSON.parse(answer) as { Accounts?: { Id?: string; Paths?: string[] }[] };
    if (!parsed.Accounts) return answer;
    const org = (await askMoto(req, 'DescribeOrganization', {})) as { Organization?: { Id?: string } };
    for (const entry of parsed.Accounts) {
      const ids: string[] = [];
      for (let child = entry.Id ?? ''; ;) {
        const { Parents } = (await askMoto(req, 'ListParents', { ChildId: child })) as { Parents?: { Id?: string; Type?: string }[] };
        const parent = Parents?.[0];
        if (!parent?.Id) break;
        ids.unshift(parent.Id);
        if (parent.Type === 'ROOT') break;
        child = parent.Id;
      }
      entry.Paths = [`${[org.Organization?.Id ?? '', ...ids, entry.Id ?? ''].join('/')}/`];
    }
    return JSON.stringify(parsed);
  };

  /** Forwards to the target; `rewrite` may inspect and change the answer's body. */
  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    rewrite: (answer: string) => string | Promise<string>,
    options: { readonly dropAnswer?: boolean } = {},
  ) =>
    new Promise<void>((resolve) => {
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            if (options.dropAnswer) {
              req.socket.destroy();
              resolve();
              return;
            }
            const original = Buffer.concat(chunks);
            const text = original.toString('utf8');
            const send = (rewritten: string) => {
              const payload = rewritten === text ? original : Buffer.from(rewritten, 'utf8');
              res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(payload.length) });
              res.end(payload);
              resolve();
            };
            Promise.resolve(rewrite(text)).then(send, () => send(text));
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
        resolve();
      });
      upstream.end(body);
    });

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: () => ({
      calls: { ...stats.calls },
      throttled: { ...stats.throttled },
      maxInFlightPerAccount: stats.maxInFlightPerAccount,
      injected: stats.injected,
      assumeRoleByAccount: { ...stats.assumeRoleByAccount },
    }),
    calls: () => [...recorded],
    resetStats: () => {
      counts.clear();
      recorded = [];
      stats = { calls: {}, throttled: {}, maxInFlightPerAccount: 0, injected: 0, assumeRoleByAccount: {} };
    },
    setRules: (next) => {
      rules = [...next];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseLimits, type Limits } from './limits/catalog.js';

/**
 * Everything Parley reads from the environment, parsed once at boot. This is the only
 * module that touches `process.env`; everything else receives a frozen `Config`.
 */
export interface Config {
  /**
   * Where `GET /metrics` is served: a port of its own (PARLEY_METRICS_PORT; 0 picks a free
   * one, logged), on PARLEY_METRICS_HOST (@default 127.0.0.1), for a bearer of
   * PARLEY_METRICS_TOKEN when set. Undefined (the default): no metrics endpoint.
   */
  readonly metrics: { readonly port: number; readonly host: string; readonly token: string | undefined } | undefined;
  /** TCP port of the public listener. @default 3000 */
  readonly port: number;
  /** Interface to bind; undefined binds every interface, as Node does by default. */
  readonly host: string | undefined;
  /** Worker processes behind the one port. @default os.availableParallelism() */
  readonly workers: number;
  /** Where messages live: `sqlite:<path>` or a `postgres://` URL. @default sqlite:./data/parley.db */
  readonly databaseUrl: string;
  /**
   * PostgreSQL connections each process may open: every worker, and the primary (the node's
   * writer), so a node opens at most (workers + 1) × this; the start refuses a node whose
   * total exceeds the server's `max_connections`. 8: a batch in flight per busy room plus
   * the reads (the size every bench so far ran with); SQLite ignores it. @default 8
   */
  readonly pgPoolSize: number;
  /**
   * This node's name in session ids (`<worker>.<node>.<random>`), which a load balancer in
   * front of several nodes reads to keep a long-polling session on its node
   * (deploy/nginx/parley.conf). @default a random name per start (enough for one node)
   */
  readonly nodeId: string;
  /**
   * Redis between the nodes of one deployment (Socket.IO's Redis Streams adapter and the
   * shared limit counters); undefined means one machine. Needs a PostgreSQL `databaseUrl`.
   */
  readonly redisUrl: string | undefined;
  /**
   * Prefix of every Redis key and channel Parley uses (the adapter's stream and channels,
   * recovery sessions, limit counters), so several deployments (or test runs) can share one
   * Redis. @default parley
   */
  readonly redisPrefix: string;
  /**
   * Origins a browser may connect from. Empty means "same origin only": a request whose
   * Origin header names another host is refused; requests with no Origin (non-browser
   * clients) are accepted.
   */
  readonly allowedOrigins: readonly string[];
  /** pino level. @default info */
  readonly logLevel: string;
  /** Longest message text, in characters. @default 4000 */
  readonly maxMessageLength: number;
  /** Rooms of at most this many members have read receipts (direct rooms always do); 0 turns them off. @default 50 */
  readonly receiptsMaxMembers: number;
  /**
   * Uploaded files (src/files/): `dir` is where they are kept (PARLEY_FILES_DIR, @default a
   * `files` folder next to the SQLite file, `./data/files` on PostgreSQL); `maxBytes` the
   * largest upload (PARLEY_FILES_MAX_BYTES, @default 10 MiB: a phone photo with room to
   * spare, and what one request may make a worker hold in memory); `quotaBytes` what one
   * user may store over every room (PARLEY_FILES_QUOTA_BYTES, @default 200 MiB);
   * `unattachedMs` how long an upload waits for a message to attach it before it is removed
   * (PARLEY_FILES_UNATTACHED_MS, @default 3600000: an hour, ample for a composer left open).
   */
  readonly files: { readonly dir: string; readonly maxBytes: number; readonly quotaBytes: number; readonly unattachedMs: number };
  /**
   * Where uploaded files' bytes live (PARLEY_FILES_STORE): `local` (@default), the folder
   * `files.dir`, enough for one machine; or `s3`, a bucket of an S3-compatible object store
   * that every node of a deployment shares (S3Settings). Credentials are the AWS SDK's own
   * (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role), never ours.
   */
  readonly fileStorage: { readonly kind: 'local' } | S3Settings;
  /** Messages sent to a catching-up client per batch before yielding to other clients. @default 200 */
  readonly catchUpBatchSize: number;
  /** How long Socket.IO keeps a disconnected session for connection state recovery. @default 120000 */
  readonly recoveryWindowMs: number;
  /** How long SIGTERM waits for in-flight messages before closing anyway. @default 10000 */
  readonly shutdownTimeoutMs: number;
  /**
   * At SIGTERM, the window over which the node's clients are told to reconnect (elsewhere),
   * a random share at a time: no thundering herd on the other nodes. 0: all at once. @default 5000
   */
  readonly drainMs: number;
  /**
   * At SIGTERM, how long the node keeps its port open while `/readyz` answers 503, before it
   * stops listening and drains: a load balancer that polls `/readyz` takes it out of its
   * rotation on a 503, where a refused connection would look like a crash. 0: no window.
   * @default 5000
   */
  readonly preStopMs: number;
  /**
   * How long an admin's password reset link stays usable (PARLEY_PASSWORD_RESET_TTL_S, in
   * seconds): long enough to reach its owner by another channel, short enough that a link
   * left in a mailbox stops opening the account. @default 86400 (a day)
   */
  readonly passwordResetTtlMs: number;
  /**
   * The deployment's retention (PARLEY_RETENTION_DAYS): messages older than this many days are
   * erased in the background, in every room without a rule of its own; 0 keeps them forever.
   * @default 0
   */
  readonly retentionDays: number;
  /**
   * How often each process's retention runner looks for expired messages
   * (PARLEY_RETENTION_INTERVAL_MS). Each pass is idempotent, so every worker of every node
   * may run it. @default 3600000 (an hour)
   */
  readonly retentionIntervalMs: number;
  /** Bearer tokens of the HTTP admin API (`/admin/api/`); empty (the default) turns it off. */
  readonly adminTokens: readonly string[];
  /** Socket.IO's Admin UI: off (@default), or read-only / read-write behind the admin tokens. */
  readonly adminUi: 'off' | 'readonly' | 'readwrite';
  /**
   * Every limit on client events (src/limits/catalog.ts has each default and why), with
   * `PARLEY_LIMITS` applied. The message limits follow PARLEY_RATE_LIMIT (sustained messages
   * per second per connection, @default 100) and PARLEY_RATE_BURST (@default 200).
   */
  readonly limits: Limits;
  /**
   * The primary's absolute deadline for a new connection's request line, from accept; bytes
   * arriving do not extend it, so a client dribbling one byte at a time is cut. @default 5000
   */
  readonly headTimeoutMs: number;
  /**
   * Connections the primary holds before handing them to a worker (it has not read their
   * request line yet); past it a new connection is still let in and the oldest waiting one of
   * the address holding the most is shed (cluster/pending-connections.ts). Bounds the
   * primary's open files and memory under a slow-connection attack. @default 1024
   */
  readonly maxPendingConnections: number;
  /** The same cap for one remote address; past it that address's oldest is shed. @default 32 */
  readonly maxPendingPerAddress: number;
  /**
   * A worker's absolute deadline for a request's headers, from the hand-off. @default 10000
   */
  readonly headersTimeoutMs: number;
  /**
   * A worker's absolute deadline for receiving a whole request (headers and body), from the
   * hand-off. Only the reading of the request counts: a long-polling GET that engine.io
   * holds open for up to pingInterval + pingTimeout (45 s) is not cut by it. @default 30000
   */
  readonly requestTimeoutMs: number;
  /**
   * Addresses of reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are
   * believed; from anyone else these headers are ignored. @default [] (none)
   */
  readonly trustedProxies: readonly string[];
  /**
   * Open Socket.IO sessions one client address may hold across all the workers of a node;
   * past it the handshake is refused ('too many connections from this address'). @default 100
   */
  readonly maxConnectionsPerAddress: number;
  /**
   * The pace each worker lets new Socket.IO sessions in at (src/http/admission.ts), so a
   * reconnect storm cannot starve the people already chatting: `perSecond` sustained
   * (PARLEY_ADMISSION_RATE, @default 500), `burst` at once after a quiet spell
   * (PARLEY_ADMISSION_BURST, @default the rate), and a handshake held at most `maxWaitMs`
   * for its turn (PARLEY_ADMISSION_MAX_WAIT_MS, @default 5000: well inside socket.io-client's
   * 20 s connect timeout); one whose turn is further off is refused 503 with Retry-After.
   * While the worker's event loop is late by more than `lagTargetMs` (p99 over 250 ms;
   * PARLEY_ADMISSION_LAG_MS, @default 100; 0: a fixed pace) the pace is halved, down to 10 % of
   * the rate, and climbs back once it is not (src/http/admission-governor.ts).
   */
  readonly admission: { readonly perSecond: number; readonly burst: number; readonly maxWaitMs: number; readonly lagTargetMs: number };
  /**
   * Bytes one connection may hold unsent in this process (engine.io's queue plus the
   * WebSocket's buffer) before its transport is closed; the client reconnects and catches
   * up from the store. Checked before each write, so one large write (a catch-up batch) never
   * closes a client that had nothing waiting. 4 MiB: far above what a reader that keeps up
   * holds (catch-up waits below 128 KiB; a busy room's turn is tens of KB), a few seconds of
   * a busy room for a slow link, and small enough that a thousand stalled readers cost a
   * worker 4 GB at worst rather than without bound.
   * @default 4194304 (4 MiB)
   */
  readonly maxOutboundBytes: number;
  /**
   * The secret that signs `parley_session` cookies (HMAC-SHA256), at least 32 characters;
   * every worker and node of a deployment must share it. Unset: one is generated at the
   * first start and kept in the database (so they share it anyway). @default undefined
   */
  readonly sessionSecret: string | undefined;
  /**
   * When the session cookie carries `Secure`: `auto` when the client used HTTPS (a TLS
   * socket, or `X-Forwarded-Proto: https` from a trusted proxy), `always`, or `never`.
   * @default 'auto'
   */
  readonly secureCookies: 'auto' | 'always' | 'never';
  /**
   * OpenID Connect sign-in (src/sso/), on when PARLEY_OIDC_ISSUER is set; undefined: off.
   * PARLEY_OIDC_CLIENT_ID and PARLEY_OIDC_REDIRECT_URL are then required.
   */
  readonly oidc: OidcConfig | undefined;
  /**
   * PARLEY_PASSWORDS: whether accounts may sign in and sign up with a password. `off` (for a
   * deployment whose people all come through single sign-on) refuses both with a reason and
   * the page hides them. @default on
   */
  readonly passwords: boolean;
  /**
   * Outgoing webhooks (src/outgoing/). `allowedNetworks` (PARLEY_WEBHOOK_ALLOWED_NETWORKS,
   * comma-separated CIDRs such as `127.0.0.0/8,::1/128`): the addresses otherwise refused
   * (loopback, private, link-local, unique-local, unspecified) that a webhook may reach.
   * @default empty: none, so a webhook is no way into the operator's network.
   * `maxAttempts` (PARLEY_WEBHOOK_MAX_ATTEMPTS, @default 8) failures park a delivery;
   * `backOffMs` (PARLEY_WEBHOOK_BACKOFF_MS, @default 1000) is the first retry's wait, doubled
   * each time up to an hour; `pollMs` (PARLEY_WEBHOOK_POLL_MS, @default 500) how often each
   * worker looks for new messages and due deliveries; `timeoutMs` (PARLEY_WEBHOOK_TIMEOUT_MS,
   * @default 10000) the longest a receiver may take to answer.
   */
  /**
   * The longest a registered slash command's receiver may take to answer
   * (PARLEY_COMMAND_TIMEOUT_MS): the person waits for it, so it is short, like Slack's 3 s.
   * @default 3000
   */
  readonly commandTimeoutMs: number;
  readonly webhooks: {
    readonly allowedNetworks: readonly string[];
    readonly maxAttempts: number;
    readonly backOffMs: number;
    readonly pollMs: number;
    readonly timeoutMs: number;
  };
}

/** The OpenID provider Parley signs people in with (README, "Single sign-on"). */
export interface OidcConfig {
  /** PARLEY_OIDC_ISSUER: the provider's issuer URL; its discovery document is fetched from there. */
  readonly issuer: string;
  /** PARLEY_OIDC_CLIENT_ID: Parley's client id at the provider. */
  readonly clientId: string;
  /** PARLEY_OIDC_CLIENT_SECRET: the client's secret; unset: a public client (PKCE alone). */
  readonly clientSecret: string | undefined;
  /** PARLEY_OIDC_REDIRECT_URL: the public address of `/auth/oidc/callback`, registered at the provider. */
  readonly redirectUrl: string;
  /** PARLEY_OIDC_SCOPES: space-separated; must hold `openid`. @default openid profile email */
  readonly scopes: string;
  /** PARLEY_OIDC_NAME: the provider's name on the page's button. @default single sign-on */
  readonly name: string;
}

/** The bucket that holds uploaded files' bytes (PARLEY_FILES_STORE=s3). */
export interface S3Settings {
  readonly kind: 's3';
  /** PARLEY_S3_BUCKET, required: the bucket, which must exist (Parley does not create it). */
  readonly bucket: string;
  /** PARLEY_S3_REGION. @default us-east-1 (what most S3-compatible servers accept) */
  readonly region: string;
  /** PARLEY_S3_ENDPOINT: an S3-compatible server's URL (MinIO, Ceph, R2, ...). @default undefined: AWS itself */
  readonly endpoint: string | undefined;
  /**
   * PARLEY_S3_PREFIX: put before every object key (`<prefix><file id>`), a `/` added when
   * missing, so that Parley may share a bucket. @default '' (the bucket's top)
   */
  readonly prefix: string;
  /**
   * PARLEY_S3_FORCE_PATH_STYLE: `<endpoint>/<bucket>/<key>` rather than
   * `<bucket>.<endpoint>/<key>`, as most self-hosted S3-compatible servers need. @default false
   */
  readonly forcePathStyle: boolean;
}

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** `address/prefix`, IPv4 or IPv6, the prefix within the family's length. */
const isCidr = (text: string): boolean => {
  const [address = '', prefix = '', ...rest] = text.split('/');
  const family = isIP(address);
  return rest.length === 0 && family !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
};

const databaseUrlSchema = z
  .string()
  .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<file path> or a postgres:// URL')
  .default('sqlite:./data/parley.db');

const schema = z.object({
  PORT: integer(3000, 0, 65535),
  HOST: z.string().min(1).optional(),
  PARLEY_WORKERS: integer(os.availableParallelism(), 1, 256),
  PARLEY_DATABASE_URL: databaseUrlSchema,
  PARLEY_PG_POOL_SIZE: integer(8, 1, 1000),
  PARLEY_NODE_ID: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'must be 1 to 32 characters of a-z, 0-9 and -')
    .optional(),
  PARLEY_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// URL')
    .optional(),
  PARLEY_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1 to 64 letters, digits or _ . : -')
    .default('parley'),
  PARLEY_ALLOWED_ORIGINS: z.string().default(''),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_MAX_MESSAGE_LENGTH: integer(4000, 1, 1_000_000),
  PARLEY_RECEIPTS_MAX_MEMBERS: integer(50, 0, 1000),
  PARLEY_FILES_DIR: z.string().min(1).optional(),
  PARLEY_FILES_MAX_BYTES: integer(10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
  PARLEY_FILES_QUOTA_BYTES: integer(200 * 1024 * 1024, 0, 1024 ** 4),
  PARLEY_FILES_UNATTACHED_MS: integer(3_600_000, 1000, 30 * 86_400_000),
  PARLEY_FILES_STORE: z.enum(['local', 's3']).default('local'),
  PARLEY_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3 to 63 characters of a-z, 0-9, . and -')
    .optional(),
  PARLEY_S3_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a region name such as us-east-1').optional(),
  PARLEY_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  PARLEY_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9/_.-]{1,200}$/, 'must be at most 200 characters of A-Z, a-z, 0-9, / _ . and -')
    .refine((prefix) => !prefix.startsWith('/'), 'must not start with /')
    .optional(),
  PARLEY_S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).optional(),
  PARLEY_CATCHUP_BATCH: integer(200, 1, 10_000),
  PARLEY_RECOVERY_WINDOW_MS: integer(120_000, 0, 86_400_000),
  PARLEY_RATE_LIMIT: integer(100, 1, 1_000_000),
  PARLEY_RATE_BURST: integer(200, 1, 1_000_000),
  PARLEY_SHUTDOWN_TIMEOUT_MS: integer(10_000, 0, 600_000),
  PARLEY_DRAIN_MS: integer(5000, 0, 600_000),
  PARLEY_PRE_STOP_MS: integer(5000, 0, 600_000),
  PARLEY_PASSWORD_RESET_TTL_S: integer(86_400, 1, 30 * 86_400),
  PARLEY_RETENTION_DAYS: integer(0, 0, 100_000),
  PARLEY_RETENTION_INTERVAL_MS: integer(3_600_000, 100, 7 * 86_400_000),
  PARLEY_ADMIN_UI: z.enum(['off', 'readonly', 'readwrite']).default('off'),
  PARLEY_ADMIN_TOKENS: z
    .string()
    .default('')
    .refine((text) => commaList(text).every((token) => token.length >= 24), 'each token must be at least 24 characters'),
  // No longer read, only refused (see loadConfig).
  PARLEY_ADMINS: z.string().optional(),
  PARLEY_LIMITS: z.string().optional(),
  PARLEY_HEAD_TIMEOUT_MS: integer(5000, 100, 600_000),
  PARLEY_MAX_PENDING_CONNECTIONS: integer(1024, 1, 1_000_000),
  PARLEY_MAX_PENDING_PER_ADDRESS: integer(32, 1, 1_000_000),
  PARLEY_HEADERS_TIMEOUT_MS: integer(10_000, 100, 600_000),
  PARLEY_REQUEST_TIMEOUT_MS: integer(30_000, 100, 3_600_000),
  PARLEY_TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine((value) => commaList(value).every((address) => isIP(address) !== 0), 'must be comma-separated IP addresses'),
  PARLEY_MAX_CONNECTIONS_PER_ADDRESS: integer(100, 1, 10_000_000),
  PARLEY_ADMISSION_RATE: integer(500, 1, 1_000_000),
  PARLEY_ADMISSION_BURST: z.coerce.number().int().min(1).max(1_000_000).optional(),
  PARLEY_ADMISSION_MAX_WAIT_MS: integer(5000, 0, 600_000),
  PARLEY_ADMISSION_LAG_MS: integer(100, 0, 60_000),
  PARLEY_MAX_OUTBOUND_BYTES: integer(4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
  PARLEY_WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .refine((text) => commaList(text).every(isCidr), 'must be comma-separated CIDRs such as 127.0.0.0/8,::1/128'),
  PARLEY_WEBHOOK_MAX_ATTEMPTS: integer(8, 1, 100),
  PARLEY_WEBHOOK_BACKOFF_MS: integer(1000, 10, 3_600_000),
  PARLEY_WEBHOOK_POLL_MS: integer(500, 10, 60_000),
  PARLEY_WEBHOOK_TIMEOUT_MS: integer(10_000, 100, 120_000),
  PARLEY_COMMAND_TIMEOUT_MS: integer(3000, 100, 30_000),
  PARLEY_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').max(1024).optional(),
  PARLEY_SECURE_COOKIES: z.enum(['auto', 'always', 'never']).default('auto'),
  PARLEY_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  PARLEY_OIDC_CLIENT_ID: z.string().min(1).max(1024).optional(),
  PARLEY_OIDC_CLIENT_SECRET: z.string().min(1).max(4096).optional(),
  PARLEY_OIDC_REDIRECT_URL: z.url({ protocol: /^https?$/ }).optional(),
  PARLEY_OIDC_SCOPES: z
    .string()
    .default('openid profile email')
    .refine((scopes) => scopes.split(/\s+/).includes('openid'), 'must include openid'),
  PARLEY_OIDC_NAME: z.string().min(1).max(64).default('single sign-on'),
  PARLEY_PASSWORDS: z.enum(['on', 'off']).default('on'),
  PARLEY_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PARLEY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  PARLEY_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').max(1024).optional(),
});


/**
 * PARLEY_DATABASE_URL alone, for the operator's commands (`npm run admin`), which touch
 * nothing else: they run beside a server whatever the rest of its environment holds (a
 * leftover PARLEY_ADMINS included). Throws an Error naming the variable when it is bad.
 */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = databaseUrlSchema.safeParse(env['PARLEY_DATABASE_URL'] === '' ? undefined : env['PARLEY_DATABASE_URL']);
  if (!parsed.success) throw new Error(`invalid configuration: PARLEY_DATABASE_URL: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.data;
}

/** Parses the environment; throws an Error naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty string is "unset" for every variable, as shells and compose files write it.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (e.PARLEY_REDIS_URL !== undefined && e.PARLEY_DATABASE_URL.startsWith('sqlite:')) {
    // Several nodes would each write their own file and hand out the same offsets.
    throw new Error(
      'invalid configuration: PARLEY_REDIS_URL is set but PARLEY_DATABASE_URL is a SQLite file, which only one machine can use; set PARLEY_DATABASE_URL to a postgres:// URL shared by every node, or unset PARLEY_REDIS_URL',
    );
  }
  const fileStorage = fileStorageOf(e);
  if (e.PARLEY_ADMINS !== undefined) throw new Error(adminsRemoved(commaList(e.PARLEY_ADMINS)));
  if (e.PARLEY_ADMIN_UI !== 'off' && commaList(e.PARLEY_ADMIN_TOKENS).length === 0) {
    throw new Error('invalid configuration: PARLEY_ADMIN_UI is on but PARLEY_ADMIN_TOKENS is empty; the Admin UI needs an admin token as its password');
  }
  const oidc = oidcConfig(e);
  if (e.PARLEY_PASSWORDS === 'off' && oidc === undefined) {
    throw new Error('invalid configuration: PARLEY_PASSWORDS is off but PARLEY_OIDC_ISSUER is unset; nobody could sign in to an account');
  }
  let limits: Limits;
  try {
    limits = withMessageRate(parseLimits(e.PARLEY_LIMITS), e.PARLEY_RATE_LIMIT, e.PARLEY_RATE_BURST);
  } catch (error) {
    throw new Error(`invalid configuration: ${(error as Error).message}`);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    workers: e.PARLEY_WORKERS,
    databaseUrl: e.PARLEY_DATABASE_URL,
    pgPoolSize: e.PARLEY_PG_POOL_SIZE,
    // Random when unset, but decided here, once: node:cluster workers get the primary's
    // environment, so the primary passes its choice on (see runPrimary).
    nodeId: e.PARLEY_NODE_ID ?? `n-${randomBytes(4).toString('hex')}`,
    redisUrl: e.PARLEY_REDIS_URL,
    redisPrefix: e.PARLEY_REDIS_PREFIX,
    allowedOrigins: Object.freeze(commaList(e.PARLEY_ALLOWED_ORIGINS)),
    logLevel: e.PARLEY_LOG_LEVEL,
    maxMessageLength: e.PARLEY_MAX_MESSAGE_LENGTH,
    receiptsMaxMembers: e.PARLEY_RECEIPTS_MAX_MEMBERS,
    files: Object.freeze({ dir: e.PARLEY_FILES_DIR ?? defaultFilesDir(e.PARLEY_DATABASE_URL), maxBytes: e.PARLEY_FILES_MAX_BYTES, quotaBytes: e.PARLEY_FILES_QUOTA_BYTES, unattachedMs: e.PARLEY_FILES_UNATTACHED_MS }),
    fileStorage,
    catchUpBatchSize: e.PARLEY_CATCHUP_BATCH,
    recoveryWindowMs: e.PARLEY_RECOVERY_WINDOW_MS,
    shutdownTimeoutMs: e.PARLEY_SHUTDOWN_TIMEOUT_MS,
    drainMs: e.PARLEY_DRAIN_MS,
    preStopMs: e.PARLEY_PRE_STOP_MS,
    passwordResetTtlMs: e.PARLEY_PASSWORD_RESET_TTL_S * 1000,
    retentionDays: e.PARLEY_RETENTION_DAYS,
    retentionIntervalMs: e.PARLEY_RETENTION_INTERVAL_MS,
    adminTokens: Object.freeze(commaList(e.PARLEY_ADMIN_TOKENS)),
    adminUi: e.PARLEY_ADMIN_UI,
    headTimeoutMs: e.PARLEY_HEAD_TIMEOUT_MS,
    maxPendingConnections: e.PARLEY_MAX_PENDING_CONNECTIONS,
    maxPendingPerAddress: e.PARLEY_MAX_PENDING_PER_ADDRESS,
    headersTimeoutMs: e.PARLEY_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.PARLEY_REQUEST_TIMEOUT_MS,
    trustedProxies: Object.freeze(commaList(e.PARLEY_TRUSTED_PROXIES)),
    sessionSecret: e.PARLEY_SESSION_SECRET,
    secureCookies: e.PARLEY_SECURE_COOKIES,
    oidc,
    passwords: e.PARLEY_PASSWORDS === 'on',
    metrics: e.PARLEY_METRICS_PORT === undefined ? undefined : { port: e.PARLEY_METRICS_PORT, host: e.PARLEY_METRICS_HOST, token: e.PARLEY_METRICS_TOKEN },
    maxConnectionsPerAddress: e.PARLEY_MAX_CONNECTIONS_PER_ADDRESS,
    admission: Object.freeze({
      perSecond: e.PARLEY_ADMISSION_RATE,
      burst: e.PARLEY_ADMISSION_BURST ?? e.PARLEY_ADMISSION_RATE,
      maxWaitMs: e.PARLEY_ADMISSION_MAX_WAIT_MS,
      lagTargetMs: e.PARLEY_ADMISSION_LAG_MS,
    }),
    limits,
    maxOutboundBytes: e.PARLEY_MAX_OUTBOUND_BYTES,
    commandTimeoutMs: e.PARLEY_COMMAND_TIMEOUT_MS,
    webhooks: Object.freeze({
      allowedNetworks: Object.freeze(commaList(e.PARLEY_WEBHOOK_ALLOWED_NETWORKS)),
      maxAttempts: e.PARLEY_WEBHOOK_MAX_ATTEMPTS,
      backOffMs: e.PARLEY_WEBHOOK_BACKOFF_MS,
      pollMs: e.PARLEY_WEBHOOK_POLL_MS,
      timeoutMs: e.PARLEY_WEBHOOK_TIMEOUT_MS,
    }),
  });
}

/** Uploaded files' folder when PARLEY_FILES_DIR is unset: beside the SQLite file, else ./data/files. */
/** The OIDC settings, all or none: an issuer needs a client id and a redirect URL. */
function oidcConfig(e: z.infer<typeof schema>): OidcConfig | undefined {
  if (e.PARLEY_OIDC_ISSUER === undefined) {
    const stray = (['PARLEY_OIDC_CLIENT_ID', 'PARLEY_OIDC_CLIENT_SECRET', 'PARLEY_OIDC_REDIRECT_URL'] as const).find((name) => e[name] !== undefined);
    if (stray) throw new Error(`invalid configuration: ${stray} is set but PARLEY_OIDC_ISSUER is not`);
    return undefined;
  }
  if (e.PARLEY_OIDC_CLIENT_ID === undefined) throw new Error('invalid configuration: PARLEY_OIDC_ISSUER is set, so PARLEY_OIDC_CLIENT_ID is required');
  if (e.PARLEY_OIDC_REDIRECT_URL === undefined) {
    throw new Error('invalid configuration: PARLEY_OIDC_ISSUER is set, so PARLEY_OIDC_REDIRECT_URL is required (the public address of /auth/oidc/callback)');
  }
  if (new URL(e.PARLEY_OIDC_ISSUER).protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(new URL(e.PARLEY_OIDC_ISSUER).hostname)) {
    // Tokens and the provider's keys would cross the network in the clear.
    throw new Error('invalid configuration: PARLEY_OIDC_ISSUER must be an https:// URL (http:// only for a provider on this machine)');
  }
  if (!new URL(e.PARLEY_OIDC_REDIRECT_URL).pathname.endsWith('/auth/oidc/callback')) {
    throw new Error('invalid configuration: PARLEY_OIDC_REDIRECT_URL must end in /auth/oidc/callback');
  }
  return Object.freeze({
    issuer: e.PARLEY_OIDC_ISSUER,
    clientId: e.PARLEY_OIDC_CLIENT_ID,
    clientSecret: e.PARLEY_OIDC_CLIENT_SECRET,
    redirectUrl: e.PARLEY_OIDC_REDIRECT_URL,
    scopes: e.PARLEY_OIDC_SCOPES,
    name: e.PARLEY_OIDC_NAME,
  });
}

function defaultFilesDir(databaseUrl: string): string {
  return databaseUrl.startsWith('sqlite:') ? path.join(path.dirname(databaseUrl.slice('sqlite:'.length)), 'files') : path.join('data', 'files');
}

const S3_VARIABLES = ['PARLEY_S3_BUCKET', 'PARLEY_S3_REGION', 'PARLEY_S3_ENDPOINT', 'PARLEY_S3_PREFIX', 'PARLEY_S3_FORCE_PATH_STYLE'] as const;

/**
 * Where files' bytes live, from PARLEY_FILES_STORE and PARLEY_S3_*. An incomplete or
 * contradictory setting fails the start, naming the variable: a bucket left unnamed, or
 * PARLEY_S3_* set while the store is local (each node would then keep its own files, which
 * the other nodes cannot serve, and nobody would notice until a fetch failed).
 */
function fileStorageOf(e: z.infer<typeof schema>): Config['fileStorage'] {
  if (e.PARLEY_FILES_STORE === 'local') {
    const stray = S3_VARIABLES.filter((name) => e[name] !== undefined);
    if (stray.length > 0) throw new Error(`invalid configuration: ${stray.join(', ')} set but PARLEY_FILES_STORE is local (the default); set PARLEY_FILES_STORE=s3 to keep files in the bucket, or unset ${stray.length > 1 ? 'them' : 'it'}`);
    return Object.freeze({ kind: 'local' });
  }
  if (e.PARLEY_S3_BUCKET === undefined) throw new Error('invalid configuration: PARLEY_FILES_STORE is s3 but PARLEY_S3_BUCKET is unset; name the bucket that holds the files');
  const prefix = e.PARLEY_S3_PREFIX ?? '';
  return Object.freeze({
    kind: 's3',
    bucket: e.PARLEY_S3_BUCKET,
    region: e.PARLEY_S3_REGION ?? 'us-east-1',
    endpoint: e.PARLEY_S3_ENDPOINT,
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
    forcePathStyle: e.PARLEY_S3_FORCE_PATH_STYLE === 'true' || e.PARLEY_S3_FORCE_PATH_STYLE === '1',
  });
}

/**
 * Why a start with PARLEY_ADMINS set is refused. It named usernames, so whoever registered
 * a listed name first (in another letter case or a full-width form too) was an admin.
 * Admins are now made by the operator on the server (src/admin.ts), stored in the database.
 */
function adminsRemoved(names: readonly string[]): string {
  const example = names.length > 0 ? names.map((name) => `npm run admin -- grant ${JSON.stringify(name)}`).join('; ') : 'npm run admin -- grant <username>';
  return (
    'invalid configuration: PARLEY_ADMINS is no longer read: whoever registered a listed name first became an admin. ' +
    `Make each admin where Parley is installed, with the server's PARLEY_DATABASE_URL: ${example} ` +
    '(an exact name of an existing account; look-alikes are refused); then unset PARLEY_ADMINS (README, Operations, "Moderation").'
  );
}

/**
 * The message limits from PARLEY_RATE_LIMIT (sustained per second) and PARLEY_RATE_BURST:
 * a connection gets exactly that, a user twice it over all of their connections.
 */
function withMessageRate(limits: Limits, perSecond: number, burst: number): Limits {
  const seconds = burst / perSecond;
  return Object.freeze({
    ...limits,
    'messages.connection': { scope: 'connection', points: burst, seconds },
    'messages.user': { scope: 'user', points: burst * 2, seconds },
  });
}

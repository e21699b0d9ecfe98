import os from 'node:os';
import { z } from 'zod';

/**
 * Everything Parley reads from the environment, parsed once at boot. This is the only
 * module that touches `process.env`; everything else receives a frozen `Config`.
 */
export interface Config {
  /** TCP port of the public listener. @default 3000 */
  readonly port: number;
  /** Interface to bind; undefined binds every interface, as Node does by default. */
  readonly host: string | undefined;
  /** Worker processes behind the one port. @default os.availableParallelism() */
  readonly workers: number;
  /** Where messages live: `sqlite:<path>` or a `postgres://` URL. @default sqlite:./data/parley.db */
  readonly databaseUrl: string;
  /** Redis for the cross-machine adapter; undefined means one machine. */
  readonly redisUrl: string | undefined;
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
  /** Messages sent to a catching-up client per batch before yielding to other clients. @default 200 */
  readonly catchUpBatchSize: number;
  /** How long Socket.IO keeps a disconnected session for connection state recovery. @default 120000 */
  readonly recoveryWindowMs: number;
  /** Sustained messages per second one connection may send before being refused. @default 100 */
  readonly rateLimitPerSecond: number;
  /** Messages one connection may send in a burst above the sustained rate. @default 200 */
  readonly rateLimitBurst: number;
  /** How long SIGTERM waits for in-flight messages before closing anyway. @default 10000 */
  readonly shutdownTimeoutMs: number;
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
}

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z.object({
  PORT: integer(3000, 0, 65535),
  HOST: z.string().min(1).optional(),
  PARLEY_WORKERS: integer(os.availableParallelism(), 1, 256),
  PARLEY_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<file path> or a postgres:// URL')
    .default('sqlite:./data/parley.db'),
  PARLEY_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// URL')
    .optional(),
  PARLEY_ALLOWED_ORIGINS: z.string().default(''),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_MAX_MESSAGE_LENGTH: integer(4000, 1, 1_000_000),
  PARLEY_CATCHUP_BATCH: integer(200, 1, 10_000),
  PARLEY_RECOVERY_WINDOW_MS: integer(120_000, 0, 86_400_000),
  PARLEY_RATE_LIMIT: integer(100, 1, 1_000_000),
  PARLEY_RATE_BURST: integer(200, 1, 1_000_000),
  PARLEY_SHUTDOWN_TIMEOUT_MS: integer(10_000, 0, 600_000),
  PARLEY_MAX_OUTBOUND_BYTES: integer(4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
});

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
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    workers: e.PARLEY_WORKERS,
    databaseUrl: e.PARLEY_DATABASE_URL,
    redisUrl: e.PARLEY_REDIS_URL,
    allowedOrigins: Object.freeze(
      e.PARLEY_ALLOWED_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    ),
    logLevel: e.PARLEY_LOG_LEVEL,
    maxMessageLength: e.PARLEY_MAX_MESSAGE_LENGTH,
    catchUpBatchSize: e.PARLEY_CATCHUP_BATCH,
    recoveryWindowMs: e.PARLEY_RECOVERY_WINDOW_MS,
    rateLimitPerSecond: e.PARLEY_RATE_LIMIT,
    rateLimitBurst: e.PARLEY_RATE_BURST,
    shutdownTimeoutMs: e.PARLEY_SHUTDOWN_TIMEOUT_MS,
    maxOutboundBytes: e.PARLEY_MAX_OUTBOUND_BYTES,
  });
}

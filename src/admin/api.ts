import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  announceSchema,
  auditSchema,
  banSchema,
  deleteSchema,
  kickSchema,
  moveSchema,
  muteSchema,
  roleSchema,
  unbanSchema,
  unmuteSchema,
} from '../shared/protocol/moderation.js';
import type { Logger } from '../log.js';
import { OPERATOR_ID_PREFIX, type Actor, type Moderation } from '../moderation/moderation.js';
import type { DeploymentStatistics } from '../operations/deployment-stats.js';
import { ErrorCode, type Ack } from '../shared/errors.js';

export interface AdminApiOptions {
  /** PARLEY_ADMIN_TOKENS: none means the admin API is off (404). */
  readonly tokens: readonly string[];
  readonly statistics: DeploymentStatistics;
  readonly moderation: Moderation;
  readonly maxMessageLength: number;
  readonly log: Logger;
}

/** The largest request body the admin API reads; an announcement is the longest. */
const MAX_BODY_BYTES = 64 * 1024;

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const json = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
};

/** The HTTP status of a refused action. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.INVALID_PAYLOAD]: 400,
  [ErrorCode.MESSAGE_TOO_LONG]: 400,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.UNKNOWN_USER]: 404,
  [ErrorCode.UNKNOWN_ROOM]: 404,
  [ErrorCode.UNKNOWN_MESSAGE]: 404,
  [ErrorCode.UNAVAILABLE]: 503,
};

type Route = (actor: Actor, body: unknown, query: URLSearchParams) => Promise<Ack<unknown>> | Ack<unknown>;

/** A POST route: its JSON body validated by `schema`, then handed to `act`. */
const post =
  <Schema extends z.ZodType>(schema: Schema, act: (actor: Actor, input: z.output<Schema>) => Promise<Ack<unknown>>): Route =>
  (actor, body) => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
      return { ok: false, error: ErrorCode.INVALID_PAYLOAD, message: issues };
    }
    return act(actor, parsed.data);
  };

/**
 * The HTTP admin API under `/admin/api/`, for a bearer of one of PARLEY_ADMIN_TOKENS, who
 * acts as the operator (above every account's role) and is named `token:<first 8 hex of
 * the token's SHA-256>` in the audit log:
 * - `GET stats`: the whole deployment at a glance (DeploymentStatistics);
 * - `GET restrictions`, `GET audit?before=&limit=`: bans and mutes in force, the audit log;
 * - `POST kick|ban|unban|mute|unmute|move|delete|announce|role` with a JSON body, the same
 *   fields as the `mod:*` events (README, "Moderation").
 * Answers `{ ok: true, data }` or `{ ok: false, error, message }` with a matching status.
 * Off (404, as for any unknown path) when no token is configured; 401 without a valid one.
 */
export function createAdminApi(options: AdminApiOptions): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { moderation } = options;
  const routes: Record<string, Route> = {
    'GET /admin/api/stats': async () => ({ ok: true, data: await options.statistics.gather() }),
    'GET /admin/api/restrictions': (actor) => moderation.restrictionsInForce(actor),
    'GET /admin/api/audit': (actor, _body, query) =>
      post(auditSchema, (a, input) => moderation.auditLog(a, input))(actor, {
        ...(query.has('before') ? { before: Number(query.get('before')) } : {}),
        ...(query.has('limit') ? { limit: Number(query.get('limit')) } : {}),
      }, query),
    'POST /admin/api/kick': post(kickSchema, (actor, input) => moderation.kick(actor, input)),
    'POST /admin/api/ban': post(banSchema, (actor, input) => moderation.ban(actor, input)),
    'POST /admin/api/unban': post(unbanSchema, (actor, input) => moderation.unban(actor, input)),
    'POST /admin/api/mute': post(muteSchema, (actor, input) => moderation.mute(actor, input)),
    'POST /admin/api/unmute': post(unmuteSchema, (actor, input) => moderation.unmute(actor, input)),
    'POST /admin/api/move': post(moveSchema, (actor, input) => moderation.move(actor, input)),
    'POST /admin/api/delete': post(deleteSchema, (actor, input) => moderation.deleteMessage(actor, input)),
    'POST /admin/api/announce': post(announceSchema(options.maxMessageLength), (actor, input) => moderation.announce(actor, input)),
    'POST /admin/api/role': post(roleSchema, (actor, input) => moderation.setRole(actor, input)),
  };
  return (request, response, path) => {
    if (options.tokens.length === 0) return json(response, 404, { error: 'not found' });
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    // Every token is compared, so the time taken does not tell which one nearly matched.
    const valid = options.tokens.map((token) => sameSecret(given, token)).includes(true);
    if (!valid) {
      response.setHeader('www-authenticate', 'Bearer');
      return json(response, 401, { error: 'an admin token is needed' });
    }
    const route = routes[`${request.method ?? ''} ${path}`];
    if (!route) return json(response, 404, { error: 'no such admin endpoint' });
    const actor: Actor = { id: `${OPERATOR_ID_PREFIX}${createHash('sha256').update(given).digest('hex').slice(0, 8)}`, name: 'admin API', rank: 'operator' };
    const query = new URL(request.url ?? '/', 'http://admin').searchParams;
    readJson(request)
      .then((body) => route(actor, body, query))
      .then(
        (result) => {
          if (path === '/admin/api/stats' && result.ok) return json(response, 200, result.data);
          json(response, result.ok ? 200 : (STATUS[result.error] ?? 500), result);
        },
        (error: unknown) => {
          if (error instanceof BadBody) return json(response, error.status, { ok: false, error: ErrorCode.INVALID_PAYLOAD, message: error.message });
          options.log.error({ err: error, path }, 'admin API request failed');
          json(response, 500, { ok: false, error: ErrorCode.INTERNAL, message: 'internal error; logged' });
        },
      );
  };
}

class BadBody extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The request's JSON body (undefined when empty), at most MAX_BODY_BYTES. */
function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // The rest is read and dropped (the server's request timeout bounds it), so the
      // answer still reaches the client.
      if (size > MAX_BODY_BYTES) reject(new BadBody(`the body is larger than ${MAX_BODY_BYTES} bytes`, 413));
      else chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BadBody('the body is not JSON', 400));
      }
    });
  });
}

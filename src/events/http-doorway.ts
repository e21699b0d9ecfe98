import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { OPERATOR_ID_PREFIX, type Actor } from '../moderation/moderation.js';
import { ackOf, type EventPipeline } from './pipeline.js';
import { ErrorCode } from '../shared/errors.js';
import { statusOf } from '../http/answer-status.js';
import { BadBody, json, readJson } from '../http/json-body.js';

export interface HttpDoorwayOptions {
  /** PARLEY_ADMIN_TOKENS: none means the doorway is off (404). */
  readonly tokens: readonly string[];
  /** The one pipeline every call goes through, whichever its doorway. */
  readonly pipeline: EventPipeline;
  readonly log: Logger;
}

/** The largest request body the admin API reads; an announcement is the longest. */
const MAX_BODY_BYTES = 64 * 1024;

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** A GET's payload: its query parameters, each a number where it is written as one. */
export const queryPayload = (query: URLSearchParams): Record<string, string | number> =>
  Object.fromEntries([...query].map(([key, value]) => [key, /^-?\d{1,15}$/.test(value) ? Number(value) : value]));

/**
 * The HTTP doorway, under `/admin/api/`, for a bearer of one of PARLEY_ADMIN_TOKENS, who acts
 * as the operator (above every account's role) and is named `token:<first 8 hex of the
 * token's SHA-256>` in the audit log. It has no routes of its own: every event of the table
 * that declares `http` (kit.ts, EventSpec) is open at `/admin/api/<its name after "mod:">`
 * with that method, and enters the same pipeline as over a socket (pipeline.ts: payload,
 * access, handler, the one failure mapping). A POST's payload is its JSON body, a GET's its
 * query string. Answers `{ ok: true, data }` or `{ ok: false, error, message }`, the status
 * following the error (a store or limits outage is 503); `GET stats` answers its data alone,
 * as it always has. Off (404, as for any unknown path) when no token is configured; 401
 * without a valid one. The operator's calls are not priced: the token is the operator's own.
 */
export function createHttpDoorway(options: HttpDoorwayOptions): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { pipeline } = options;
  const open = pipeline.httpEvents();
  return (request, response, path) => {
    if (options.tokens.length === 0) return json(response, 404, { error: 'not found' });
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    // Every token is compared, so the time taken does not tell which one nearly matched.
    const valid = options.tokens.map((token) => sameSecret(given, token)).includes(true);
    if (!valid) {
      response.setHeader('www-authenticate', 'Bearer');
      return json(response, 401, { error: 'an admin token is needed' });
    }
    const name = path.startsWith('/admin/api/') ? path.slice('/admin/api/'.length) : '';
    const entry = open.get(name);
    if (!entry || entry.method !== request.method) return json(response, 404, { error: 'no such admin endpoint' });
    const actor: Actor = { id: `${OPERATOR_ID_PREFIX}${createHash('sha256').update(given).digest('hex').slice(0, 8)}`, name: 'admin API', rank: 'operator' };
    const query = new URL(request.url ?? '/', 'http://admin').searchParams;
    (entry.method === 'GET' ? Promise.resolve(queryPayload(query)) : readJson(request, MAX_BODY_BYTES))
      .then((payload) => pipeline.run(entry.event, entry.spec, payload, { operator: actor }))
      .then(
        (outcome) => {
          const answer = ackOf(outcome);
          if (entry.event === 'mod:stats' && answer.ok) return json(response, 200, answer.data);
          json(response, statusOf(answer), answer);
        },
        (error: unknown) => {
          if (error instanceof BadBody) return json(response, error.status, { ok: false, error: ErrorCode.INVALID_PAYLOAD, message: error.message });
          options.log.error({ err: error, path }, 'admin API request failed');
          json(response, 500, { ok: false, error: ErrorCode.INTERNAL, message: 'internal error; logged' });
        },
      );
  };
}

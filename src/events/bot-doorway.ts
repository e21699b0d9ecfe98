import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { statusOf } from '../http/answer-status.js';
import { clientAddress } from '../http/client-address.js';
import { BadBody, json, readJson } from '../http/json-body.js';
import { ErrorCode, fail } from '../shared/errors.js';
import { queryPayload } from './http-doorway.js';
import { chargeRefusal, httpPayer, priceOf, RATE_LIMITED } from './integration-price.js';
import { ackOf, type EventPipeline } from './pipeline.js';

/** Where the bot API is served. */
export const BOT_API_PREFIX = '/api/bot/';

const UNAUTHORISED = fail(ErrorCode.UNAUTHENTICATED, 'a bot token is needed: Authorization: Bearer <token>');

/**
 * The bot's HTTP doorway, under `/api/bot/`, for a bearer of a bot token (an admin's
 * `mod:bot-create`). It has no routes of its own: every event of the table that declares
 * `botHttp` (kit.ts, EventSpec) is open at `/api/bot/<its name after "bot:">` with that
 * method, and enters the same pipeline as every call (pipeline.ts), as the bot (access
 * `bot-*`: only the rooms it was given). A POST's payload is its JSON body, a GET's its query
 * string; a POST without `clientId` takes the `Idempotency-Key` header as one, so a retried
 * request is stored once. Each call is priced for the bot and its address (src/limits/),
 * and an absent, forged or revoked token is charged to the address (401, then 429).
 * Answers `{ ok: true, data }` or `{ ok: false, error, message }`, the status following the error.
 */
export function createBotDoorway(options: { readonly pipeline: EventPipeline; readonly log: Logger }): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { pipeline } = options;
  const { services } = pipeline;
  const open = pipeline.botHttpEvents();
  // Large enough for the longest message in UTF-8 and its fields.
  const maxBody = Math.max(16 * 1024, services.config.maxMessageLength * 4 + 1024);
  const serve = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    const address = clientAddress(request, services.config.trustedProxies);
    const token = /^Bearer (\S{1,256})$/.exec(request.headers.authorization ?? '')?.[1];
    const bot = token === undefined ? undefined : await services.bots.byToken(token);
    if (!bot) {
      response.setHeader('www-authenticate', 'Bearer');
      const answer = await chargeRefusal(services.prices, address, UNAUTHORISED);
      request.resume();
      return json(response, statusOf(answer), answer);
    }
    const entry = open.get(path.slice(BOT_API_PREFIX.length));
    if (!entry) return json(response, 404, fail(ErrorCode.UNKNOWN_EVENT, 'no such bot API call'));
    if (entry.method !== request.method) {
      response.setHeader('allow', entry.method);
      return json(response, 405, fail(ErrorCode.INVALID_PAYLOAD, `use ${entry.method}`));
    }
    if (!(await services.prices.charge(priceOf(entry.spec.price, undefined), httpPayer(bot.id, address)))) {
      request.resume();
      return json(response, 429, RATE_LIMITED);
    }
    const payload = entry.method === 'GET' ? queryPayload(new URL(request.url ?? '/', 'http://bot').searchParams) : await readJson(request, maxBody);
    const outcome = await pipeline.run(entry.event, entry.spec, withIdempotencyKey(payload, request), { bot });
    const answer = ackOf(outcome);
    json(response, statusOf(answer), answer);
  };
  return (request, response, path) => {
    serve(request, response, path).catch((error: unknown) => {
      if (error instanceof BadBody) return json(response, error.status, fail(ErrorCode.INVALID_PAYLOAD, error.message));
      const answer = pipeline.failure(error, { event: `bot API ${path}` });
      json(response, statusOf(answer), answer);
    });
  };
}

/** A POST's body with the `Idempotency-Key` header as its `clientId`, unless it names one. */
function withIdempotencyKey(payload: unknown, request: IncomingMessage): unknown {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || typeof payload !== 'object' || payload === null || Array.isArray(payload) || 'clientId' in payload) return payload;
  return { ...payload, clientId: key };
}

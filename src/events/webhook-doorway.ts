import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusOf } from '../http/answer-status.js';
import { clientAddress } from '../http/client-address.js';
import { BadBody, json, readJson } from '../http/json-body.js';
import { storable } from '../shared/protocol/fields.js';
import { webhookUserId } from '../store/integrations.js';
import { ErrorCode, fail } from '../shared/errors.js';
import { chargeRefusal, httpPayer, priceOf, RATE_LIMITED } from './integration-price.js';
import { ackOf, type EventPipeline } from './pipeline.js';

/** `/hooks/<id>/<secret>`: the id in decimal, the secret as issued (base64url). */
const HOOK_PATH = /^\/hooks\/([1-9]\d{0,9})\/([A-Za-z0-9_-]{1,128})$/;

const REFUSED = fail(ErrorCode.FORBIDDEN, 'unknown webhook or wrong secret');

/** The longest Idempotency-Key taken: a UUID is 36 characters, a GitHub delivery id as long. */
const MAX_IDEMPOTENCY_KEY = 256;

/**
 * The incoming webhooks' doorway: `POST /hooks/<id>/<secret>` with a JSON body `{ text,
 * username? }` (or a form with `payload=<that JSON>`, as older Slack senders post) enters
 * the one pipeline as `webhook:post` (src/events/integrations/webhook-post.ts), as the
 * webhook. An unknown id, a wrong secret and a revoked webhook get one answer (403), charged
 * to the address (then 429); each delivery is priced per webhook and per address; a body
 * over the limit is refused (413) before it is read; a bad body gets 400 naming the field.
 * `Idempotency-Key` makes a retried delivery store once. Answers `{ ok: true, data: {
 * serverOffset, duplicate } }` once the message is stored and delivered.
 */
export function createWebhookDoorway(pipeline: EventPipeline): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { services } = pipeline;
  const spec = pipeline.spec('webhook:post');
  if (!spec) throw new Error('the event table has no webhook:post');
  const maxBody = Math.max(16 * 1024, services.config.maxMessageLength * 4 + 1024);
  const serve = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('allow', 'POST');
      return json(response, 405, fail(ErrorCode.INVALID_PAYLOAD, 'a webhook takes POST'));
    }
    const address = clientAddress(request, services.config.trustedProxies);
    const match = HOOK_PATH.exec(path);
    const hook = match?.[1] !== undefined && match[2] !== undefined ? await services.webhooks.authenticate(Number(match[1]), match[2]) : undefined;
    if (!hook) {
      request.resume();
      const answer = await chargeRefusal(services.prices, address, REFUSED);
      return json(response, statusOf(answer), answer);
    }
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY || !storable(key))) {
      request.resume();
      return json(response, 400, fail(ErrorCode.INVALID_PAYLOAD, `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`));
    }
    if (!(await services.prices.charge(priceOf(spec.price, undefined), httpPayer(webhookUserId(hook.id), address)))) {
      request.resume();
      return json(response, 429, RATE_LIMITED);
    }
    const body = await readJson(request, maxBody, { form: true });
    const caller = { webhook: { id: hook.id, roomId: hook.roomId, name: hook.name, idempotencyKey: key } };
    const outcome = await pipeline.run('webhook:post', spec, body, caller);
    const answer = ackOf(outcome);
    json(response, statusOf(answer), answer);
  };
  return (request, response, path) => {
    serve(request, response, path).catch((error: unknown) => {
      if (error instanceof BadBody) return json(response, error.status, fail(ErrorCode.INVALID_PAYLOAD, error.message));
      const answer = pipeline.failure(error, { event: 'webhook' });
      json(response, statusOf(answer), answer);
    });
  };
}


// What the integration tests say over HTTP: the operator's admin API (to make and revoke
// bots and webhooks), the bot API, and webhook deliveries; each answer's status and body.
import type { BotView, WebhookView } from '../../src/shared/events.js';

export const OPERATOR_TOKEN = 'operator-token-for-the-integration-tests';

export interface HttpAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function answerOf(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

/** A call of the operator's admin API (`/admin/api/<path>`). */
export async function admin(url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpAnswer> {
  const response = await fetch(`${url}/admin/api/${path}`, {
    method,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answerOf(response);
}

/** Creates a bot over the admin API; resolves with it and its token. */
export async function createBot(url: string, name: string, rooms: number[]): Promise<{ bot: BotView; token: string }> {
  const created = await admin(url, 'POST', 'bot-create', { name, rooms });
  if (created.status !== 200) throw new Error(`bot-create: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body['data'] as { bot: BotView; token: string };
}

/** Creates a webhook over the admin API; resolves with it and its path (with the secret). */
export async function createWebhook(url: string, roomId: number, name: string): Promise<{ webhook: WebhookView; path: string }> {
  const created = await admin(url, 'POST', 'webhook-create', { roomId, name });
  if (created.status !== 200) throw new Error(`webhook-create: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body['data'] as { webhook: WebhookView; path: string };
}

/** A call of the bot API (`/api/bot/<path>`) with `token` (none: no Authorization header). */
export async function botApi(
  url: string,
  token: string | undefined,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const response = await fetch(`${url}/api/bot/${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return answerOf(response);
}

/** A webhook delivery: `body` as JSON unless it is a string (sent as it is). */
export async function deliver(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answerOf(response);
}

import { z } from 'zod';
import { nameShape } from './accounts.js';
import type { Call } from './call.js';
import { clientIdSchema, epochSchema, offsetSchema, roomIdSchema, storableString, textSchema } from './fields.js';
import { historyBeforeSchema, messageReactSchema, type RoomEvent, type SentMessage } from './messages.js';
import { emptySchema } from './moderation.js';

/**
 * Bots and incoming webhooks: the admin's calls that make and revoke them (over the socket
 * for the admin panel, and at /admin/api/<name> for the operator), the bot's HTTP API
 * (/api/bot/<name>, `Authorization: Bearer <bot token>`) and a webhook's delivery
 * (`POST /hooks/<id>/<secret>`). Over Socket.IO a bot speaks the room protocol itself.
 */

/** A bot as admins see it (never its token, which only its creation answers, once). */
export interface BotView {
  readonly id: number;
  /** Its user id wherever users are named: `b:<id>`. */
  readonly userId: string;
  readonly name: string;
  readonly rooms: readonly number[];
  readonly createdAt: number;
  readonly createdBy: string;
  readonly revokedAt: number | null;
}

/** An incoming webhook as admins see it (never its secret, which only its creation answers, once). */
export interface WebhookView {
  readonly id: number;
  readonly roomId: number;
  readonly name: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly revokedAt: number | null;
}

/** The most rooms one bot is given at its creation. */
const MAX_BOT_ROOMS = 50;

export const botCreateSchema = (name: typeof nameShape) =>
  z.object({
    name,
    rooms: z
      .array(roomIdSchema)
      .min(1, 'a bot needs at least one room')
      .max(MAX_BOT_ROOMS, `at most ${MAX_BOT_ROOMS} rooms`)
      .transform((rooms) => [...new Set(rooms)]),
  });
export const botRevokeSchema = z.object({ botId: z.number().int().min(1).max(2 ** 31 - 1) });
export const webhookCreateSchema = (name: typeof nameShape) => z.object({ roomId: roomIdSchema, name });
export const webhookRevokeSchema = z.object({ webhookId: z.number().int().min(1).max(2 ** 31 - 1) });

/** The admin's integration calls (access `admin`; the operator's too over HTTP). */
export interface IntegrationCalls {
  /** Admins: create a bot; the answer carries its token, the only time it is shown. */
  'mod:bot-create': Call<ReturnType<typeof botCreateSchema>, { bot: BotView; token: string }>;
  /** Admins: every bot, revoked ones included. */
  'mod:bots': Call<typeof emptySchema, BotView[]>;
  /** Admins: revoke a bot's token (its connections are closed at once, on every server). */
  'mod:bot-revoke': Call<typeof botRevokeSchema, { revoked: boolean }>;
  /** Admins: create an incoming webhook; the answer carries its path with the secret, the only time it is shown. */
  'mod:webhook-create': Call<ReturnType<typeof webhookCreateSchema>, { webhook: WebhookView; path: string }>;
  /** Admins: every webhook, revoked ones included. */
  'mod:webhooks': Call<typeof emptySchema, WebhookView[]>;
  /** Admins: revoke a webhook: its URL is refused from then on. */
  'mod:webhook-revoke': Call<typeof webhookRevokeSchema, { revoked: boolean }>;
}

/** `clientId` is optional over HTTP: the doorway takes it from `Idempotency-Key`; without either, the call is stored each time. */
const optionalClientId = clientIdSchema.optional();

export const botSendSchema = (maxMessageLength: number) =>
  z.object({ roomId: roomIdSchema, text: textSchema(maxMessageLength), clientId: optionalClientId });
export const botEditSchema = (maxMessageLength: number) =>
  z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), text: textSchema(maxMessageLength), clientId: optionalClientId, epoch: epochSchema.optional() });
export const botDeleteSchema = z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), clientId: optionalClientId, epoch: epochSchema.optional() });
export const botReactSchema = messageReactSchema.extend({ clientId: optionalClientId });
export const botHistorySchema = historyBeforeSchema;

/** The bot's HTTP API (`/api/bot/<name after "bot:">`): each call's payload and answer. */
export interface BotCalls {
  'bot:send': Call<ReturnType<typeof botSendSchema>, SentMessage>;
  'bot:edit': Call<ReturnType<typeof botEditSchema>, SentMessage>;
  'bot:delete': Call<typeof botDeleteSchema, SentMessage>;
  'bot:react': Call<typeof botReactSchema, SentMessage>;
  'bot:history': Call<typeof botHistorySchema, RoomEvent[]>;
  'bot:me': Call<typeof emptySchema, { userId: string; name: string; rooms: number[] }>;
}

/**
 * A webhook delivery's body, in the shape Slack and Mattermost accept: `text`, and an
 * optional `username` shown as the author instead of the webhook's name (the message is
 * still marked as a bot's). Other fields (`channel`, `icon_url`, attachments) are ignored.
 */
export const webhookPostSchema = (maxMessageLength: number) =>
  z.object({ text: textSchema(maxMessageLength), username: storableString(1, 32).optional() });

export interface WebhookCalls {
  'webhook:post': Call<ReturnType<typeof webhookPostSchema>, SentMessage>;
}

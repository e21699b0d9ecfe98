import { draftOf, type RetryScope } from '../../delivery/drafts.js';
import { toRoomEvent } from '../../delivery/room-wire.js';
import { ok, type Ack } from '../../shared/errors.js';
import type { PublicUser, SentMessage } from '../../shared/events.js';
import { botDeleteSchema, botEditSchema, botHistorySchema, botReactSchema, botSendSchema } from '../../shared/protocol/integrations.js';
import { emptySchema } from '../../shared/protocol/moderation.js';
import type { EventKind } from '../../shared/message.js';
import { defineEvent, type Services } from '../kit.js';

/**
 * The bot's HTTP API (`/api/bot/<name after "bot:">`, src/events/bot-doorway.ts): the room
 * protocol's message calls for a caller without a connection. The pipeline checked the
 * room is one the bot was given (access `bot-*`, src/events/access.ts), so the handlers
 * only build the event and append it through the one append path.
 */

const WRITE_PRICE = ['bot-messages.user', 'messages.user'] as const;
const READ_PRICE = ['bot-reads.user', 'reads.user'] as const;

/** A bot's retry is its `clientId` (or the request's Idempotency-Key), scoped by the bot as a user's is; without one, stored each time. */
const retryOf = (clientId: string | undefined, services: Services): RetryScope =>
  clientId === undefined ? { by: 'none' } : { by: 'room-protocol', clientId, isIssued: services.issuedIds.isIssued };

interface BotEvent {
  readonly roomId: number;
  readonly kind: EventKind;
  readonly text: string;
  readonly target?: number;
  readonly clientId: string | undefined;
}

async function appendAs(bot: PublicUser, event: BotEvent, services: Services): Promise<Ack<SentMessage>> {
  const { roomId, kind, text, target, clientId } = event;
  const draft = draftOf({ roomId, kind, text, target, author: bot.name, authorId: bot.id, retry: retryOf(clientId, services) });
  return ok(await services.appends.append(draft));
}

export const botApiEvents = (maxMessageLength: number) =>
  ({
    'bot:send': defineEvent({
      schema: botSendSchema(maxMessageLength),
      price: WRITE_PRICE,
      access: 'bot-writer',
      botHttp: 'POST',
      handle: ({ input: { roomId, text, clientId }, bot, services }) => appendAs(bot, { roomId, kind: 'message', text, clientId }, services),
    }),
    'bot:edit': defineEvent({
      schema: botEditSchema(maxMessageLength),
      price: WRITE_PRICE,
      access: 'bot-author',
      botHttp: 'POST',
      handle: ({ input: { roomId, target, text, clientId }, bot, services }) => appendAs(bot, { roomId, kind: 'edit', text, target, clientId }, services),
    }),
    'bot:delete': defineEvent({
      schema: botDeleteSchema,
      price: WRITE_PRICE,
      access: 'bot-author',
      botHttp: 'POST',
      handle: ({ input: { roomId, target, clientId }, bot, services }) => appendAs(bot, { roomId, kind: 'delete', text: '', target, clientId }, services),
    }),
    'bot:react': defineEvent({
      schema: botReactSchema,
      price: WRITE_PRICE,
      access: 'bot-target',
      botHttp: 'POST',
      handle: ({ input: { roomId, target, emoji, on, clientId }, bot, services }) =>
        appendAs(bot, { roomId, kind: on ? 'react' : 'unreact', text: emoji, target, clientId }, services),
    }),
    'bot:history': defineEvent({
      schema: botHistorySchema,
      price: READ_PRICE,
      access: 'bot-member',
      botHttp: 'GET',
      handle: async ({ input: { roomId, before, limit }, room, services }) => {
        const events = await services.store.rooms.messagesBefore(roomId, before ?? (room?.head ?? 0) + 1, limit);
        return ok(events.map(toRoomEvent));
      },
    }),
    'bot:me': defineEvent({
      schema: emptySchema,
      price: READ_PRICE,
      access: 'bot',
      botHttp: 'GET',
      handle: async ({ bot, services }) => ok({ userId: bot.id, name: bot.name, rooms: await services.store.rooms.memberRoomIds(bot.id) }),
    }),
  }) as const;

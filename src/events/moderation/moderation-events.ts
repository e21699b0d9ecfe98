import type { Actor } from '../../moderation/moderation.js';
import { ok } from '../../shared/errors.js';
import type { ParleySocket } from '../../types.js';
import { defineEvent, type Services } from '../kit.js';
import {
  announceSchema,
  auditSchema,
  banSchema,
  deleteSchema,
  emptySchema,
  kickSchema,
  moveSchema,
  muteSchema,
  roleSchema,
  unbanSchema,
  unmuteSchema,
} from '../../shared/protocol/moderation.js';

/**
 * The web client's moderation events (`mod:*`). Each is open to every connection at the
 * door and checked by Moderation against the user's role as stored at
 * the moment of the call, so a role given or taken counts at once; a member is answered
 * FORBIDDEN. All share one budget per user.
 */

/** The connection's user as a moderator, with their rank now. */
async function actorOf(socket: ParleySocket, services: Services): Promise<Actor> {
  const { user } = socket.data;
  return { id: user.id, name: user.name, rank: await services.moderation.rankOf(user) };
}

const PRICE = ['moderation.user'] as const;

export const modMe = defineEvent({
  schema: emptySchema,
  price: ['reads.connection', 'reads.user'],
  access: 'anyone',
  handle: async ({ socket, services }) => {
    const { rank } = await actorOf(socket, services);
    return ok({ role: rank === 'operator' ? 'admin' : rank });
  },
});

export const modKick = defineEvent({
  schema: kickSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.kick(await actorOf(socket, services), input),
});

export const modBan = defineEvent({
  schema: banSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.ban(await actorOf(socket, services), input),
});

export const modUnban = defineEvent({
  schema: unbanSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.unban(await actorOf(socket, services), input),
});

export const modMute = defineEvent({
  schema: muteSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.mute(await actorOf(socket, services), input),
});

export const modUnmute = defineEvent({
  schema: unmuteSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.unmute(await actorOf(socket, services), input),
});

export const modMove = defineEvent({
  schema: moveSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.move(await actorOf(socket, services), input),
});

export const modDelete = defineEvent({
  schema: deleteSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.deleteMessage(await actorOf(socket, services), input),
});

export const modAnnounce = (maxMessageLength: number) =>
  defineEvent({
    schema: announceSchema(maxMessageLength),
    price: PRICE,
    access: 'anyone',
    handle: async ({ input, socket, services }) => services.moderation.announce(await actorOf(socket, services), input),
  });

export const modRole = defineEvent({
  schema: roleSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.setRole(await actorOf(socket, services), input),
});

export const modRestrictions = defineEvent({
  schema: emptySchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ socket, services }) => services.moderation.restrictionsInForce(await actorOf(socket, services)),
});

export const modAudit = defineEvent({
  schema: auditSchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ input, socket, services }) => services.moderation.auditLog(await actorOf(socket, services), input),
});

export const modStats = defineEvent({
  schema: emptySchema,
  price: PRICE,
  access: 'anyone',
  handle: async ({ socket, services }) => services.moderation.statistics(await actorOf(socket, services), () => services.statistics.gather()),
});

/** Every moderation event by name, for the event table. */
export const moderationEvents = (maxMessageLength: number) =>
  ({
    'mod:me': modMe,
    'mod:kick': modKick,
    'mod:ban': modBan,
    'mod:unban': modUnban,
    'mod:mute': modMute,
    'mod:unmute': modUnmute,
    'mod:move': modMove,
    'mod:delete': modDelete,
    'mod:announce': modAnnounce(maxMessageLength),
    'mod:role': modRole,
    'mod:restrictions': modRestrictions,
    'mod:audit': modAudit,
    'mod:stats': modStats,
  }) as const;


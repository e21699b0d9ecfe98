import { ok } from '../../shared/errors.js';
import { defineEvent } from '../kit.js';
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
 * The moderation events (`mod:*`). Each names the role it needs (access `moderator` or
 * `admin`, checked by the pipeline against the role as stored at the moment of the call, so
 * a role given or taken counts at once; a member is answered FORBIDDEN), and the handler
 * gets the caller as an Actor. Those with `http` are the operator's too, over the HTTP
 * doorway (/admin/api/<name>). All share one budget per user.
 */

const PRICE = ['moderation.user'] as const;

export const modMe = defineEvent({
  schema: emptySchema,
  price: ['reads.connection', 'reads.user'],
  access: 'anyone',
  handle: async ({ socket, services }) => {
    const rank = await services.moderation.rankOf(socket.data.user);
    return ok({ role: rank === 'operator' ? 'admin' : rank });
  },
});

export const modKick = defineEvent({
  schema: kickSchema,
  price: PRICE,
  access: 'moderator',
  http: 'POST',
  handle: ({ input, actor, services }) => services.moderation.kick(actor, input),
});

export const modBan = defineEvent({
  schema: banSchema,
  price: PRICE,
  access: 'admin',
  http: 'POST',
  handle: ({ input, actor, services }) => services.moderation.ban(actor, input),
});

export const modUnban = defineEvent({
  schema: unbanSchema,
  price: PRICE,
  access: 'admin',
  http: 'POST',
  handle: ({ input, actor, services }) => services.moderation.unban(actor, input),
});

export const modMute = defineEvent({
  schema: muteSchema,
  price: PRICE,
  access: 'moderator',
  http: 'POST',
  handle: ({ input, actor, services }) => services.moderation.mute(actor, input),
});

export const modUnmute = defineEvent({
  schema: unmuteSchema,
  price: PRICE,
  access: 'moderator',
  http: 'POST',
  handle: ({ input, actor, services }) => services.moderation.unmute(actor, input),
});

export const modMove = defineEvent({
  schema: moveSchema,
  price: PRICE,
  access: 'moderator',
  http: 'POST',
  handle: ({ input, actor, services }) => services.moderation.move(actor, input),
});

export const modDelete = defineEvent({
  schema: deleteSchema,
  price: PRICE,
  access: 'moderator',
  http: 'POST',
  handle: ({ input, actor, services }) => services.moderation.deleteMessage(actor, input),
});

export const modAnnounce = (maxMessageLength: number) =>
  defineEvent({
    schema: announceSchema(maxMessageLength),
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.moderation.announce(actor, input),
  });

export const modRole = defineEvent({
  schema: roleSchema,
  price: PRICE,
  access: 'admin',
  http: 'POST',
  handle: ({ input, actor, services }) => services.moderation.setRole(actor, input),
});

export const modRestrictions = defineEvent({
  schema: emptySchema,
  price: PRICE,
  access: 'moderator',
  http: 'GET',
  handle: ({ services }) => services.moderation.restrictionsInForce(),
});

export const modAudit = defineEvent({
  schema: auditSchema,
  price: PRICE,
  access: 'admin',
  http: 'GET',
  handle: ({ input, services }) => services.moderation.auditLog(input),
});

export const modStats = defineEvent({
  schema: emptySchema,
  price: PRICE,
  access: 'admin',
  http: 'GET',
  handle: async ({ services }) => ok(await services.statistics.gather()),
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


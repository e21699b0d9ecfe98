import { describeRestriction, type Restrictions } from '../moderation/restrictions.js';
import { follows } from '../presence/connection-rooms.js';
import type { Follows } from '../rooms/follows.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import type { RoomRecord } from '../store/rooms.js';
import type { Store } from '../store/store.js';
import type { Actor, Moderation } from '../moderation/moderation.js';
import { atLeast } from '../moderation/roles.js';
import type { ParleySocket } from '../types.js';
import type { Access, BotAccess } from './kit.js';
import type { PublicUser } from '../shared/events.js';
import { refuseUnpin } from './pin-access.js';

/** What the access rule found: the room it checked and, for a role's event, the actor; or the refusal to answer. */
export type AccessResult = { readonly room: RoomRecord | undefined; readonly actor?: Actor } | { readonly refusal: Ack<never> };

const NO_ROOM: AccessResult = { room: undefined };
/** Unknown rooms and other users' direct rooms get the same answer: it reveals nothing. */
const UNKNOWN_ROOM = fail(ErrorCode.UNKNOWN_ROOM, 'no such room');

/** A connection's side of an access check. */
export interface ConnectionCaller {
  readonly socket: ParleySocket;
  readonly follows: Follows;
}

/** What the rules read: the store, the restrictions in force, the roles, the default room. */
export interface AccessContext {
  readonly store: Store;
  readonly restrictions: Restrictions;
  readonly moderation: Moderation;
  readonly generalRoomId: number;
}

/**
 * Checks the access rule of `event` for this connection's user (see Access in kit.ts).
 * Membership is always the user's, read from the store, not the socket's: a connection that
 * followed a direct room under an earlier identity gets nothing from it. A role is read as
 * stored at the moment of the call, so a role given or taken counts at once.
 */
export async function checkAccess(
  event: string,
  access: Access<Record<string, unknown>>,
  input: unknown,
  { socket, follows: connectionFollows }: ConnectionCaller,
  { store, restrictions, moderation, generalRoomId }: AccessContext,
): Promise<AccessResult> {
  const { user } = socket.data;
  switch (access) {
    case 'bot':
    case 'bot-member':
    case 'bot-writer':
    case 'bot-target':
    case 'bot-author':
    case 'webhook':
    case 'file-reader':
    case 'file-writer':
    case 'exporter':
    case 'export-admin':
    case 'visitor':
      return { refusal: fail(ErrorCode.FORBIDDEN, 'not open over Socket.IO') };
    case 'anyone':
      return NO_ROOM;
    case 'guest':
      return user.kind === 'guest' ? NO_ROOM : { refusal: fail(ErrorCode.ALREADY_SIGNED_IN, 'signed in to an account; sign out first') };
    case 'account':
      return user.kind === 'account' ? NO_ROOM : { refusal: fail(ErrorCode.UNAUTHENTICATED, 'this connection is not signed in') };
    case 'moderator':
    case 'admin': {
      const rank = await moderation.rankOf(user);
      if (!atLeast(rank, access)) return { refusal: fail(ErrorCode.FORBIDDEN, `${actionOf(event)} needs the ${access} role`) };
      return { room: undefined, actor: { id: user.id, name: user.name, rank } };
    }
    case 'general-writer': {
      const mute = restrictions.muteOf(generalRoomId, user.id);
      return mute ? { refusal: fail(ErrorCode.MUTED, describeRestriction(mute)) } : NO_ROOM;
    }
  }
  const roomId = fieldOf(input, 'roomId');
  if (roomId === undefined) return access === 'follower' ? NO_ROOM : { refusal: UNKNOWN_ROOM };
  const writes = access === 'writer' || access === 'live-target' || access === 'author' || access === 'unpinner';
  // A writer's room and membership are read once per follow (and half-minute), not once per
  // message: the connection's follow remembers them (Follows.rememberMember says why that holds).
  const known = writes && (await connectionFollows.isLiveMember(roomId, user));
  // Before the reads, so that they come after the socket joined the live room.
  const seen = writes && !known ? await connectionFollows.liveness(roomId) : undefined;
  const room = known ? undefined : await store.rooms.roomById(roomId);
  if (!known && !room) return { refusal: UNKNOWN_ROOM };
  const member = known || (await store.rooms.isMember(roomId, user.id));
  if (!member && room?.kind === 'direct') return { refusal: UNKNOWN_ROOM };
  if (access === 'reader') return { room };
  if (access === 'follower') {
    if (!follows(socket, roomId)) return { refusal: fail(ErrorCode.NOT_MEMBER, 'this connection does not follow that room; room:join it first') };
    return { room };
  }
  if (!member) return { refusal: fail(ErrorCode.NOT_MEMBER, 'not a member of the room; room:join first') };
  if (access === 'member') return { room };
  if (seen) connectionFollows.rememberMember(seen, user);
  const mute = restrictions.muteOf(roomId, user.id);
  if (mute) return { refusal: fail(ErrorCode.MUTED, describeRestriction(mute)) };
  if (!known && !seen?.live) {
    return { refusal: fail(ErrorCode.NOT_MEMBER, 'this connection does not follow the room; room:join first') };
  }
  if (access === 'writer') return NO_ROOM;
  const target = fieldOf(input, 'target');
  if (access === 'unpinner') {
    const refusal = await refuseUnpin(roomId, target, user, room, { store, moderation });
    return refusal ? { refusal } : NO_ROOM;
  }
  const message = target === undefined ? undefined : await store.rooms.liveMessage(roomId, target);
  if (!message) return { refusal: fail(ErrorCode.UNKNOWN_MESSAGE, `no message at offset ${target ?? '?'}, or it was deleted`) };
  if (access === 'author' && message.authorId !== user.id) return { refusal: fail(ErrorCode.NOT_AUTHOR, 'only the author may change a message') };
  return NO_ROOM;
}

/** The operator over the HTTP doorway passes every role's rule, and only those (http is declared on role events alone). */
export function checkOperatorAccess(access: Access<Record<string, unknown>>, actor: Actor): AccessResult {
  if (access === 'moderator' || access === 'admin') return { room: undefined, actor };
  return { refusal: fail(ErrorCode.FORBIDDEN, 'not open over HTTP') };
}

/**
 * Checks the access rule of a call by a signed-in account over HTTP (kit.ts, Access:
 * `file-reader`, `file-writer`, `exporter`, `export-admin`), made afresh on every request,
 * whatever URL it came by: an account, not banned; for a file, a member of the room (an
 * unknown room and another's direct room alike UNKNOWN_ROOM, so a file id reveals nothing)
 * and for a writer not muted there; for an export-admin, the admin role as stored now.
 */
export async function checkHttpAccountAccess(
  access: Access<Record<string, unknown>>,
  input: unknown,
  user: PublicUser,
  { store, restrictions, moderation }: AccessContext,
): Promise<AccessResult> {
  const files = access === 'file-reader' || access === 'file-writer';
  if (!files && access !== 'exporter' && access !== 'export-admin') return { refusal: fail(ErrorCode.FORBIDDEN, 'not open over this HTTP doorway') };
  if (user.kind !== 'account') return { refusal: fail(ErrorCode.UNAUTHENTICATED, files ? 'sign in to an account to share and open files' : 'sign in to an account to export data') };
  const ban = restrictions.banOf(user.id);
  if (ban) return { refusal: fail(ErrorCode.BANNED, describeRestriction(ban)) };
  if (access === 'exporter') return NO_ROOM;
  if (access === 'export-admin') {
    const rank = await moderation.rankOf(user);
    return atLeast(rank, 'admin') ? NO_ROOM : { refusal: fail(ErrorCode.FORBIDDEN, 'exporting a room or the deployment needs the admin role') };
  }
  const roomId = fieldOf(input, 'roomId');
  if (roomId === undefined) return { refusal: UNKNOWN_ROOM };
  const room = await store.rooms.roomById(roomId);
  if (!room) return { refusal: UNKNOWN_ROOM };
  if (!(await store.rooms.isMember(roomId, user.id))) {
    return room.kind === 'direct' ? { refusal: UNKNOWN_ROOM } : { refusal: fail(ErrorCode.NOT_MEMBER, 'not a member of the room; room:join first') };
  }
  if (access === 'file-writer') {
    const mute = restrictions.muteOf(roomId, user.id);
    if (mute) return { refusal: fail(ErrorCode.MUTED, describeRestriction(mute)) };
  }
  return { room };
}

/** Whether an access level is one of the bot's HTTP API (kit.ts, BotAccess). */
export const isBotAccess = (access: Access<Record<string, unknown>>): access is BotAccess => access === 'bot' || access.startsWith('bot-');

/**
 * Checks the access rule of a bot's HTTP call (kit.ts, Access: `bot-*`): not banned; the room it names
 * must be one the bot was given (its membership), and then as `member`, `writer`,
 * `live-target` and `author` ask, with no connection to follow the room. A public room it
 * was not given is NOT_MEMBER; an unknown or direct room UNKNOWN_ROOM (it reveals nothing).
 */
export async function checkBotAccess(
  access: Access<Record<string, unknown>>,
  input: unknown,
  bot: PublicUser,
  { store, restrictions }: AccessContext,
): Promise<AccessResult> {
  if (!isBotAccess(access)) return { refusal: fail(ErrorCode.FORBIDDEN, 'not open to bots over HTTP') };
  // Over a socket a ban refuses the handshake; over HTTP every call is a handshake of its own.
  const ban = restrictions.banOf(bot.id);
  if (ban) return { refusal: fail(ErrorCode.BANNED, describeRestriction(ban)) };
  if (access === 'bot') return NO_ROOM;
  const roomId = fieldOf(input, 'roomId');
  if (roomId === undefined) return { refusal: UNKNOWN_ROOM };
  const refusal = await confinedTo(roomId, bot, store);
  if (refusal) return { refusal };
  if (access === 'bot-member') return { room: await store.rooms.roomById(roomId) };
  const mute = restrictions.muteOf(roomId, bot.id);
  if (mute) return { refusal: fail(ErrorCode.MUTED, describeRestriction(mute)) };
  if (access === 'bot-writer') return NO_ROOM;
  const target = fieldOf(input, 'target');
  const message = target === undefined ? undefined : await store.rooms.liveMessage(roomId, target);
  if (!message) return { refusal: fail(ErrorCode.UNKNOWN_MESSAGE, `no message at offset ${target ?? '?'}, or it was deleted`) };
  if (access === 'bot-author' && message.authorId !== bot.id) return { refusal: fail(ErrorCode.NOT_AUTHOR, 'only the author may change a message') };
  return NO_ROOM;
}

/**
 * A bot connected over Socket.IO: only events that declare `bots` (kit.ts, EventSpec) are
 * open to it, and only in the rooms it was given, whatever the event's own rule allows
 * (`room:join` of a public room would otherwise make it a member anywhere).
 */
export async function confineBot(event: string, openToBots: boolean, input: unknown, bot: PublicUser, store: Store): Promise<Ack<never> | undefined> {
  if (!openToBots) return fail(ErrorCode.FORBIDDEN, `${event} is not open to bots`);
  const roomId = fieldOf(input, 'roomId');
  return roomId === undefined ? undefined : confinedTo(roomId, bot, store);
}

/** Refuses a room the bot was not given (see checkBotAccess for the two answers). */
async function confinedTo(roomId: number, bot: PublicUser, store: Store): Promise<Ack<never> | undefined> {
  if (await store.rooms.isMember(roomId, bot.id)) return undefined;
  const room = await store.rooms.roomById(roomId);
  return room?.kind === 'public' ? fail(ErrorCode.NOT_MEMBER, 'this bot was not given that room') : UNKNOWN_ROOM;
}

/** `mod:kick` → `kick`: what a refusal calls the action. */
const actionOf = (event: string): string => event.replace(/^mod:/, '');

/** A numeric field of a parsed payload (the schema guaranteed its type when present). */
function fieldOf(input: unknown, field: 'roomId' | 'target'): number | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const value: unknown = (input as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : undefined;
}

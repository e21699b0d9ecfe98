import type { Appends } from '../delivery/append.js';
import { draftOf } from '../delivery/drafts.js';
import type { Logger } from '../log.js';
import { ErrorCode, fail, ok, type Ack } from '../shared/errors.js';
import type { ModerationNotice, SentMessage } from '../shared/events.js';
import type { AuditView, RestrictionView } from '../shared/protocol/moderation.js';
import { liveRoom, tutorialRoom, userRoom } from '../socket-rooms.js';
import { summaryOf } from '../rooms/summary.js';
import { MAX_DIRECTORY_PAGE } from '../store/rooms.js';
import type { AuditDraft, Restriction, Role } from '../store/moderation.js';
import type { Store } from '../store/store.js';
import type { ParleyServer } from '../types.js';
import { namedAudit, namedRestrictions } from './names.js';
import type { Restrictions } from './restrictions.js';
import { atLeast, outranks, type Rank, type Roles } from './roles.js';
import { accountNamedExactly } from '../accounts/exact-name.js';
import type { AnnounceCommand, AuditQuery, BanCommand, DeleteCommand, KickCommand, MoveCommand, MuteCommand, RoleCommand, UnbanCommand, UnmuteCommand } from './commands.js';

/** Who acts: a signed-in moderator or admin, or the operator through the HTTP admin API. */
export interface Actor {
  /** A user id, or `token:<…>` for the HTTP admin API. */
  readonly id: string;
  readonly name: string;
  readonly rank: Rank;
}

/** The ids the operator acts under on the HTTP admin API start with this; no user id does (`a:`, `g:`). */
export const OPERATOR_ID_PREFIX = 'token:';

/**
 * The actions. Who may take each (a moderator, an admin) is the event table's rule (access
 * `moderator` or `admin` of each `mod:*` event, src/events/moderation/), checked before any
 * method here is called, over a socket or the HTTP doorway; what is checked here is the
 * target: nobody acts on themselves or on someone who is not below them.
 */
export type Action = 'kick' | 'ban' | 'unban' | 'mute' | 'unmute' | 'move' | 'delete' | 'announce' | 'role' | 'restrictions' | 'audit' | 'stats';

/**
 * How long a change of bans or mutes waits for every other server to have read it: a bit
 * more than the adapters' own request timeout (5 s), which ends the wait for a silent server.
 */
const SPREAD_TIMEOUT_MS = 5500;
/** What an announcement is prefixed with in each room's history. */
export const ANNOUNCEMENT_PREFIX = '📣 ';

export interface ModerationOptions {
  readonly io: ParleyServer;
  readonly store: Store;
  readonly appends: Appends;
  readonly restrictions: Restrictions;
  readonly roles: Roles;
  readonly log: Logger;
  readonly generalRoomId: number;
}

/**
 * Every moderation action, for the web client's events (src/events/moderation/) and the
 * HTTP doorway (src/events/http-doorway.ts) alike: each checks its target against its actor's rank, acts on every server of
 * the deployment through the adapter (disconnectSockets, socketsLeave, emits to the user's
 * room), tells the user, and is kept in the audit log. Answers as acknowledgements do.
 */
export class Moderation {
  constructor(private readonly options: ModerationOptions) {
    // Another server changed the bans or mutes: read them before answering, so that once
    // every server has answered, no server lets a banned user in.
    options.io.on('moderation:changed', (answer) => {
      options.restrictions.reload().then(
        () => answer(true),
        () => answer(false),
      );
    });
  }

  /** The rank of a connected user. */
  rankOf(user: { readonly id: string; readonly name: string }): Promise<Rank> {
    return this.options.roles.of(user.id);
  }

  /** Disconnects every connection of the user, on every server. They may connect again. */
  async kick(actor: Actor, command: KickCommand): Promise<Ack<{ connections: number }>> {
    const refused = await this.refuse(actor, 'kick', command.userId);
    if (refused) return refused;
    const { io, store } = this.options;
    const connections = (await io.in(userRoom(command.userId)).fetchSockets()).length;
    if (connections === 0) return fail(ErrorCode.UNKNOWN_USER, 'that user is not online');
    await store.moderation.recordAudit(this.audit(actor, 'kick', command.userId, null, command.reason));
    this.tell(command.userId, { action: 'kick', roomId: null, reason: command.reason, by: actor.name, until: null });
    io.in(userRoom(command.userId)).disconnectSockets(true);
    return ok({ connections });
  }

  /**
   * Bans the user: stored, known to every server before anyone is disconnected, then every
   * connection of theirs is closed; their handshakes and recovered sessions are refused
   * (src/auth/authenticate.ts) until it ends or is lifted.
   */
  async ban(actor: Actor, command: BanCommand): Promise<Ack<Restriction>> {
    const refused = await this.refuse(actor, 'ban', command.userId);
    if (refused) return refused;
    const restriction = this.restriction(actor, 'ban', command.userId, null, command);
    await this.options.store.moderation.restrict(restriction, this.audit(actor, 'ban', command.userId, null, describe(command)));
    await this.spread();
    this.tell(command.userId, { action: 'ban', roomId: null, reason: command.reason, by: actor.name, until: restriction.expiresAt });
    this.options.io.in(userRoom(command.userId)).disconnectSockets(true);
    return ok(restriction);
  }

  async unban(actor: Actor, command: UnbanCommand): Promise<Ack<null>> {
    const refused = await this.refuse(actor, 'unban', command.userId);
    if (refused) return refused;
    const lifted = await this.options.store.moderation.lift('ban', command.userId, null, this.audit(actor, 'unban', command.userId, null, ''));
    if (!lifted) return fail(ErrorCode.UNKNOWN_USER, 'that user is not banned');
    await this.spread();
    return ok(null);
  }

  /** Mutes the user in a public room: their messages, edits and deletions there are refused (MUTED). */
  async mute(actor: Actor, command: MuteCommand): Promise<Ack<Restriction>> {
    const refused = (await this.refuse(actor, 'mute', command.userId)) ?? (await this.publicRoom(command.roomId));
    if (refused) return refused;
    const restriction = this.restriction(actor, 'mute', command.userId, command.roomId, command);
    await this.options.store.moderation.restrict(restriction, this.audit(actor, 'mute', command.userId, command.roomId, describe(command)));
    await this.spread();
    this.tell(command.userId, { action: 'mute', roomId: command.roomId, reason: command.reason, by: actor.name, until: restriction.expiresAt });
    return ok(restriction);
  }

  /** Lifts a mute: like muting, only of someone the actor outranks (so never oneself). */
  async unmute(actor: Actor, command: UnmuteCommand): Promise<Ack<null>> {
    const refused = await this.refuse(actor, 'unmute', command.userId);
    if (refused) return refused;
    const audit = this.audit(actor, 'unmute', command.userId, command.roomId, '');
    if (!(await this.options.store.moderation.lift('mute', command.userId, command.roomId, audit))) {
      return fail(ErrorCode.UNKNOWN_USER, 'that user is not muted in that room');
    }
    await this.spread();
    this.tell(command.userId, { action: 'unmute', roomId: command.roomId, reason: '', by: actor.name, until: null });
    return ok(null);
  }

  /**
   * Makes the user a member of a public room, or ends their membership, on every tab.
   * Moved in: each tab is told (`room:added`) and follows the room from its head through
   * `room:join`, so it is caught up exactly once like any join (a bare socketsJoin would
   * skip the catch-up). Moved out: every tab leaves the live rooms on every server
   * (socketsLeave) and gets `room:removed`.
   */
  async move(actor: Actor, command: MoveCommand): Promise<Ack<null>> {
    const { io, store, generalRoomId } = this.options;
    const refused = (await this.refuse(actor, 'move', command.userId)) ?? (await this.publicRoom(command.roomId));
    if (refused) return refused;
    const room = userRoom(command.userId);
    if (command.to === 'in') {
      const name = await this.nameOf(command.userId);
      if (name === undefined) return fail(ErrorCode.UNKNOWN_USER, 'no such user');
      await store.rooms.addMember(command.roomId, { userId: command.userId, name });
      io.to(room).emit('room:added', await summaryOf(store, command.roomId, command.userId));
    } else {
      if (command.roomId === generalRoomId) return fail(ErrorCode.FORBIDDEN, 'everyone is in the general room');
      await store.rooms.removeMember(command.roomId, command.userId);
      io.in(room).socketsLeave([liveRoom(command.roomId), tutorialRoom(command.roomId)]);
      io.to(room).emit('room:removed', command.roomId);
    }
    const action = command.to === 'in' ? 'move-in' : 'move-out';
    await store.moderation.recordAudit(this.audit(actor, action, command.userId, command.roomId, ''));
    this.tell(command.userId, { action, roomId: command.roomId, reason: '', by: actor.name, until: null });
    return ok(null);
  }

  /**
   * Deletes a message in a public room, one's own or that of someone the actor outranks
   * (a moderator never an admin's, announcements included): a deletion event of the room,
   * ordered like the author's own, which erases the message (see Store.appendMessage).
   */
  async deleteMessage(actor: Actor, command: DeleteCommand): Promise<Ack<SentMessage>> {
    const { store, appends } = this.options;
    const refused = await this.publicRoom(command.roomId);
    if (refused) return refused;
    const message = await store.rooms.liveMessage(command.roomId, command.target);
    if (!message) return fail(ErrorCode.UNKNOWN_MESSAGE, `no message at offset ${command.target}, or it was deleted`);
    if (message.authorId !== actor.id) {
      const rank = await this.authorRank(message.authorId);
      if (!outranks(actor.rank, rank)) return fail(ErrorCode.FORBIDDEN, `a ${actor.rank} cannot delete a message of a ${rank}`);
    }
    const sent = await appends.append(
      draftOf({ roomId: command.roomId, kind: 'delete', target: command.target, text: '', author: actor.name, authorId: actor.id, retry: { by: 'none' } }),
    );
    const detail = `offset ${command.target} by ${message.author}${command.reason === '' ? '' : `: ${command.reason}`}`;
    await store.moderation.recordAudit(this.audit(actor, 'delete', message.authorId, command.roomId, detail));
    return ok(sent);
  }

  /** Posts the text as a message of every public room, `general` included. */
  async announce(actor: Actor, command: AnnounceCommand): Promise<Ack<{ rooms: number }>> {
    const { store, appends } = this.options;
    let rooms = 0;
    let after: number | undefined;
    do {
      const page = await store.rooms.directory({ limit: MAX_DIRECTORY_PAGE, ...(after === undefined ? {} : { after }) });
      if (!page) break;
      await Promise.all(
        page.rooms.map((room) =>
          appends.append(draftOf({ roomId: room.id, text: ANNOUNCEMENT_PREFIX + command.text, author: actor.name, authorId: actor.id, retry: { by: 'none' } })),
        ),
      );
      rooms += page.rooms.length;
      after = page.next ?? undefined;
    } while (after !== undefined);
    await store.moderation.recordAudit(this.audit(actor, 'announce', null, null, command.text));
    return ok({ rooms });
  }

  /**
   * Gives an account a role. Admins give up to their own role to those they outrank. The
   * account is the one named exactly as typed: never one whose name only looks like it.
   */
  async setRole(actor: Actor, command: RoleCommand): Promise<Ack<{ userId: string; role: Role }>> {
    const { account } = await accountNamedExactly(this.options.store, command.username);
    if (!account) return fail(ErrorCode.UNKNOWN_USER, 'no account has exactly that name (letter case and look-alikes count)');
    const userId = `a:${account.id}`;
    const current = await this.options.roles.of(userId);
    if (userId === actor.id || !outranks(actor.rank, current) || !atLeast(actor.rank, command.role)) {
      return fail(ErrorCode.FORBIDDEN, `a ${actor.rank} cannot make this ${current} a ${command.role}`);
    }
    await this.options.store.moderation.setRole(account.id, command.role, this.audit(actor, 'role', userId, null, command.role));
    // Every tab of the account, on every server: a new moderator's Admin button appears without a reload.
    this.options.io.to(userRoom(userId)).emit('role:changed', { role: command.role });
    return ok({ userId, role: command.role });
  }

  /** The bans and mutes in force, with names for people to read. */
  async restrictionsInForce(): Promise<Ack<RestrictionView[]>> {
    const { store } = this.options;
    return ok(await namedRestrictions(store, await store.moderation.restrictions(Date.now())));
  }

  /** A page of the audit log, newest first, with names for people to read. */
  async auditLog(query: AuditQuery): Promise<Ack<AuditView[]>> {
    const { store } = this.options;
    return ok(await namedAudit(store, await store.moderation.auditLog(query.before ?? null, query.limit)));
  }

  /** The refusal of `action` by `actor` on `target`, or undefined when allowed. */
  private async refuse(actor: Actor, action: Action, target: string): Promise<Ack<never> | undefined> {
    if (target === actor.id) return fail(ErrorCode.FORBIDDEN, `you cannot ${action} yourself`);
    const rank = await this.options.roles.of(target);
    if (!outranks(actor.rank, rank)) return fail(ErrorCode.FORBIDDEN, `a ${actor.rank} cannot ${action} a ${rank}`);
    return undefined;
  }

  /** The rank of a message's author now: the operator wrote what the HTTP admin API posted (`token:…`). */
  private async authorRank(authorId: string | null): Promise<Rank> {
    if (authorId === null) return 'member';
    if (authorId.startsWith(OPERATOR_ID_PREFIX)) return 'operator';
    return this.options.roles.of(authorId);
  }

  private async publicRoom(roomId: number): Promise<Ack<never> | undefined> {
    const room = await this.options.store.rooms.roomById(roomId);
    return room?.kind === 'public' ? undefined : fail(ErrorCode.UNKNOWN_ROOM, 'no such public room');
  }

  /** The user's name: from a connection of theirs on any server, else as the store last knew it. */
  private async nameOf(userId: string): Promise<string | undefined> {
    const [online] = await this.options.io.in(userRoom(userId)).fetchSockets();
    return online?.data.user.name ?? (await this.options.store.rooms.knownUserName(userId));
  }

  /** Every server re-reads the bans and mutes; resolves once all answered, or after a bound. */
  private async spread(): Promise<void> {
    await this.options.restrictions.reload();
    await new Promise<void>((resolve) => {
      const guard = setTimeout(resolve, SPREAD_TIMEOUT_MS);
      this.options.io.serverSideEmit('moderation:changed', (error: Error | null) => {
        clearTimeout(guard);
        if (error) this.options.log.warn({ err: error }, 'not every server confirmed a change of bans or mutes in time; they re-read them within 30 s');
        resolve();
      });
    });
  }

  private tell(userId: string, notice: ModerationNotice): void {
    this.options.io.to(userRoom(userId)).emit('moderation', notice);
  }

  private restriction(actor: Actor, kind: Restriction['kind'], userId: string, roomId: number | null, command: BanCommand): Restriction {
    const now = Date.now();
    return {
      kind,
      userId,
      roomId,
      reason: command.reason,
      by: actor.id,
      createdAt: now,
      expiresAt: command.minutes === undefined ? null : now + command.minutes * 60_000,
    };
  }

  private audit(actor: Actor, action: string, target: string | null, roomId: number | null, detail: string): AuditDraft {
    return { at: Date.now(), actor: actor.id, actorName: actor.name, action, target, roomId, detail };
  }
}

const describe = (command: BanCommand): string =>
  [command.minutes === undefined ? 'until lifted' : `${command.minutes} min`, command.reason].filter((part) => part !== '').join(': ');

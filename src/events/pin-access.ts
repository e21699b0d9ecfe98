import type { Moderation } from '../moderation/moderation.js';
import { atLeast } from '../moderation/roles.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import type { RoomRecord } from '../store/rooms.js';
import type { Store } from '../store/store.js';

/**
 * The `unpinner` rule past the writer's checks (access.ts): message `target` is pinned, and
 * the caller may take that pin away: whoever pinned it; in a direct room, either member
 * (two people share one list, as in Slack's and Mattermost's DMs); anywhere, a moderator or
 * an admin (a room's list is a shared notice board: a member cannot clear others' pins).
 * `room` is the room when the writer's checks read it (they may not: a follow remembers it).
 */
export async function refuseUnpin(
  roomId: number,
  target: number | undefined,
  user: PublicUser,
  room: RoomRecord | undefined,
  { store, moderation }: { readonly store: Store; readonly moderation: Moderation },
): Promise<Ack<never> | undefined> {
  const pin = target === undefined ? undefined : await store.pins.pinOf(roomId, target);
  if (!pin) return fail(ErrorCode.NOT_PINNED, `the message at offset ${target ?? '?'} is not pinned (a deleted message is unpinned)`);
  if (pin.authorId === user.id) return undefined;
  if ((room ?? (await store.rooms.roomById(roomId)))?.kind === 'direct') return undefined;
  if (atLeast(await moderation.rankOf(user), 'moderator')) return undefined;
  return fail(ErrorCode.FORBIDDEN, `only ${pin.author}, who pinned it, or a moderator may unpin this message`);
}

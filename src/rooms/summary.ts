import { userKind } from '../delivery/room-wire.js';
import type { RoomSummary } from '../shared/events.js';
import type { RoomListing } from '../store/rooms.js';
import type { Store } from '../store/store.js';

/** A room listing as the room protocol shows it, its offsets in history epoch `epoch`, with its topic if it has one. */
export function toSummary(listing: RoomListing, epoch: string, topic?: string): RoomSummary {
  return {
    id: listing.id,
    name: listing.name,
    kind: listing.kind,
    ...(listing.kind === 'direct'
      ? { participants: listing.participants.map((member) => ({ id: member.userId, name: member.name, kind: userKind(member.userId) })) }
      : {}),
    head: listing.head,
    readOffset: listing.readOffset,
    unread: listing.unread,
    mentions: listing.mentions,
    member: listing.member,
    epoch,
    ...(topic ? { topic } : {}),
  };
}

/** The summary of one room for one user; throws when the room vanished (rooms are never deleted). */
export async function summaryOf(store: Store, roomId: number, userId: string): Promise<RoomSummary> {
  const listing = await store.rooms.roomListing(roomId, userId);
  if (!listing) throw new Error(`room ${roomId} not found after use`);
  const [topic] = await store.commands.topics([roomId]);
  return toSummary(listing, store.historyEpoch, topic?.topic);
}

/** The summaries of `listings` for one user, each with its room's topic. */
export async function summariesOf(store: Store, listings: readonly RoomListing[]): Promise<RoomSummary[]> {
  const topics = new Map((await store.commands.topics(listings.filter((listing) => listing.kind === 'public').map((listing) => listing.id))).map((row) => [row.roomId, row.topic]));
  return listings.map((listing) => toSummary(listing, store.historyEpoch, topics.get(listing.id)));
}

// Threads in the room protocol's words: where a reply goes, and the summaries a room's pages
// carry. A reply is an ordinary message of its room whose `target` is its thread's root, so
// it enters through the one append path (src/delivery/append.ts) like every message.
import { toRoomEvent } from '../delivery/room-wire.js';
import type { RoomEvent } from '../shared/protocol/messages.js';
import { isReply, type StoredMessage } from '../shared/message.js';

export { isReply } from '../shared/message.js';
import type { Store } from '../store/store.js';

/**
 * The root of the thread a reply to message `replyTo` of `roomId` joins: that message, or,
 * when it is itself a reply, its root (threads are one level deep, as Slack's and Zulip's
 * are). Undefined when `replyTo` is no live message of this room: another room's offset, an
 * edit or reaction, or a deleted message.
 */
export async function threadRootOf(store: Store, roomId: number, replyTo: number): Promise<number | undefined> {
  const parent = await store.rooms.liveMessage(roomId, replyTo);
  if (!parent) return undefined;
  return parent.target ?? parent.offset;
}


/**
 * `messages` as the room protocol shows them, each root among them carrying its thread's
 * summary (read now, so replies older than the page are counted too).
 */
export async function withThreadSummaries(store: Store, roomId: number, messages: readonly StoredMessage[]): Promise<RoomEvent[]> {
  const roots = messages.filter((message) => (message.kind ?? 'message') === 'message' && !isReply(message) && !message.redacted).map((message) => message.offset);
  const summaries = new Map((await store.threads.summaries(roomId, roots)).map((summary) => [summary.root, summary]));
  return messages.map((message) => {
    const thread = summaries.get(message.offset);
    const event = toRoomEvent(message);
    return thread && !isReply(message) ? { ...event, thread } : event;
  });
}

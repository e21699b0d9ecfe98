import type { FileStore } from '../files/file-store.js';
import { EXPORT_PAGE } from '../store/exports.js';
import type { Store } from '../store/store.js';
import { accountLine, eventLine, fileLine, membershipLine, roomLine } from './lines.js';
import { ndjson, type StreamOut } from './stream-out.js';

/** What a room's export reads: its events from the store, its files' metadata from the file store. */
export interface ExportSources {
  readonly store: Store;
  readonly files: FileStore;
}

/** How many files one room's export lists at most (each is one metadata read). */
const MAX_ROOM_FILES = 10_000;

/**
 * Streams a room as NDJSON: one line per event in offset order, a page of EXPORT_PAGE at a
 * time, then one line per file shared in it (its metadata and download URL), nothing else.
 * The head is read first: events stored while the export runs are left out, so the file is
 * the room as it was when the export began.
 */
export async function streamRoom(sources: ExportSources, roomId: number, out: StreamOut): Promise<void> {
  await streamRoomEvents(sources.store, roomId, out);
  for (const file of await sources.store.files.inRoom(roomId, MAX_ROOM_FILES)) await out.write(ndjson([fileLine(file)]));
}

/** Streams every event of a room as NDJSON lines, in offset order, up to the head when it began. */
async function streamRoomEvents(store: Store, roomId: number, out: StreamOut): Promise<void> {
  const head = await store.roomHead(roomId);
  let after = 0;
  while (after < head) {
    const page = (await store.messagesAfter(roomId, after, EXPORT_PAGE)).filter((message) => message.offset <= head);
    if (page.length === 0) break;
    await out.write(ndjson(page.map(eventLine)));
    after = page.at(-1)?.offset ?? head;
  }
}

/**
 * Streams the whole deployment as NDJSON: every account (no password hash, session or
 * secret: the store's export reads select none), every room, every membership, then each
 * room's events in offset order and its files (streamRoom), each kind of line marked by `type`.
 */
export async function streamDeployment(sources: ExportSources, out: StreamOut): Promise<void> {
  const { store } = sources;
  for (let after = 0; ; ) {
    const page = await store.exports.accountsAfter(after, EXPORT_PAGE);
    if (page.length === 0) break;
    await out.write(ndjson(page.map(accountLine)));
    after = Number(page.at(-1)?.id.slice(2));
  }
  let lastRoom = 0;
  for (; ; ) {
    const page = await store.exports.roomsAfter(lastRoom, EXPORT_PAGE);
    if (page.length === 0) break;
    await out.write(ndjson(page.map(roomLine)));
    lastRoom = page.at(-1)?.id ?? lastRoom;
  }
  for (let after = null as { roomId: number; userId: string } | null; ; ) {
    const page = await store.exports.membershipsAfter(after, EXPORT_PAGE);
    const last = page.at(-1);
    if (!last) break;
    await out.write(ndjson(page.map(membershipLine)));
    after = { roomId: last.roomId, userId: last.userId };
  }
  // The rooms paged again rather than remembered (a deployment's room ids are not held
  // either), up to the last one listed: a room made since has no room line above.
  for (let after = 0; after < lastRoom; ) {
    const page = (await store.exports.roomsAfter(after, EXPORT_PAGE)).filter((room) => room.id <= lastRoom);
    if (page.length === 0) break;
    for (const room of page) await streamRoom(sources, room.id, out);
    after = page.at(-1)?.id ?? lastRoom;
  }
}

import type { FileStore } from '../files/file-store.js';
import type { EventKind } from '../shared/message.js';
import { EXPORT_PAGE, type AuthorCursor, type AuthoredEvent, type ExportedAccount } from '../store/exports.js';
import type { Store } from '../store/store.js';
import { membershipLine } from './lines.js';
import type { StreamOut } from './stream-out.js';

/** The version of the personal export's shape, first in the file, so that readers can tell. */
export const USER_EXPORT_FORMAT = 'parley-user-export/1';

/** How many files a personal export lists at most: the quota bounds them already, this bounds the reads. */
const MAX_LISTED_FILES = 10_000;

/**
 * Streams one person's data as one JSON document, written as it is read (never built in
 * memory): `format`, `exportedAt`, `account` (no password hash, session or token),
 * `memberships` (their rooms), `messages` (every message they wrote, with its room and time,
 * its text as it reads now and `editedAt`, when it was last edited; a deleted one as a
 * tombstone: empty text and `redacted`), then every other event they made, an array each:
 * `edits` (which message, the new text; a replaced or deleted one as a tombstone),
 * `deletions`, `shares` (a thread reply of theirs sent also to the room), `pins` (pins and
 * unpins), `reactions` (reactions and withdrawn reactions); and `files` (what they uploaded,
 * with the URL that downloads each). Each event names its room (id and name), offset, time
 * and target. Nothing another person did is in it.
 */
export async function streamUserExport(
  services: { readonly store: Store; readonly files: FileStore },
  account: ExportedAccount,
  out: StreamOut,
): Promise<void> {
  const { store } = services;
  const header = { format: USER_EXPORT_FORMAT, exportedAt: Date.now(), account: { id: account.id, username: account.username, role: account.role, createdAt: Number(account.createdAt) } };
  // The header object left open (its closing brace cut), so the arrays follow as its fields.
  await out.write(`${JSON.stringify(header).slice(0, -1)},\n"memberships":[`);
  let first = true;
  const roomNames = new Map<number, string>();
  for (let after = null as { roomId: number; userId: string } | null; ; ) {
    const page = await store.exports.membershipsAfter(after, EXPORT_PAGE, account.id);
    const last = page.at(-1);
    if (!last) break;
    for (const member of page) roomNames.set(member.roomId, member.roomName);
    await out.write(items(page.map(membershipLine), first));
    first = false;
    after = { roomId: last.roomId, userId: last.userId };
  }
  const roomName = async (roomId: number): Promise<string | null> => {
    // Rooms they wrote in and left since: read once each, not once per message.
    if (!roomNames.has(roomId)) roomNames.set(roomId, (await store.rooms.roomById(roomId))?.name ?? '');
    return roomNames.get(roomId) || null;
  };

  // Each array is its own pass over the author's index, narrowed to its kinds by the store:
  // one JSON document cannot interleave them, and a pass holds one page at a time.
  const where = async (message: AuthoredEvent) => ({ roomId: message.roomId, roomName: await roomName(message.roomId), offset: message.offset, createdAt: message.createdAt });
  const redaction = (message: AuthoredEvent) => (message.redacted ? { by: message.redacted.by, at: message.redacted.at } : null);
  await out.write('],\n"messages":[');
  await eachAuthored(store, account.id, ['message'], out, async (message) => ({
    ...(await where(message)),
    text: message.redacted ? '' : message.text,
    threadRoot: message.target,
    editedAt: message.editedAt,
    redacted: redaction(message),
  }));
  await out.write('],\n"edits":[');
  // An edit replaced by a newer one (or of a deleted message) is a tombstone, as a message is.
  await eachAuthored(store, account.id, ['edit'], out, async (message) => ({
    ...(await where(message)),
    target: message.target,
    text: message.redacted ? '' : message.text,
    redacted: redaction(message),
  }));
  await out.write('],\n"deletions":[');
  await eachAuthored(store, account.id, ['delete'], out, async (message) => ({ ...(await where(message)), target: message.target }));
  await out.write('],\n"shares":[');
  await eachAuthored(store, account.id, ['share'], out, async (message) => ({ ...(await where(message)), target: message.target }));
  await out.write('],\n"pins":[');
  await eachAuthored(store, account.id, ['pin', 'unpin'], out, async (message) => ({ ...(await where(message)), kind: message.kind, target: message.target }));
  await out.write('],\n"reactions":[');
  await eachAuthored(store, account.id, ['react', 'unreact'], out, async (message) => ({
    ...(await where(message)),
    kind: message.kind,
    target: message.target,
    emoji: message.redacted ? '' : message.text,
    redacted: redaction(message),
  }));
  await out.write('],\n"files":[');
  first = true;
  for (const meta of await services.store.files.owned(account.id, MAX_LISTED_FILES)) {
    const file = { id: meta.id, roomId: meta.roomId, name: meta.name, type: meta.type, size: meta.size, createdAt: meta.createdAt, url: `/files/${meta.id}` };
    await out.write(items([file], first));
    first = false;
  }
  await out.write(']}\n');
}

/** Writes, as JSON array items, each event of `kinds` that `authorId` stored, a page at a time, by room then offset. */
async function eachAuthored(
  store: Store,
  authorId: string,
  kinds: readonly EventKind[],
  out: StreamOut,
  shape: (message: AuthoredEvent) => Promise<unknown>,
): Promise<void> {
  let first = true;
  for (let after: AuthorCursor | null = null; ; ) {
    const page = await store.exports.eventsByAuthor(authorId, kinds, after, EXPORT_PAGE);
    const last = page.at(-1);
    if (!last) return;
    const shaped: unknown[] = [];
    // One at a time: the first of a room reads its name, the rest find it remembered.
    for (const message of page) shaped.push(await shape(message));
    await out.write(items(shaped, first));
    first = false;
    after = { roomId: last.roomId, offset: last.offset };
  }
}

/** `values` as the next items of a JSON array (a comma first unless they are its first). */
const items = (values: readonly unknown[], first: boolean): string =>
  values.length === 0 ? '' : `${first ? '' : ','}\n${values.map((value) => JSON.stringify(value)).join(',\n')}`;

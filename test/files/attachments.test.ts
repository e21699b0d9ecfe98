import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { ackOf, refusedWith } from '../helpers/ack.js';
import { cookieValue, exchange } from '../accounts/session-http.js';
import type { Tab } from '../helpers/room-client.js';
import { tabWorld } from '../helpers/world.js';
import type { FileInfo } from '../../src/shared/protocol/files.js';

// Uploads never attached go after 4 s here (an hour by default), so that a test sees the sweep.
const UNATTACHED_MS = 4000;
const world = tabWorld({ workers: 2, env: { PARLEY_FILES_UNATTACHED_MS: String(UNATTACHED_MS), PARLEY_FILES_MAX_BYTES: String(64 * 1024) } });

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const PDF = Buffer.from('%PDF-1.4\n% minutes of the meeting\n');

interface Member {
  readonly tab: Tab;
  readonly token: string;
  /** A one-time code that signs a browser in as this account (a second tab of theirs). */
  readonly exchange: string;
}

async function member(): Promise<Member> {
  const tab = await world.open();
  const session = await tab.must('account:register', { username: `u${randomUUID().slice(0, 8)}`, password: 'correct horse battery' });
  return { tab, token: session.token, exchange: session.exchange };
}

/** Resolves once `condition` holds, asking again every 200 ms; fails after `timeoutMs`. */
async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Uploads `bytes` as `who` and answers the file's info (the upload must succeed). */
async function upload(who: Member, roomId: number, name: string, bytes: Buffer): Promise<FileInfo> {
  const response = await fetch(`${world.url}/files?roomId=${roomId}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}` },
    body: new Uint8Array(bytes),
  });
  const body = (await response.json()) as { data: FileInfo };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.data;
}

const fetchAs = (who: Member, url: string): Promise<Response> => fetch(`${world.url}${url}`, { headers: { authorization: `Bearer ${who.token}` } });

/** Two members of a new room. */
async function roomOfTwo(): Promise<{ alice: Member; bob: Member; roomId: number }> {
  const alice = await member();
  const bob = await member();
  const room = await alice.tab.must('room:create', { name: `att-${randomUUID().slice(0, 8)}` });
  await bob.tab.must('room:join', { roomId: room.id });
  return { alice, bob, roomId: room.id };
}

describe('attachments: files on messages, in every read of the message', () => {
  test('a message of files only reaches the room live, in history, in catch-up, in a thread and in search, with thumbnails for images', async () => {
    const { alice, bob, roomId } = await roomOfTwo();
    const image = await upload(alice, roomId, 'holiday.png', PNG);
    const pdf = await upload(alice, roomId, 'minutes.pdf', PDF);
    assert.equal(image.thumbnailUrl, `/files/${image.id}/thumbnail`);
    assert.equal(pdf.thumbnailUrl, undefined, 'only images have thumbnails');

    const sent = await alice.tab.must('message:send', { roomId, text: '', clientId: randomUUID(), attachments: [image.id, pdf.id] });
    await bob.tab.waitFor(() => bob.tab.eventsOf(roomId).some((event) => event.offset === sent.serverOffset), 'bob sees the message live');
    const live = bob.tab.eventsOf(roomId).find((event) => event.offset === sent.serverOffset);
    assert.equal(live?.text, '');
    assert.deepEqual(live?.attachments, [image, pdf], 'in the order sent, with what the upload answered');

    const [history] = await bob.tab.must('history:before', { roomId, before: sent.serverOffset + 1, limit: 1 });
    assert.deepEqual(history?.attachments, [image, pdf]);

    // Catch-up: a new tab of Bob's that last saw the offset before it.
    const browser = cookieValue((await exchange(world.url, bob.exchange)).setCookie);
    assert.ok(browser, 'the exchange signs a browser in');
    const later = await world.open(browser, { rooms: { [roomId]: sent.serverOffset - 1 } });
    await later.waitFor(() => later.eventsOf(roomId).some((event) => event.offset === sent.serverOffset), 'catch-up delivers it');
    assert.deepEqual(later.eventsOf(roomId).find((event) => event.offset === sent.serverOffset)?.attachments, [image, pdf]);
    later.close();

    const notes = await upload(bob, roomId, 'notes.pdf', PDF);
    const word = `quarterly${randomUUID().slice(0, 6).replace(/-/g, '')}`;
    const reply = await bob.tab.must('message:send', { roomId, text: `${word} notes`, clientId: randomUUID(), replyTo: sent.serverOffset, attachments: [notes.id] });
    const thread = await alice.tab.must('thread:open', { roomId, root: sent.serverOffset });
    assert.deepEqual(thread.root.attachments, [image, pdf]);
    assert.deepEqual(thread.replies.find((event) => event.offset === reply.serverOffset)?.attachments, [notes]);
    await eventually(async () => (await alice.tab.must('search:messages', { query: word })).hits.length > 0, 'the search index has it');
    const { hits } = await alice.tab.must('search:messages', { query: word });
    assert.deepEqual(hits[0]?.event.attachments, [notes]);

    const thumbnail = await fetchAs(bob, image.thumbnailUrl ?? '');
    assert.equal(thumbnail.status, 200);
    assert.match(thumbnail.headers.get('content-type') ?? '', /^image\//);
    assert.equal(thumbnail.headers.get('x-content-type-options'), 'nosniff');
    assert.match(thumbnail.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.equal((await fetchAs(bob, `${pdf.url}/thumbnail`)).status, 404, 'a PDF has no thumbnail');
  });

  test("refused with a clear error: another's file, another room's file, a file attached already, an unknown file, too many, repeats, nothing at all", async () => {
    const { alice, bob, roomId } = await roomOfTwo();
    const other = await alice.tab.must('room:create', { name: `other-${randomUUID().slice(0, 8)}` });
    const bobs = await upload(bob, roomId, 'bob.png', PNG);
    const elsewhere = await upload(alice, other.id, 'else.png', PNG);
    const mine = await upload(alice, roomId, 'mine.png', PNG);
    const send = (attachments: unknown, text = 'look', clientId = randomUUID()) => ackOf(alice.tab.socket, 'message:send', { roomId, text, clientId, attachments });

    const stolen = await send([bobs.id]);
    refusedWith(stolen, 'FILE_REFUSED', "another's file");
    assert.match(stolen.ok ? '' : stolen.message, /someone else/);
    refusedWith(await send([elsewhere.id]), 'FILE_REFUSED', "another room's file");
    refusedWith(await send(['A'.repeat(32)]), 'FILE_REFUSED', 'an unknown file');
    refusedWith(await send([mine.id, mine.id]), 'INVALID_PAYLOAD', 'a file twice');
    refusedWith(await send(Array.from({ length: 11 }, () => randomUUID().replace(/-/g, ''))), 'INVALID_PAYLOAD', 'more than 10');
    refusedWith(await send(['../../etc/passwd']), 'INVALID_PAYLOAD', 'not a file id');
    refusedWith(await send('nope'), 'INVALID_PAYLOAD', 'not a list');
    refusedWith(await send([], ''), 'INVALID_PAYLOAD', 'no text and no files');

    const clientId = randomUUID();
    const first = await send([mine.id], 'first', clientId);
    assert.ok(first.ok, JSON.stringify(first));
    const retry = await send([mine.id], 'first', clientId);
    assert.deepEqual(retry, { ok: true, data: { serverOffset: (first.data as { serverOffset: number }).serverOffset, duplicate: true } }, 'a retry is the same message');
    const again = await send([mine.id], 'second');
    refusedWith(again, 'FILE_REFUSED', 'attached already');
    assert.match(again.ok ? '' : again.message, /already attached/);
    assert.equal((await fetchAs(bob, mine.url)).status, 200, 'nothing refused harmed the file');
  });

  test('a page named .png with forged bytes is attached as text: no thumbnail, never inline', async () => {
    const { alice, bob, roomId } = await roomOfTwo();
    const forged = await upload(alice, roomId, 'cat.png', Buffer.from('<!doctype html><script>alert(document.cookie)</script>'));
    const sent = await alice.tab.must('message:send', { roomId, text: 'a cat', clientId: randomUUID(), attachments: [forged.id] });
    const [event] = await bob.tab.must('history:before', { roomId, before: sent.serverOffset + 1, limit: 1 });
    const [file] = event?.attachments ?? [];
    assert.equal(file?.type, 'text/plain', 'the type comes from the bytes');
    assert.equal(file?.thumbnailUrl, undefined);
    assert.equal((await fetchAs(bob, `${forged.url}/thumbnail`)).status, 404);
    const served = await fetchAs(bob, forged.url);
    assert.match(served.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
  });

  test('a member who may not read the room fetches neither its files nor their thumbnails', async () => {
    const { alice, roomId } = await roomOfTwo();
    const stranger = await member();
    const image = await upload(alice, roomId, 'private.png', PNG);
    await alice.tab.must('message:send', { roomId, text: 'ours', clientId: randomUUID(), attachments: [image.id] });
    assert.equal((await fetchAs(stranger, image.url)).status, 403);
    assert.equal((await fetchAs(stranger, image.thumbnailUrl ?? '')).status, 403);
    assert.equal((await fetch(`${world.url}${image.thumbnailUrl ?? ''}`)).status, 401, 'nobody signed in');
  });

  test('a deleted message takes its files with it: 404 after, and no list in history', async () => {
    const { alice, bob, roomId } = await roomOfTwo();
    const image = await upload(alice, roomId, 'gone.png', PNG);
    const sent = await alice.tab.must('message:send', { roomId, text: 'soon gone', clientId: randomUUID(), attachments: [image.id] });
    assert.equal((await fetchAs(bob, image.url)).status, 200);
    await alice.tab.must('message:delete', { roomId, target: sent.serverOffset, clientId: randomUUID() });
    assert.equal((await fetchAs(bob, image.url)).status, 404);
    assert.equal((await fetchAs(alice, image.thumbnailUrl ?? '')).status, 404);
    const [event] = await bob.tab.must('history:before', { roomId, before: sent.serverOffset + 1, limit: 1 });
    assert.ok(event?.redacted, 'a tombstone');
    assert.equal(event?.attachments, undefined);
  });

  test('an upload never attached is removed after PARLEY_FILES_UNATTACHED_MS; an attached one stays', async () => {
    const { alice, roomId } = await roomOfTwo();
    const idle = await upload(alice, roomId, 'idle.pdf', PDF);
    const kept = await upload(alice, roomId, 'kept.pdf', PDF);
    await alice.tab.must('message:send', { roomId, text: 'kept', clientId: randomUUID(), attachments: [kept.id] });
    await eventually(async () => (await fetchAs(alice, idle.url)).status === 404, 'the sweep removed the idle upload', UNATTACHED_MS * 5);
    assert.equal((await fetchAs(alice, kept.url)).status, 200);
    refusedWith(await ackOf(alice.tab.socket, 'message:send', { roomId, text: 'late', clientId: randomUUID(), attachments: [idle.id] }), 'FILE_REFUSED', 'too late');
  });
});

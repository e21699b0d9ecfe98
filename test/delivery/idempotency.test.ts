import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { io } from 'socket.io-client';
import { IssuedIds } from '../../src/auth/issued-ids.js';
import { idempotencyKey, roomEventKey } from '../../src/delivery/idempotency.js';
import type { Ack } from '../../src/shared/errors.js';
import type { PublicUser, SentMessage } from '../../src/shared/events.js';
import { connected, type ChatSocket } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';
import { TEST_SESSION_SECRET } from '../helpers/session-cookies.js';

/** The default room's id in a fresh database. */
const GENERAL_ROOM_ID = 1;

const ids = new IssuedIds(TEST_SESSION_SECRET);

test("an issued id's offsets are the same message from any sender; any other offset is its sender's alone", () => {
  const id = ids.socketId();
  const isIssued = ids.isIssued;
  // One character of the signature changed: never the same id (a fixed 'x' was, 1 run in 64).
  const tampered = id.slice(0, -1) + (id.endsWith('x') ? 'y' : 'x');
  // A retry after a restart: the same offset, a new connection (so a new sender and guest).
  assert.equal(idempotencyKey('socket:first', `${id}-7`, 'hi', isIssued), idempotencyKey('socket:second', `${id}-7`, 'hi', isIssued));
  assert.notEqual(idempotencyKey('socket:first', `${id}-7`, 'hi', isIssued), idempotencyKey('socket:first', `${id}-8`, 'hi', isIssued));
  assert.notEqual(idempotencyKey('socket:first', `${id}-7`, 'hi', isIssued), idempotencyKey('socket:first', `${id}-7`, 'hello', isIssued));
  // The tutorial's client while disconnected, and ids nobody was issued: never merged across senders.
  for (const offset of ['undefined-0', 'AAAAAAAAAAAAAAAAAAAA-0', `${tampered}-0`, '0b9f5c1e-3b43-4f6f-9d1c-3f5a7b1c2d4e']) {
    assert.notEqual(idempotencyKey('socket:a', offset, 'hi', isIssued), idempotencyKey('socket:b', offset, 'hi', isIssued), offset);
    assert.equal(idempotencyKey('socket:a', offset, 'hi', isIssued), idempotencyKey('socket:a', offset, 'hi', isIssued), offset);
  }
  assert.equal(idempotencyKey('socket:a', undefined, 'hi', isIssued), null);
});

test("a room-protocol clientId that starts with an issued id is the same event under any user; any other is the user's", () => {
  const id = ids.socketId();
  assert.equal(roomEventKey('g:one', `${id}-3`, ids.isIssued), roomEventKey('g:two', `${id}-3`, ids.isIssued));
  assert.notEqual(roomEventKey('g:one', 'c-3', ids.isIssued), roomEventKey('g:two', 'c-3', ids.isIssued));
  assert.equal(roomEventKey('a:1', 'c-3', ids.isIssued), roomEventKey('a:1', 'c-3', ids.isIssued));
});

/** A client outside a browser: no cookie, so each connection is a new guest. */
async function cookieless(url: string, auth: Record<string, unknown>, t: TestContext): Promise<ChatSocket & { user: Promise<PublicUser> }> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, auth }) as ChatSocket & { user: Promise<PublicUser> };
  socket.user = new Promise((resolve) => socket.once('session:user', resolve));
  t.after(() => socket.close());
  await connected(socket);
  return socket;
}

test('a retry on a new connection, as a new guest, is the same message when its offset names the issued id it was made on', async (t) => {
  const server = await startServer({ workers: 1 });
  t.after(() => server.stop());
  const first = await cookieless(server.url, { serverOffset: 0 }, t);
  const madeOn = { socketId: `${first.id}-0`, engineId: `${first.io.engine.id}-0`, other: 'not-an-issued-id-0' };
  const firstAcks = new Map<string, Ack<SentMessage>>();
  for (const [style, offset] of Object.entries(madeOn)) firstAcks.set(style, await first.emitWithAck('chat message', `tutorial ${style}`, offset));
  const roomFirst = await cookieless(server.url, { rooms: { [GENERAL_ROOM_ID]: 0 } }, t);
  assert.ok((await roomFirst.emitWithAck('room:join', { roomId: GENERAL_ROOM_ID })).ok);
  const roomClientId = `${roomFirst.id}-0`;
  const roomFirstAck = await roomFirst.emitWithAck('message:send', { roomId: GENERAL_ROOM_ID, text: 'room protocol', clientId: roomClientId });
  const roomOtherAck = await roomFirst.emitWithAck('message:send', { roomId: GENERAL_ROOM_ID, text: 'room other', clientId: 'retry-0' });
  first.close();
  roomFirst.close();

  const second = await cookieless(server.url, { serverOffset: 0 }, t);
  const roomSecond = await cookieless(server.url, { rooms: { [GENERAL_ROOM_ID]: 0 } }, t);
  assert.notEqual((await second.user).id, (await roomSecond.user).id);
  // A new guest is no member yet: the client joins again, then sends what was not acknowledged.
  assert.ok((await roomSecond.emitWithAck('room:join', { roomId: GENERAL_ROOM_ID })).ok);
  for (const [style, offset] of Object.entries(madeOn)) {
    const retry = await second.emitWithAck('chat message', `tutorial ${style}`, offset);
    const original = firstAcks.get(style);
    assert.ok(retry.ok && original?.ok, style);
    if (style === 'other') {
      assert.equal(retry.data.duplicate, false, 'an offset without an issued id is the sender’s own: another guest’s is a new message');
    } else {
      assert.deepEqual(retry.data, { serverOffset: original.data.serverOffset, duplicate: true }, style);
    }
  }
  const roomRetry = await roomSecond.emitWithAck('message:send', { roomId: GENERAL_ROOM_ID, text: 'room protocol', clientId: roomClientId });
  assert.ok(roomRetry.ok && roomFirstAck.ok);
  assert.deepEqual(roomRetry.data, { serverOffset: roomFirstAck.data.serverOffset, duplicate: true }, 'message:send');
  const roomOther = await roomSecond.emitWithAck('message:send', { roomId: GENERAL_ROOM_ID, text: 'room other', clientId: 'retry-0' });
  assert.ok(roomOther.ok && roomOtherAck.ok);
  assert.equal(roomOther.data.duplicate, false, "a clientId without an issued id is the user's own");
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IssuedIds } from '../../src/auth/issued-ids.js';
import { idempotencyKey, roomEventKey } from '../../src/delivery/idempotency.js';
import { TEST_SESSION_SECRET } from '../helpers/session-cookies.js';

const ids = new IssuedIds(TEST_SESSION_SECRET);

test("an issued id's offsets are the same message from any sender; any other offset is its sender's alone", () => {
  const id = ids.socketId();
  const isIssued = ids.isIssued;
  // A retry after a restart: the same offset, a new connection (so a new sender and guest).
  assert.equal(idempotencyKey('socket:first', `${id}-7`, 'hi', isIssued), idempotencyKey('socket:second', `${id}-7`, 'hi', isIssued));
  assert.notEqual(idempotencyKey('socket:first', `${id}-7`, 'hi', isIssued), idempotencyKey('socket:first', `${id}-8`, 'hi', isIssued));
  assert.notEqual(idempotencyKey('socket:first', `${id}-7`, 'hi', isIssued), idempotencyKey('socket:first', `${id}-7`, 'hello', isIssued));
  // The tutorial's client while disconnected, and ids nobody was issued: never merged across senders.
  for (const offset of ['undefined-0', 'AAAAAAAAAAAAAAAAAAAA-0', `${id.slice(0, -1)}x-0`, '0b9f5c1e-3b43-4f6f-9d1c-3f5a7b1c2d4e']) {
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

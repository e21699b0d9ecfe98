import assert from 'node:assert/strict';
import { test } from 'node:test';
import { draftOf } from '../../src/delivery/drafts.js';
import { idempotencyKey, roomEventKey } from '../../src/delivery/idempotency.js';

const isIssued = (id: string): boolean => id === 'issued';

test('a tutorial chat message is keyed by its clientOffset, scoped by the sender; without an offset it has no key', () => {
  const retry = { by: 'tutorial', senderKey: 'socket:a', clientOffset: 'issued-3', isIssued } as const;
  const draft = draftOf({ roomId: 1, text: 'hi', author: 'ann', authorId: 'g:ann', retry });
  assert.deepEqual(draft, { roomId: 1, kind: 'message', text: 'hi', target: null, author: 'ann', authorId: 'g:ann', idempotencyKey: idempotencyKey('socket:a', 'issued-3', 'hi', isIssued) });
  assert.equal(draftOf({ roomId: 1, text: 'hi', author: 'ann', authorId: 'g:ann', retry: { ...retry, clientOffset: undefined } }).idempotencyKey, null);
});

test('a room-protocol event is keyed by its clientId, scoped by its user, and carries the clientId', () => {
  const draft = draftOf({ roomId: 2, kind: 'edit', text: 'new', target: 5, author: 'bob', authorId: 'a:1', retry: { by: 'room-protocol', clientId: 'c-1', isIssued } });
  assert.deepEqual(draft, { roomId: 2, kind: 'edit', text: 'new', target: 5, author: 'bob', authorId: 'a:1', clientId: 'c-1', idempotencyKey: roomEventKey('a:1', 'c-1', isIssued) });
});

test("an operator's message has no key: it is stored each time", () => {
  const draft = draftOf({ roomId: 3, kind: 'delete', target: 9, text: '', author: 'root', authorId: 'a:0', retry: { by: 'none' } });
  assert.deepEqual(draft, { roomId: 3, kind: 'delete', text: '', target: 9, author: 'root', authorId: 'a:0', idempotencyKey: null });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXPORT_PAGE } from '../../src/store/exports.js';
import type { MessageDraft } from '../../src/store/store.js';
import { freshStores, type HarnessFactory } from './harness.js';

const draft = (roomId: number, authorId: string, text: string, extra: Partial<MessageDraft> = {}): MessageDraft => ({
  roomId,
  authorId,
  author: authorId,
  text,
  idempotencyKey: null,
  ...extra,
});

const audit = (action: string) => ({ at: Date.now(), actor: 'a:1', actorName: 'root', action, target: null, roomId: null, detail: '' });

/**
 * The export part of the Store contract (src/store/exports.ts) and the outbox's discard:
 * keyset pages that cross page boundaries without a gap or a repeat, an author's events in
 * every room and nobody else's, tombstones as stored, accounts without secrets. Called by
 * `storeContract`.
 */
export function exportsContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const inFreshStore = freshStores(factory);

  describe(`Store contract, exports: ${name}`, () => {
    test("an author's events across rooms, by room then offset, paged without gaps; nobody else's; a deleted one a tombstone", { skip }, () =>
      inFreshStore(async ({ store, general }) => {
        const other = await store.rooms.createRoom('second', { userId: 'a:7', name: 'a:7' });
        assert.ok(other);
        const expected: [number, number][] = [];
        for (const roomId of [general, other.id]) {
          for (let index = 0; index < 5; index += 1) {
            const mine = await store.appendMessage(draft(roomId, 'a:7', `mine ${roomId}-${index}`));
            expected.push([roomId, mine.message.offset]);
            await store.appendMessage(draft(roomId, 'a:8', `theirs ${roomId}-${index}`));
          }
        }
        const deleted = expected[1];
        assert.ok(deleted);
        const deletion = await store.appendMessage(draft(deleted[0], 'a:7', '', { kind: 'delete', target: deleted[1] }));
        expected.push([deleted[0], deletion.message.offset]);
        expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

        const seen: [number, number][] = [];
        const texts = new Map<string, string>();
        for (let after: { roomId: number; offset: number } | null = null; ; ) {
          const page = await store.exports.eventsByAuthor('a:7', ['message', 'delete'], after, 3);
          const last = page.at(-1);
          if (!last) break;
          assert.ok(page.length <= 3);
          for (const message of page) {
            assert.equal(message.authorId, 'a:7');
            seen.push([message.roomId, message.offset]);
            texts.set(`${message.roomId}-${message.offset}`, message.text);
          }
          after = { roomId: last.roomId, offset: last.offset };
        }
        assert.deepEqual(seen, expected);
        assert.equal(texts.get(`${deleted[0]}-${deleted[1]}`), '', 'the deleted message is a tombstone');
        const tombstone = (await store.exports.eventsByAuthor('a:7', ['message'], { roomId: deleted[0], offset: deleted[1] - 1 }, 1))[0];
        assert.ok(tombstone?.redacted, 'with its redaction');
        assert.deepEqual(await store.exports.eventsByAuthor('a:nobody', ['message', 'delete'], null, EXPORT_PAGE), []);
      }),
    );

    test("an author's events narrowed to some kinds; each message with when it was last edited", { skip }, () =>
      inFreshStore(async ({ store, general }) => {
        const edited = (await store.appendMessage(draft(general, 'a:7', 'first words'))).message.offset;
        const plain = (await store.appendMessage(draft(general, 'a:7', 'never edited'))).message.offset;
        await store.appendMessage(draft(general, 'a:7', 'second words', { kind: 'edit', target: edited }));
        const latest = (await store.appendMessage(draft(general, 'a:7', 'third words', { kind: 'edit', target: edited }))).message;
        const pin = (await store.appendMessage(draft(general, 'a:7', '', { kind: 'pin', target: plain }))).message.offset;
        const unpin = (await store.appendMessage(draft(general, 'a:7', '', { kind: 'unpin', target: plain }))).message.offset;
        await store.appendMessage(draft(general, 'a:8', '', { kind: 'pin', target: edited }));

        const messages = await store.exports.eventsByAuthor('a:7', ['message'], null, EXPORT_PAGE);
        assert.deepEqual(
          messages.map((message) => [message.offset, message.text, message.editedAt]),
          [
            [edited, 'third words', latest.createdAt],
            [plain, 'never edited', null],
          ],
        );
        const edits = await store.exports.eventsByAuthor('a:7', ['edit'], null, EXPORT_PAGE);
        assert.deepEqual(
          edits.map((edit) => [edit.target, edit.text, edit.editedAt, Boolean(edit.redacted)]),
          [
            [edited, '', null, true],
            [edited, 'third words', null, false],
          ],
          'the replaced edit a tombstone',
        );
        const pins = await store.exports.eventsByAuthor('a:7', ['pin', 'unpin'], null, 1);
        assert.deepEqual(pins.map((event) => [event.offset, event.kind]), [[pin, 'pin']], 'paged within the kinds');
        const rest = await store.exports.eventsByAuthor('a:7', ['pin', 'unpin'], { roomId: general, offset: pin }, EXPORT_PAGE);
        assert.deepEqual(rest.map((event) => [event.offset, event.kind]), [[unpin, 'unpin']], "and not a:8's pin");
      }),
    );

    test('accounts, rooms and memberships in keyset pages; an account without its hash', { skip }, () =>
      inFreshStore(async ({ store, general }) => {
        for (const username of ['ann', 'ben', 'cat']) await store.accounts.createAccount({ username, passwordHash: 'scrypt$secret-hash' }, Date.now());
        const accounts = [...(await store.exports.accountsAfter(0, 2)), ...(await store.exports.accountsAfter(2, 2))];
        assert.deepEqual(
          accounts.map((account) => account.username),
          ['ann', 'ben', 'cat'],
        );
        for (const account of accounts) assert.deepEqual(Object.keys(account).sort(), ['createdAt', 'id', 'role', 'username']);
        assert.equal((await store.exports.exportedAccount(Number(accounts[0]?.id.slice(2))))?.username, 'ann');
        assert.equal(await store.exports.exportedAccount(999_999), undefined);

        // Its creator is its first member.
        const second = await store.rooms.createRoom('second', { userId: 'a:1', name: 'a:1' });
        assert.ok(second);
        const rooms = await store.exports.roomsAfter(0, 10);
        assert.deepEqual(
          rooms.map((room) => [room.id, room.name]),
          [
            [general, 'general'],
            [second.id, 'second'],
          ],
        );
        for (const [roomId, userId] of [
          [general, 'a:1'],
          [general, 'a:2'],
        ] as const) {
          await store.rooms.addMember(roomId, { userId, name: userId });
        }
        const first = await store.exports.membershipsAfter(null, 2);
        const rest = await store.exports.membershipsAfter({ roomId: first[1]?.roomId ?? 0, userId: first[1]?.userId ?? '' }, 2);
        assert.deepEqual(
          [...first, ...rest].map((member) => [member.roomId, member.userId]),
          [
            [general, 'a:1'],
            [general, 'a:2'],
            [second.id, 'a:1'],
          ],
        );
        const mine = await store.exports.membershipsAfter(null, 10, 'a:1');
        assert.deepEqual(
          mine.map((member) => [member.roomName, member.userId]),
          [
            ['general', 'a:1'],
            ['second', 'a:1'],
          ],
        );
      }),
    );

    test('a parked delivery is discarded once, with its audit entry; an unparked one is not', { skip }, () =>
      inFreshStore(async ({ store, general }) => {
        const hook = await store.outbox.createOutgoing(
          { roomId: general, name: 'echo', url: 'https://example.com/', triggerWords: [], secret: 's', createdAt: Date.now(), createdBy: 'a:1' },
          audit('outgoing-create'),
        );
        // After the hook: it delivers what is stored past the room's head when it was made.
        const offset = (await store.appendMessage(draft(general, 'a:1', 'to deliver'))).message.offset;
        await store.outbox.enqueue(hook.id, hook.enqueuedThrough, offset, [offset], Date.now());
        const [delivery] = await store.outbox.claim(Date.now() + 1000, 10_000, 10);
        assert.ok(delivery);
        assert.equal(await store.outbox.discardParked(delivery.id, audit('delivery-discard')), false, 'not parked yet');
        await store.outbox.failed(delivery.id, { error: 'down', nextAttemptAt: null, at: Date.now() });
        assert.equal((await store.outbox.parked()).length, 1);
        assert.equal(await store.outbox.discardParked(delivery.id, audit('delivery-discard')), true);
        assert.deepEqual(await store.outbox.parked(), []);
        assert.equal(await store.outbox.discardParked(delivery.id, audit('delivery-discard')), false, 'gone');
        assert.equal(await store.outbox.retryParked(delivery.id, Date.now(), audit('delivery-retry')), false);
        const entries = await store.moderation.auditLog(null, 10);
        assert.equal(entries.filter((entry) => entry.action === 'delivery-discard').length, 1);
      }),
    );
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_ROOM,
  StoreUnavailableError,
  UnknownRoomError,
  UnstorableDraftError,
  type AppendResult,
  type MessageDraft,
  type Store,
} from '../../src/store/store.js';
import { accountsContract } from './accounts-contract.js';
import { moderationContract } from './moderation-contract.js';
import { integrationsContract } from './integrations-contract.js';
import { roomsContract } from './rooms-contract.js';
import { searchContract } from './search-contract.js';
import { mentionsContract } from './mentions-contract.js';
import { redactionContract } from './redaction-contract.js';
import { threadsContract } from './threads-contract.js';
import { ssoContract } from './sso-contract.js';
import { commandsContract } from './commands-contract.js';
import { pinsContract } from './pins-contract.js';
import { exportsContract } from './exports-contract.js';
import { freshStores, type HarnessFactory } from './harness.js';


/** A room id no backend hands out in a fresh database. */
const MISSING_ROOM = 999_999;

const draft = (roomId: number, text: string, idempotencyKey: string | null = null): MessageDraft => ({
  roomId,
  author: 'alice',
  text,
  idempotencyKey,
});

const offsets = (results: readonly AppendResult[]): number[] => results.map((result) => result.message.offset);
const oneTo = (count: number): number[] => Array.from({ length: count }, (_, index) => index + 1);

/**
 * The Store contract: what every backend promises the chat and delivery layers. Registers
 * node:test tests under `name`; each test gets a fresh database from `factory` and closes
 * everything it opened. Pass `skip` (a reason) to register every test as skipped, so the count shows them.
 */
export function storeContract(name: string, factory: HarnessFactory, skip: string | false = false): void {
  const withStore = freshStores(factory);

  describe(`Store contract: ${name}`, () => {
    test('the general room exists, empty, and unknown names find nothing', { skip }, () =>
      withStore(async ({ store, general }) => {
        assert.deepEqual(await store.roomByName(DEFAULT_ROOM), { id: general, name: DEFAULT_ROOM });
        assert.equal(await store.roomHead(general), 0);
        assert.equal(await store.roomByName('no-such-room'), undefined);
        assert.deepEqual(await store.messagesAfter(general, 0, 10), []);
      }));

    test('offsets start at 1 in every room and grow by one', { skip }, () =>
      withStore(async ({ store, harness, general }) => {
        const second = await harness.addRoom('second');
        const inGeneral = [await store.appendMessage(draft(general, 'a')), await store.appendMessage(draft(general, 'b'))];
        const inSecond = [await store.appendMessage(draft(second, 'x'))];
        inGeneral.push(await store.appendMessage(draft(general, 'c')));
        assert.deepEqual(offsets(inGeneral), [1, 2, 3]);
        assert.deepEqual(offsets(inSecond), [1]);
        const stored = await store.messagesAfter(general, 0, 10);
        assert.deepEqual(
          stored.map((message) => [message.offset, message.text, message.author, message.roomId]),
          [
            [1, 'a', 'alice', general],
            [2, 'b', 'alice', general],
            [3, 'c', 'alice', general],
          ],
        );
        for (const message of stored) assert.ok(Math.abs(message.createdAt - Date.now()) < 60_000, 'createdAt is milliseconds since the epoch');
      }));

    test('hundreds of concurrent appends across rooms get gap-free offsets in submission order', { skip }, () =>
      withStore(async ({ store, harness, general }) => {
        const rooms = [general, await harness.addRoom('second'), await harness.addRoom('third')];
        const drafts = Array.from({ length: 600 }, (_, index) => {
          const roomId = rooms[index % rooms.length] ?? general;
          return draft(roomId, `message ${index}`, index % 2 === 0 ? `key-${index}` : null);
        });
        const results = await Promise.all(drafts.map((each) => store.appendMessage(each)));
        for (const roomId of rooms) {
          const inRoom = results.filter((result) => result.message.roomId === roomId);
          // One process submits in order, so commit order is submission order.
          assert.deepEqual(offsets(inRoom), oneTo(200), `room ${roomId}: offsets follow submission order`);
          assert.equal(await store.roomHead(roomId), 200);
          const stored = await store.messagesAfter(roomId, 0, 1000);
          assert.deepEqual(
            stored.map((message) => [message.offset, message.text]),
            inRoom.map((result) => [result.message.offset, result.message.text]),
          );
        }
        assert.ok(results.every((result) => !result.duplicate));
      }));

    test('an acknowledged offset N means offsets 1..N are committed, with two stores writing one room', { skip }, () =>
      withStore(async ({ store, open, general }) => {
        const other = await open();
        const violations: string[] = [];
        const appendAndCheck = async (writer: Store, text: string): Promise<number> => {
          const { message } = await writer.appendMessage(draft(general, text));
          const visible = await store.messagesAfter(general, 0, message.offset);
          if (visible.length !== message.offset || visible.at(-1)?.offset !== message.offset) {
            violations.push(`acked ${message.offset} but saw ${visible.length} messages`);
          }
          return message.offset;
        };
        const acked = await Promise.all(
          Array.from({ length: 300 }, (_, index) => appendAndCheck(index % 2 === 0 ? store : other, `m${index}`)),
        );
        assert.deepEqual(violations, []);
        assert.deepEqual([...acked].sort((a, b) => a - b), oneTo(300));
      }));

    test('a repeated idempotency key is stored once and answered with the first message', { skip }, () =>
      withStore(async ({ store, general }) => {
        const first = await store.appendMessage(draft(general, 'hello', 'k1'));
        const again = await store.appendMessage(draft(general, 'hello, edited', 'k1'));
        assert.equal(first.duplicate, false);
        assert.equal(again.duplicate, true);
        assert.equal(again.message.offset, first.message.offset);
        assert.equal(again.message.text, 'hello');
        assert.equal(await store.roomHead(general), 1);
        assert.equal((await store.appendMessage(draft(general, 'next', 'k2'))).message.offset, 2);
      }));

    test('two identical keys inside one batch are stored once', { skip }, () =>
      withStore(async ({ store, general }) => {
        // Submitted in the same turn of the event loop: they land in one group-commit batch.
        const [first, second, third] = await Promise.all([
          store.appendMessage(draft(general, 'one', 'same')),
          store.appendMessage(draft(general, 'two', 'same')),
          store.appendMessage(draft(general, 'other', 'different')),
        ]);
        assert.equal(first.duplicate, false);
        assert.equal(second.duplicate, true);
        assert.deepEqual(second.message, first.message);
        assert.equal(third.message.offset, 2);
        assert.equal(await store.roomHead(general), 2);
      }));

    test('two stores racing with the same keys store each key once and agree on its offset', { skip }, () =>
      withStore(async ({ store, open, general }) => {
        const other = await open();
        const keys = Array.from({ length: 200 }, (_, index) => `race-${index}`);
        const [mine, theirs] = await Promise.all(
          [store, other].map((writer) => Promise.all(keys.map((key) => writer.appendMessage(draft(general, key, key))))),
        );
        assert.ok(mine && theirs);
        keys.forEach((key, index) => {
          const [a, b] = [mine[index], theirs[index]];
          assert.equal(a?.message.offset, b?.message.offset, `${key}: one offset`);
          assert.equal(Number(a?.duplicate) + Number(b?.duplicate), 1, `${key}: stored by exactly one store`);
        });
        assert.equal(await store.roomHead(general), 200);
        const stored = await store.messagesAfter(general, 0, 1000);
        assert.deepEqual([...new Set(stored.map((message) => message.text))].sort(), [...keys].sort());
      }));

    test('the same key in another room is a different message', { skip }, () =>
      withStore(async ({ store, harness, general }) => {
        const second = await harness.addRoom('second');
        await store.appendMessage(draft(general, 'filler'));
        const inGeneral = await store.appendMessage(draft(general, 'hi', 'shared-key'));
        const inSecond = await store.appendMessage(draft(second, 'hi', 'shared-key'));
        assert.equal(inGeneral.duplicate, false);
        assert.equal(inSecond.duplicate, false);
        assert.equal(inGeneral.message.offset, 2);
        assert.equal(inSecond.message.offset, 1);
        assert.equal(inSecond.message.roomId, second);
      }));

    test('a null key never dedupes', { skip }, () =>
      withStore(async ({ store, general }) => {
        const results = [
          await store.appendMessage(draft(general, 'same')),
          ...(await Promise.all([store.appendMessage(draft(general, 'same')), store.appendMessage(draft(general, 'same'))])),
        ];
        assert.deepEqual(offsets(results), [1, 2, 3]);
        assert.ok(results.every((result) => !result.duplicate));
      }));

    test('messagesAfter pages by limit and returns nothing after the head', { skip }, () =>
      withStore(async ({ store, general }) => {
        await Promise.all(Array.from({ length: 25 }, (_, index) => store.appendMessage(draft(general, `m${index + 1}`))));
        const pages: number[][] = [];
        for (let after = 0, guard = 0; guard < 10; guard++) {
          const page = await store.messagesAfter(general, after, 10);
          if (page.length === 0) break;
          pages.push(page.map((message) => message.offset));
          after = page.at(-1)?.offset ?? after;
        }
        assert.deepEqual(pages, [oneTo(10), oneTo(10).map((n) => n + 10), [21, 22, 23, 24, 25]]);
        assert.deepEqual(await store.messagesAfter(general, 25, 10), []);
        assert.deepEqual(await store.messagesAfter(general, 1000, 10), []);
        assert.deepEqual((await store.messagesAfter(general, 24, 10)).map((message) => message.text), ['m25']);
      }));

    test('roomHead follows appends and rejects an unknown room', { skip }, () =>
      withStore(async ({ store, general }) => {
        assert.equal(await store.roomHead(general), 0);
        await store.appendMessage(draft(general, 'a'));
        await store.appendMessage(draft(general, 'b'));
        assert.equal(await store.roomHead(general), 2);
        await assert.rejects(store.roomHead(MISSING_ROOM), UnknownRoomError);
      }));

    test('an unknown room fails its own append only, not the rest of the batch', { skip }, () =>
      withStore(async ({ store, general }) => {
        const [before, missing, after] = await Promise.allSettled([
          store.appendMessage(draft(general, 'before', 'b')),
          store.appendMessage(draft(MISSING_ROOM, 'lost', 'm')),
          store.appendMessage(draft(general, 'after')),
        ]);
        assert.equal(before.status === 'fulfilled' && before.value.message.offset, 1);
        assert.ok(missing.status === 'rejected' && missing.reason instanceof UnknownRoomError, 'UnknownRoomError');
        assert.equal(after.status === 'fulfilled' && after.value.message.offset, 2);
        assert.equal(await store.roomHead(general), 2);
      }));

    test('messages, heads and keys survive close and reopen', { skip }, () =>
      withStore(async ({ store, open, general }) => {
        await Promise.all(Array.from({ length: 10 }, (_, index) => store.appendMessage(draft(general, `m${index + 1}`, `k${index + 1}`))));
        await store.close();
        const reopened = await open();
        assert.equal(await reopened.roomHead(general), 10);
        assert.deepEqual(
          (await reopened.messagesAfter(general, 0, 100)).map((message) => message.text),
          oneTo(10).map((n) => `m${n}`),
        );
        const repeat = await reopened.appendMessage(draft(general, 'again', 'k3'));
        assert.deepEqual([repeat.duplicate, repeat.message.offset, repeat.message.text], [true, 3, 'm3']);
        assert.equal((await reopened.appendMessage(draft(general, 'm11'))).message.offset, 11);
      }));

    test('close waits for pending appends, is idempotent, and later calls are refused as unavailable', { skip }, () =>
      withStore(async ({ store, open, general }) => {
        const pending = Array.from({ length: 50 }, (_, index) => store.appendMessage(draft(general, `m${index}`)));
        let settled = 0;
        for (const append of pending) void append.then(() => settled++, () => undefined);
        await Promise.all([store.close(), store.close()]);
        assert.equal(settled, 50, 'every pending append resolved before close did');
        await store.close();
        await assert.rejects(store.appendMessage(draft(general, 'too late')), StoreUnavailableError);
        await assert.rejects(store.messagesAfter(general, 0, 10), StoreUnavailableError);
        await assert.rejects(store.roomHead(general), StoreUnavailableError);
        await assert.rejects(store.roomByName(DEFAULT_ROOM), StoreUnavailableError);
        const reopened = await open();
        assert.equal(await reopened.roomHead(general), 50);
      }));

    test('text and authors are stored exactly', { skip }, () =>
      withStore(async ({ store, general }) => {
        const text = 'héllo 👋 \'quotes\' "double" \\ back\nnew line; DROP TABLE messages; --';
        const long = 'x'.repeat(100_000);
        await store.appendMessage({ roomId: general, author: 'Zoë', text, idempotencyKey: "it's a key" });
        await store.appendMessage(draft(general, long));
        const [first, second] = await store.messagesAfter(general, 0, 10);
        assert.equal(first?.text, text);
        assert.equal(first?.author, 'Zoë');
        assert.equal(second?.text, long);
      }));

    test('a draft holding what either backend cannot store is refused alone, on every backend', { skip }, () =>
      withStore(async ({ store, general }) => {
        // NUL: PostgreSQL text cannot hold it. A lone surrogate: neither backend keeps it
        // (both would store U+FFFD instead). Each reaches the database through another field.
        const bad = new Set<MessageDraft>();
        const unstorable = (each: MessageDraft): MessageDraft => {
          bad.add(each);
          return each;
        };
        const batch = [
          draft(general, 'm1', 'k1'),
          unstorable({ ...draft(general, 'nul in clientId'), clientId: 'c\u0000' }),
          unstorable({ ...draft(general, 'nul in authorId'), authorId: 'g:\u0000' }),
          draft(general, 'm2'),
          unstorable(draft(general, 'half a pair \ud83d', 'k')),
          unstorable({ ...draft(general, 'nul in author'), author: 'al\u0000ice' }),
          draft(general, 'm3', 'k3'),
          unstorable(draft(general, 'nul\u0000in text', 'nul\u0000key')),
        ];
        const results = await Promise.allSettled(batch.map((each) => store.appendMessage(each)));
        batch.forEach((each, index) => {
          const result = results[index];
          if (!bad.has(each)) return assert.equal(result?.status, 'fulfilled', `draft ${index} is stored`);
          assert.ok(
            result?.status === 'rejected' && result.reason instanceof UnstorableDraftError,
            `draft ${index} is refused as unstorable: ${String(result?.status === 'rejected' ? result.reason : 'it was stored')}`,
          );
        });
        const stored = await store.messagesAfter(general, 0, 10);
        assert.deepEqual(
          stored.map((message) => [message.offset, message.text]),
          [[1, 'm1'], [2, 'm2'], [3, 'm3']],
          'the others stored once each, in order, with no gap',
        );
      }));

    test('a draft the database refuses inside the transaction fails alone; its batch is stored in order', { skip }, () =>
      withStore(async ({ store, harness, general }) => {
        await harness.refuseText('poison');
        const batch = [
          draft(general, 'm1', 'k1'),
          draft(general, 'm2'),
          draft(general, 'm3', 'k3'),
          draft(general, 'poison', 'kp'),
          draft(general, 'm4'),
          draft(general, 'm5', 'k5'),
          draft(general, 'm1 again', 'k1'),
          draft(general, 'm6'),
          draft(general, 'poison'),
          draft(general, 'm7'),
        ];
        const results = await Promise.allSettled(batch.map((each) => store.appendMessage(each)));
        const poisoned = results[3];
        assert.ok(
          poisoned?.status === 'rejected' && poisoned.reason instanceof UnstorableDraftError,
          `the refused draft fails as unstorable, not unavailable: ${String(poisoned?.status === 'rejected' ? poisoned.reason : 'stored')}`,
        );
        const answers = results.map((result) => (result.status === 'fulfilled' ? [result.value.message.offset, result.value.duplicate] : 'failed'));
        assert.deepEqual(answers, [[1, false], [2, false], [3, false], 'failed', [4, false], [5, false], [1, true], [6, false], 'failed', [7, false]]);
        const stored = await store.messagesAfter(general, 0, 20);
        assert.deepEqual(
          stored.map((message) => message.text),
          ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'],
        );
        assert.equal((await store.appendMessage(draft(general, 'next'))).message.offset, 8);
      }));
  });
  accountsContract(name, factory, skip);
  roomsContract(name, factory, skip);
  moderationContract(name, factory, skip);
  integrationsContract(name, factory, skip);
  searchContract(name, factory, skip);
  mentionsContract(name, factory, skip);
  redactionContract(name, factory, skip);
  threadsContract(name, factory, skip);
  ssoContract(name, factory, skip);
  commandsContract(name, factory, skip);
  pinsContract(name, factory, skip);
  exportsContract(name, factory, skip);
}

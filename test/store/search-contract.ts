import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { searchTerms, type SearchPage } from '../../src/store/search.js';
import { DEFAULT_ROOM, type MessageDraft, type Store } from '../../src/store/store.js';
import { freshStores, type HarnessFactory } from './harness.js';


const draft = (roomId: number, text: string, extra: Partial<MessageDraft> = {}): MessageDraft => ({
  roomId,
  author: 'alice',
  authorId: 'g:alice',
  text,
  idempotencyKey: null,
  ...extra,
});

const texts = (page: SearchPage): string[] => page.hits.map((hit) => hit.message.text);

/**
 * The search part of the Store contract (src/store/search.ts): what is found, in which
 * order, for whom, and that edits and deletions keep the index true. Called by
 * `storeContract`, so every backend runs it.
 */
export function searchContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);
  const search = (store: Store, text: string, userId = 'g:reader', limit = 20, before?: number) =>
    store.search.searchMessages({ userId, terms: searchTerms(text), limit, ...(before === undefined ? {} : { before }) });

  describe(`Store contract, search: ${name}`, () => {
    test('every word must match, as a word or the start of one, in any letter case; newest first', { skip }, () =>
      withStore(async ({ store, general }) => {
        await store.appendMessage(draft(general, 'The deploy failed at noon'));
        await store.appendMessage(draft(general, 'lunch at noon?'));
        await store.appendMessage(draft(general, 'Deployment finished'));
        assert.deepEqual(texts(await search(store, 'deploy')), ['Deployment finished', 'The deploy failed at noon']);
        assert.deepEqual(texts(await search(store, 'NOON deploy')), ['The deploy failed at noon']);
        assert.deepEqual(texts(await search(store, 'noo')), ['lunch at noon?', 'The deploy failed at noon']);
        assert.deepEqual(texts(await search(store, 'nothing')), []);
        assert.deepEqual(texts(await search(store, ' ?! ')), [], 'no words, no results');
        const [hit] = (await search(store, 'lunch')).hits;
        assert.equal(hit?.roomName, DEFAULT_ROOM);
        assert.equal(hit?.message.offset, 2);
        assert.equal(hit?.message.kind, 'message');
      }));

    test("what a query language would read as operators is only words: quotes, stars, & | ! : ( ) find nothing odd", { skip }, () =>
      withStore(async ({ store, general }) => {
        await store.appendMessage(draft(general, 'alpha beta'));
        for (const hostile of ['"alpha', 'alpha* OR beta', 'alpha & !beta', 'alpha:* | (beta)', "al'pha", 'NEAR(alpha beta)', '-beta']) {
          const page = await search(store, hostile);
          assert.ok(page.hits.length <= 1, `${hostile} answered`);
        }
        assert.deepEqual(texts(await search(store, 'alpha & !beta')), ['alpha beta'], 'the words are alpha and beta, both present');
      }));

    test('edits are found by their new text only; deleted messages are not found', { skip }, () =>
      withStore(async ({ store, general, open }) => {
        const first = await store.appendMessage(draft(general, 'colour of the sky'));
        const second = await store.appendMessage(draft(general, 'remove this secret'));
        await store.appendMessage(draft(general, 'color of the sea', { kind: 'edit', target: first.message.offset }));
        await store.appendMessage(draft(general, '', { kind: 'delete', target: second.message.offset }));
        assert.deepEqual(texts(await search(store, 'colour')), []);
        const [edited] = (await search(store, 'color')).hits;
        assert.equal(edited?.message.text, 'color of the sea');
        assert.equal(edited?.message.offset, first.message.offset, 'the hit is the message, not the edit');
        assert.deepEqual(texts(await search(store, 'secret')), []);
        assert.deepEqual(texts(await search(await open(), 'color')), ['color of the sea'], 'another process finds the same');
      }));

    test("direct rooms are searched by their members only; public rooms by everyone", { skip }, () =>
      withStore(async ({ store }) => {
        const dm = await store.rooms.openDirectRoom({ userId: 'g:ann', name: 'ann' }, { userId: 'a:9', name: 'bo' });
        const open = await store.rooms.createRoom('plaza', { userId: 'g:ann', name: 'ann' });
        assert.ok(open);
        await store.appendMessage(draft(dm.id, 'whisper password'));
        await store.appendMessage(draft(open.id, 'shout password'));
        assert.deepEqual(texts(await search(store, 'password', 'g:ann')), ['shout password', 'whisper password']);
        assert.deepEqual(texts(await search(store, 'password', 'a:9')), ['shout password', 'whisper password']);
        assert.deepEqual(texts(await search(store, 'password', 'g:eve')), ['shout password'], "never another user's direct room");
      }));

    test('pages follow `next` through every hit once, newest first', { skip }, () =>
      withStore(async ({ store, general }) => {
        await Promise.all(Array.from({ length: 23 }, (_, i) => store.appendMessage(draft(general, `report number ${i}`))));
        const seen: number[] = [];
        let before: number | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await search(store, 'report', 'g:reader', 5, before);
          seen.push(...page.hits.map((hit) => hit.message.offset));
          if (page.next === null) break;
          before = page.next;
        }
        assert.deepEqual(seen, Array.from({ length: 23 }, (_, i) => 23 - i));
      }));
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageDraft, StoredMessage } from '../../src/store/store.js';
import { freshStores, type HarnessFactory } from './harness.js';


const draft = (roomId: number, text: string, extra: Partial<MessageDraft> = {}): MessageDraft => ({
  roomId,
  author: 'alice',
  authorId: 'a:1',
  text,
  idempotencyKey: null,
  ...extra,
});

/** What a read serves of each event: offset, kind, text and who erased it. */
const served = (messages: readonly StoredMessage[]) =>
  messages.map((message) => ({ offset: message.offset, kind: message.kind, text: message.text, erasedBy: message.redacted?.byId ?? null }));

/**
 * Redaction (Store.appendMessage): a deletion erases, in its own transaction, the text of
 * its message, of the message's edits and reactions, the message's mentions and its search
 * entry; an edit leaves no earlier text behind. Checked through the Store and straight in
 * the database. Called by `storeContract`, so every backend runs it.
 */
export function redactionContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);

  describe(`Store contract, redaction: ${name}`, () => {
    test('a deletion erases the message, its edits, its reactions, its mentions and its search entry', { skip }, () =>
      withStore(async ({ harness, store, general }) => {
        await store.rooms.addMember(general, { userId: 'a:2', name: 'bob' });
        const secret = (await store.appendMessage(draft(general, 'my password is hunter2 @bob', { idempotencyKey: 'send-1' }))).message;
        assert.deepEqual(await store.mentions.recordMentions(general, secret.offset, ['bob'], 'a:1'), ['a:2']);
        await store.appendMessage(draft(general, 'my password is hunter3', { kind: 'edit', target: secret.offset }));
        await store.appendMessage(draft(general, '🙈', { kind: 'react', target: secret.offset, author: 'bob', authorId: 'a:2' }));
        const kept = (await store.appendMessage(draft(general, 'nothing to hide'))).message;
        const deletion = (await store.appendMessage(draft(general, '', { kind: 'delete', target: secret.offset, author: 'mod', authorId: 'a:9' }))).message;

        const expected = [
          { offset: 1, kind: 'message', text: '', erasedBy: 'a:9' },
          { offset: 2, kind: 'edit', text: '', erasedBy: 'a:9' },
          { offset: 3, kind: 'react', text: '', erasedBy: 'a:9' },
          { offset: 4, kind: 'message', text: 'nothing to hide', erasedBy: null },
          { offset: 5, kind: 'delete', text: '', erasedBy: null },
        ];
        assert.deepEqual(served(await store.messagesAfter(general, 0, 10)), expected);
        assert.deepEqual(served(await store.rooms.messagesBefore(general, 10, 10)), expected);
        const [tombstone] = await store.messagesAfter(general, 0, 1);
        assert.deepEqual(tombstone?.redacted, { by: 'mod', byId: 'a:9', at: deletion.createdAt }, 'the tombstone says who deleted it and when');
        assert.equal(tombstone?.author, 'alice', 'and keeps who wrote it');
        assert.equal(kept.text, 'nothing to hide');

        for (const word of ['hunter2', 'hunter3', '🙈']) assert.deepEqual(await harness.tablesHolding(word), [], `no table holds ${word}`);
        assert.equal(await harness.mentionRows(general, secret.offset), 0, 'its mentions are gone');
        assert.equal((await store.rooms.roomListing(general, 'a:2'))?.mentions, 0);
        assert.equal(await store.rooms.liveMessage(general, secret.offset), undefined);
        assert.deepEqual((await store.search.searchMessages({ terms: ['hunter2'], userId: 'a:2', limit: 10 })).hits, []);

        // A retry of the deleted message finds its tombstone, and records no mention again.
        const retry = await store.appendMessage(draft(general, 'my password is hunter2 @bob', { idempotencyKey: 'send-1' }));
        assert.equal(retry.duplicate, true);
        assert.equal(retry.message.text, '');
        assert.deepEqual(await store.mentions.recordMentions(general, secret.offset, ['bob'], 'a:1'), []);
        assert.equal(await harness.mentionRows(general, secret.offset), 0);
        assert.deepEqual(await harness.tablesHolding('hunter2'), []);
      }));

    test('an edit leaves no earlier text: the message reads as its latest edit, an edit replaced is erased', { skip }, () =>
      withStore(async ({ harness, store, general }) => {
        const message = (await store.appendMessage(draft(general, 'first draft'))).message;
        const second = (await store.appendMessage(draft(general, 'second draft', { kind: 'edit', target: message.offset }))).message;
        await store.appendMessage(draft(general, 'final words', { kind: 'edit', target: message.offset, author: 'alice2', authorId: 'a:1' }));
        const events = await store.messagesAfter(general, 0, 10);
        assert.deepEqual(served(events), [
          { offset: 1, kind: 'message', text: 'final words', erasedBy: null },
          { offset: 2, kind: 'edit', text: '', erasedBy: 'a:1' },
          { offset: 3, kind: 'edit', text: 'final words', erasedBy: null },
        ]);
        assert.ok((events[1]?.redacted?.at ?? 0) >= second.createdAt);
        for (const earlier of ['first draft', 'second draft']) assert.deepEqual(await harness.tablesHolding(earlier), [], `no table holds "${earlier}"`);
        assert.deepEqual(
          (await store.search.searchMessages({ terms: ['final'], userId: 'a:1', limit: 10 })).hits.map((hit) => [hit.message.offset, hit.message.text]),
          [[1, 'final words']],
        );
        assert.equal((await store.rooms.liveMessage(general, message.offset))?.text, 'final words');
      }));

    test('an edit or reaction stored after its message was deleted is erased as it lands', { skip }, () =>
      withStore(async ({ harness, store, general }) => {
        const message = (await store.appendMessage(draft(general, 'soon gone'))).message;
        await store.appendMessage(draft(general, '', { kind: 'delete', target: message.offset }));
        // Both passed their checks before the deletion committed (they raced it).
        await store.appendMessage(draft(general, 'late edit', { kind: 'edit', target: message.offset }));
        await store.appendMessage(draft(general, '👀', { kind: 'react', target: message.offset, authorId: 'a:2' }));
        assert.deepEqual(served(await store.messagesAfter(general, 0, 10)), [
          { offset: 1, kind: 'message', text: '', erasedBy: 'a:1' },
          { offset: 2, kind: 'delete', text: '', erasedBy: null },
          { offset: 3, kind: 'edit', text: '', erasedBy: 'a:1' },
          { offset: 4, kind: 'react', text: '', erasedBy: 'a:1' },
        ]);
        assert.deepEqual(await harness.tablesHolding('late edit'), []);
      }));

    test('deleting and editing one message touches no other message', { skip }, () =>
      withStore(async ({ store, general, harness }) => {
        const other = await harness.addRoom('other');
        const mine = (await store.appendMessage(draft(general, 'target'))).message;
        await store.appendMessage(draft(other, 'same offset, other room'));
        const neighbour = (await store.appendMessage(draft(general, 'neighbour'))).message;
        await store.appendMessage(draft(general, '👍', { kind: 'react', target: neighbour.offset }));
        await store.appendMessage(draft(general, 'target, edited', { kind: 'edit', target: mine.offset }));
        await store.appendMessage(draft(general, '', { kind: 'delete', target: mine.offset }));
        assert.deepEqual((await store.messagesAfter(other, 0, 10)).map((message) => [message.text, message.redacted ?? null]), [['same offset, other room', null]]);
        assert.deepEqual(
          (await store.messagesAfter(general, 0, 10)).map((message) => [message.offset, message.text]),
          [[1, ''], [2, 'neighbour'], [3, '👍'], [4, ''], [5, '']],
        );
      }));
  });
}

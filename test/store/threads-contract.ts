import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mentionedNames } from '../../src/shared/mentions.js';
import type { MessageDraft, Store } from '../../src/store/store.js';
import { freshStores, type HarnessFactory, type StoreContext } from './harness.js';

const draft = (roomId: number, author: [id: string, name: string], text: string, extra: Partial<MessageDraft> = {}): MessageDraft => ({
  roomId,
  authorId: author[0],
  author: author[1],
  text,
  idempotencyKey: null,
  ...extra,
});

const ALICE: [string, string] = ['a:1', 'alice'];
const BOB: [string, string] = ['g:bob', 'bob'];
const CAROL: [string, string] = ['g:carol', 'carol'];
const DAN: [string, string] = ['g:dan', 'dan'];

/** Stores a message, its mentions and, for a reply, its thread follows, as src/delivery/append.ts does. */
async function say(store: Store, message: MessageDraft): Promise<number> {
  const { message: stored } = await store.appendMessage(message);
  await store.mentions.recordMentions(stored.roomId, stored.offset, mentionedNames(stored.text), stored.authorId);
  if (stored.target !== null) await store.threads.recordReply(stored.roomId, stored.target, stored.offset);
  return stored.offset;
}

/**
 * The threads part of the Store contract (src/store/threads.ts): a reply is a message whose
 * target is its root; who follows a thread, their unread and mention counts, the summaries a
 * room shows, and deletion. Called by `storeContract`.
 */
export function threadsContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const inFreshStore = freshStores(factory);
  const withMembers = (body: (context: StoreContext) => Promise<void>): Promise<void> =>
    inFreshStore(async (context) => {
      for (const [userId, userName] of [ALICE, BOB, CAROL, DAN]) await context.store.rooms.addMember(context.general, { userId, name: userName });
      await body(context);
    });

  describe(`Store contract, threads: ${name}`, () => {
    test('repliers, the root’s author and the people a reply mentions follow the thread; unread and mentions count for them', { skip }, () =>
      withMembers(async ({ store, general }) => {
        const root = await say(store, draft(general, ALICE, 'lunch?'));
        const first = await say(store, draft(general, BOB, 'yes', { target: root }));
        await say(store, draft(general, CAROL, 'me too @dan', { target: root }));
        await say(store, draft(general, DAN, 'not a reply'));

        const byUser = async (userId: string) => (await store.threads.followed(userId, 10)).map((thread) => [thread.root.offset, thread.unread, thread.mentions, thread.replies]);
        assert.deepEqual(await byUser('a:1'), [[root, 2, 0, 2]], 'the root’s author follows: both replies unread');
        assert.deepEqual(await byUser('g:bob'), [[root, 1, 0, 2]], 'a replier has read up to their own reply');
        assert.deepEqual(await byUser('g:carol'), [[root, 0, 0, 2]]);
        assert.deepEqual(await byUser('g:dan'), [[root, 2, 1, 2]], 'a mention in a reply follows the thread and counts');

        const [followed] = await store.threads.followed('a:1', 10);
        assert.equal(followed?.roomId, general);
        assert.equal(followed?.roomName, 'general');
        assert.equal(followed?.root.text, 'lunch?');

        assert.equal(await store.threads.markThreadRead(general, root, 'a:1', first), first);
        assert.equal(await store.threads.markThreadRead(general, root, 'a:1', root), first, 'never backwards');
        assert.deepEqual(await byUser('a:1'), [[root, 1, 0, 2]]);
        assert.equal(await store.threads.readOffset(general, root, 'a:1'), first);
        assert.equal(await store.threads.markThreadRead(general, root, 'g:nobody', first), 0, 'no marker without a follow');
      }));

    test('a summary counts live replies, names the latest repliers first, and a deletion takes a reply out', { skip }, () =>
      withMembers(async ({ store, general }) => {
        const root = await say(store, draft(general, ALICE, 'root'));
        const lonely = await say(store, draft(general, ALICE, 'no replies'));
        const bobs = await say(store, draft(general, BOB, 'one', { target: root }));
        await say(store, draft(general, CAROL, 'two', { target: root }));
        const last = await say(store, draft(general, BOB, 'three', { target: root }));
        const [summary, ...others] = await store.threads.summaries(general, [root, lonely]);
        assert.deepEqual(others, [], 'a message without replies has no summary');
        assert.equal(summary?.root, root);
        assert.equal(summary?.replies, 3);
        assert.deepEqual(summary?.repliers, ['bob', 'carol']);
        assert.equal(summary?.lastReplyOffset, last);
        assert.ok((summary?.lastReplyAt ?? 0) > 0);

        await store.appendMessage(draft(general, BOB, '', { kind: 'delete', target: bobs }));
        const [after] = await store.threads.summaries(general, [root]);
        assert.equal(after?.replies, 2);
        const replies = await store.threads.replies(general, root, 0, 10);
        assert.deepEqual(replies.map((reply) => [reply.offset, reply.text, reply.redacted !== undefined]), [
          [bobs, '', true],
          [bobs + 1, 'two', false],
          [last, 'three', false],
        ], 'the deleted reply stays a tombstone in its place');
        assert.deepEqual((await store.threads.replies(general, root, bobs + 1, 1)).map((reply) => reply.offset), [last], 'paged by offset');
        const [followed] = await store.threads.followed('a:1', 10);
        assert.equal(followed?.unread, 2, 'a deleted reply is not unread');

        await store.appendMessage(draft(general, ALICE, '', { kind: 'delete', target: root }));
        assert.equal((await store.threads.replies(general, root, 0, 10)).filter((reply) => !reply.redacted).length, 2, 'deleting the root leaves the replies');
      }));

    test('a retried reply records nothing twice; a thread of a room one left is not listed', { skip }, () =>
      withMembers(async ({ store, general }) => {
        const root = await say(store, draft(general, ALICE, 'root'));
        const retried = draft(general, BOB, 'once', { target: root, idempotencyKey: 'reply-1' });
        const offset = await say(store, retried);
        assert.equal(await say(store, retried), offset);
        assert.deepEqual((await store.threads.followed('g:bob', 10)).map((thread) => [thread.replies, thread.readOffset]), [[1, offset]]);
        await store.rooms.removeMember(general, 'g:bob');
        assert.deepEqual(await store.threads.followed('g:bob', 10), []);
      }));
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mentionedNames } from '../../src/shared/mentions.js';
import type { MessageDraft, Store } from '../../src/store/store.js';
import { freshStores, type HarnessFactory, type StoreContext } from './harness.js';


const draft = (roomId: number, text: string, extra: Partial<MessageDraft> = {}): MessageDraft => ({
  roomId,
  author: 'bob',
  authorId: 'g:bob',
  text,
  idempotencyKey: null,
  ...extra,
});

/** Stores a message and its mentions, as src/delivery/append.ts does. */
async function say(store: Store, message: MessageDraft): Promise<{ offset: number; mentioned: string[] }> {
  const { message: stored } = await store.appendMessage(message);
  const mentioned = await store.mentions.recordMentions(stored.roomId, stored.offset, mentionedNames(stored.text), stored.authorId);
  return { offset: stored.offset, mentioned: mentioned.sort() };
}

const mentionsOf = async (store: Store, roomId: number, userId: string): Promise<number> => (await store.rooms.roomListing(roomId, userId))!.mentions;

/**
 * The mentions part of the Store contract (src/store/mentions.ts): who a message mentions
 * (members, by name in any letter case, never its author), counted per user above the read
 * marker, forgotten with a deletion; what `@` completes from. Called by `storeContract`.
 */
export function mentionsContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const inFreshStore = freshStores(factory);
  const withStore = (body: (context: StoreContext) => Promise<void>): Promise<void> =>
    inFreshStore(async (context) => {
      for (const [userId, userName] of [
        ['a:1', 'Alice'],
        ['g:bob', 'bob'],
        ['g:carol', 'carol.w'],
        ['g:élodie', 'Élodie'],
      ] as const) {
        await context.store.rooms.addMember(context.general, { userId, name: userName });
      }
      await body(context);
    });

  describe(`Store contract, mentions: ${name}`, () => {
    test('a mention names members in any letter case, never the author or a non-member, once per retry', { skip }, () =>
      withStore(async ({ store, general }) => {
        assert.deepEqual((await say(store, draft(general, 'hi @alice and @CAROL.W, @bob and @nobody'))).mentioned, ['a:1', 'g:carol']);
        assert.deepEqual((await say(store, draft(general, 'mail me@alice.example, not a mention'))).mentioned, []);
        assert.deepEqual((await say(store, draft(general, 'bonjour @élodie'))).mentioned, ['g:élodie'], 'letter case of any script');
        const retried = draft(general, '@alice again', { idempotencyKey: 'k1' });
        const first = await say(store, retried);
        const again = await say(store, retried);
        assert.equal(again.offset, first.offset);
        assert.deepEqual(again.mentioned, [], 'recorded once');
        assert.equal(await mentionsOf(store, general, 'a:1'), 2);
        assert.equal(await mentionsOf(store, general, 'g:carol'), 1);
        assert.equal(await mentionsOf(store, general, 'g:bob'), 0, 'the author mentioned themself: not counted');
      }));

    test('only mentions above the read marker count, and a deleted message no longer does', { skip }, () =>
      withStore(async ({ store, general }) => {
        const one = await say(store, draft(general, '@alice one'));
        const two = await say(store, draft(general, '@alice two'));
        await say(store, draft(general, 'no mention'));
        const listing = (await store.rooms.roomListing(general, 'a:1'))!;
        assert.equal(listing.unread, 3);
        assert.equal(listing.mentions, 2);
        await store.rooms.markRead(general, 'a:1', one.offset);
        assert.equal(await mentionsOf(store, general, 'a:1'), 1);
        await store.appendMessage(draft(general, '', { kind: 'delete', target: two.offset }));
        assert.equal(await mentionsOf(store, general, 'a:1'), 0);
        const listed = (await store.rooms.listRooms('a:1')).find((room) => room.id === general);
        assert.equal(listed?.mentions, 0, 'listRooms counts the same way');
      }));

    test('@ completes from the room’s members by the start of their name, in any letter case', { skip }, () =>
      withStore(async ({ store, general }) => {
        const other = (await store.rooms.createRoom('elsewhere', { userId: 'g:zed', name: 'zed' }))!.id;
        const names = async (roomId: number, prefix: string, limit = 10) => (await store.mentions.membersByPrefix(roomId, prefix, limit)).map((member) => member.name);
        assert.deepEqual(await names(general, ''), ['Alice', 'bob', 'carol.w', 'Élodie']);
        assert.deepEqual(await names(general, 'AL'), ['Alice']);
        assert.deepEqual(await names(general, 'é'), ['Élodie']);
        assert.deepEqual(await names(general, 'z'), [], 'members of another room are not offered');
        assert.deepEqual(await names(other, ''), ['zed']);
        assert.deepEqual(await names(general, '', 2), ['Alice', 'bob']);
      }));

    test('a renamed member is completed and mentioned by the new name', { skip }, () =>
      withStore(async ({ store, general }) => {
        await store.mentions.renameMember('g:bob', 'robert');
        assert.deepEqual((await store.mentions.membersByPrefix(general, 'rob', 5)).map((member) => member.userId), ['g:bob']);
        assert.deepEqual((await say(store, draft(general, 'hey @robert', { authorId: 'a:1', author: 'Alice' }))).mentioned, ['g:bob']);
        assert.deepEqual((await say(store, draft(general, 'hey @bob', { authorId: 'a:1', author: 'Alice' }))).mentioned, []);
      }));
  });
}

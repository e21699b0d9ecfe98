import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { RoomEvent, SearchResults } from '../../../src/shared/events.js';
import { ackOf, codeOf } from '../../helpers/ack.js';
import { connected, eventually, tutorialClient } from '../../helpers/clients.js';
import { newBrowser, type Tab } from '../../helpers/room-client.js';
import { grantAdmin } from '../../helpers/admin-command.js';
import { tabWorld } from '../../helpers/world.js';
import { accountTab, must } from '../../moderation/moderation-client.js';

/** Issue 25, item 1, end to end on a 2-worker node: thread replies are room events like every message. */
describe('threads', () => {
  const world = tabWorld();
  const open = async (nickname: string, browser?: string, rooms?: Record<string, number>): Promise<Tab> => {
    const tab = await world.open(browser, rooms ? { rooms } : {});
    assert.equal(codeOf(await ackOf(tab.socket, 'guest:nickname', { nickname })), 'ok');
    return tab;
  };
  const replyIn = (tab: Tab, roomId: number, offset: number): RoomEvent | undefined => tab.eventsOf(roomId).find((event) => event.offset === offset);

  test('a reply reaches every follower once, is counted under its root, and its thread is followed with unread and mention counts', async () => {
    const tag = randomUUID().slice(0, 6);
    const [ana, ben, cy] = [await open(`ana${tag}`), await open(`ben${tag}`), await open(`cy${tag}`)];
    const room = await ana.must('room:create', { name: `t-${tag}` });
    await ben.must('room:join', { roomId: room.id });
    await cy.must('room:join', { roomId: room.id });
    const root = await ana.send(room.id, 'lunch at noon?');

    const first = await ben.reply(room.id, root.serverOffset, `yes, and @cy${tag}?`);
    await ana.waitFor(() => replyIn(ana, room.id, first.serverOffset) !== undefined, 'ana gets the reply live');
    const live = replyIn(ana, room.id, first.serverOffset);
    assert.equal(live?.kind, 'message');
    assert.equal(live?.target, root.serverOffset, 'a reply names its root');
    // A reply to a reply joins the root's thread: threads are one level deep.
    const second = await cy.reply(room.id, first.serverOffset, 'count me in');
    await ana.waitFor(() => replyIn(ana, room.id, second.serverOffset)?.target === root.serverOffset, 'flattened to the root');
    assert.equal(ana.eventsOf(room.id).filter((event) => event.offset === second.serverOffset).length, 1, 'exactly once');

    const page = await ana.must('history:before', { roomId: room.id });
    const rootEvent = page.find((event) => event.offset === root.serverOffset);
    assert.deepEqual(rootEvent?.thread && { ...rootEvent.thread, lastReplyAt: 0 }, {
      root: root.serverOffset,
      replies: 2,
      repliers: [`cy${tag}`, `ben${tag}`],
      lastReplyOffset: second.serverOffset,
      lastReplyAt: 0,
    });
    const thread = await ben.must('thread:open', { roomId: room.id, root: root.serverOffset });
    assert.deepEqual(thread.replies.map((reply) => reply.text), [`yes, and @cy${tag}?`, 'count me in']);
    assert.equal(thread.root.text, 'lunch at noon?');
    assert.equal(thread.more, false);
    assert.equal(thread.readOffset, first.serverOffset, 'a replier has read up to their reply');

    const [forAna] = await ana.must('thread:list', {});
    assert.deepEqual([forAna?.roomId, forAna?.root.offset, forAna?.replies, forAna?.unread, forAna?.mentions], [room.id, root.serverOffset, 2, 2, 0]);
    const [forCy] = await cy.must('thread:list', {});
    assert.deepEqual([forCy?.unread, forCy?.mentions], [0, 0], 'cy replied after the mention');
    assert.deepEqual((await ana.must('thread:read', { roomId: room.id, root: root.serverOffset, offset: second.serverOffset })).readOffset, second.serverOffset);
    assert.equal((await ana.must('thread:list', {}))[0]?.unread, 0);

    // Search finds replies; their authors edit and delete them like any message.
    const found = (await ana.must('search:messages', { query: 'count me' })) as SearchResults;
    assert.deepEqual(found.hits.map((hit) => hit.event.offset), [second.serverOffset]);
    await cy.must('message:edit', { roomId: room.id, target: second.serverOffset, text: 'count me out', clientId: randomUUID() });
    await cy.must('message:delete', { roomId: room.id, target: second.serverOffset, clientId: randomUUID() });
    const after = await ana.must('thread:open', { roomId: room.id, root: root.serverOffset });
    assert.deepEqual(after.replies.map((reply) => [reply.text, reply.redacted !== undefined]), [[`yes, and @cy${tag}?`, false], ['', true]]);
    assert.equal(after.root.thread?.replies, 1, 'a deleted reply is not counted');
  });

  test('a reply sent also to the room is followed by a share event every follower gets, the sender too, once per retry', async () => {
    const tag = randomUUID().slice(0, 6);
    const [ana, ben] = [await open(`ana${tag}`), await open(`ben${tag}`)];
    const room = await ana.must('room:create', { name: `share-${tag}` });
    await ben.must('room:join', { roomId: room.id });
    const root = await ana.send(room.id, 'root');
    const clientId = randomUUID();
    const payload = { roomId: room.id, text: 'for everyone', clientId, replyTo: root.serverOffset, alsoToRoom: true };
    const reply = await ben.must('message:send', payload);
    const again = await ben.must('message:send', payload);
    assert.deepEqual(again, { serverOffset: reply.serverOffset, duplicate: true }, 'a retry stores nothing again');
    for (const tab of [ana, ben]) {
      await tab.waitFor(() => tab.eventsOf(room.id).some((event) => event.kind === 'share'), 'the share arrives');
      assert.deepEqual(
        tab.eventsOf(room.id).filter((event) => event.kind === 'share').map((event) => [event.target, event.text]),
        [[reply.serverOffset, '']],
        'one share, naming the reply',
      );
    }
    const shareOffset = ana.eventsOf(room.id).find((event) => event.kind === 'share')?.offset;
    assert.equal(shareOffset, reply.serverOffset + 1);
    assert.equal(codeOf(await ben.call('message:send', { ...payload, clientId: randomUUID(), replyTo: undefined })), 'ok', 'alsoToRoom without replyTo is a plain message');
  });

  test('a follower who was away is caught up with the replies in order', async () => {
    const tag = randomUUID().slice(0, 6);
    const ana = await open(`ana${tag}`);
    const browser = newBrowser();
    const ben = await open(`ben${tag}`, browser);
    const room = await ana.must('room:create', { name: `away-${tag}` });
    await ben.must('room:join', { roomId: room.id });
    const root = await ana.send(room.id, 'root');
    await ben.waitFor(() => ben.eventsOf(room.id).length > 0, 'ben sees the root');
    const seen = ben.rooms[String(room.id)] ?? 0;
    ben.close();
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push((await ana.reply(room.id, root.serverOffset, `reply ${i}`)).serverOffset);
    const back = await world.open(browser, { rooms: { [room.id]: seen } });
    await back.waitFor(() => back.eventsOf(room.id).length >= 5, 'caught up');
    assert.deepEqual(back.eventsOf(room.id).map((event) => [event.offset, event.target]), replies.map((offset) => [offset, root.serverOffset]));
  });

  test('the tutorial’s clients see replies in general as ordinary messages, and no share events', async () => {
    const tag = randomUUID().slice(0, 6);
    const ana = await open(`ana${tag}`);
    const general = (await ana.must('room:list', {})).find((room) => room.name === 'general');
    assert.ok(general);
    await ana.must('room:join', { roomId: general.id });
    const old = tutorialClient(world.url, { transports: ['websocket'] });
    world.track(old);
    await connected(old);
    const root = await ana.send(general.id, `root ${tag}`);
    const reply = await ana.must('message:send', { roomId: general.id, text: `reply ${tag}`, clientId: randomUUID(), replyTo: root.serverOffset, alsoToRoom: true });
    const marker = await ana.send(general.id, `marker ${tag}`);
    await eventually(() => old.deliveries.some((delivery) => delivery.serverOffset === marker.serverOffset), 'the tutorial client gets the reply and what follows');
    assert.deepEqual(old.deliveries.filter((delivery) => delivery.text.endsWith(tag)), [
      { text: `root ${tag}`, serverOffset: root.serverOffset },
      { text: `reply ${tag}`, serverOffset: reply.serverOffset },
      { text: `marker ${tag}`, serverOffset: marker.serverOffset },
    ], 'replies as ordinary messages; the share event, no message, is not sent');
  });

  test('moderation applies to replies: a moderator removes one (a tombstone in its thread), a muted member may not reply', async () => {
    const tag = randomUUID().slice(0, 6);
    const { watched } = await accountTab(world.url, `mod${tag}`);
    const admin = world.track(watched.tab);
    await grantAdmin(`sqlite:${world.server.databaseFile}`, `mod${tag}`);
    const [ana, ben] = [await open(`ana${tag}`), await open(`ben${tag}`)];
    const room = await ana.must('room:create', { name: `mod-${tag}` });
    await ben.must('room:join', { roomId: room.id });
    await admin.must('room:join', { roomId: room.id });
    const root = await ana.send(room.id, 'root');
    const rude = await ben.reply(room.id, root.serverOffset, 'something rude');
    await must(admin.socket, 'mod:delete', { roomId: room.id, target: rude.serverOffset, reason: 'rude' });
    const thread = await ana.must('thread:open', { roomId: room.id, root: root.serverOffset });
    assert.deepEqual(thread.replies.map((reply) => [reply.offset, reply.text, reply.redacted?.by.name]), [[rude.serverOffset, '', `mod${tag}`]]);
    assert.equal(thread.root.thread, undefined, 'no live reply is left to count');

    await must(admin.socket, 'mod:mute', { userId: (await ben.whoAmI()).id, roomId: room.id, reason: 'calm down' });
    const muted = await ben.call('message:send', { roomId: room.id, text: 'still here', clientId: randomUUID(), replyTo: root.serverOffset });
    assert.equal(codeOf(muted), 'MUTED');
  });

  test('hostile replies are refused and store nothing: another room’s message, a deleted one, a change event, a non-member, oversize, bad fields', async () => {
    const tag = randomUUID().slice(0, 6);
    const [ana, eve] = [await open(`ana${tag}`), await open(`eve${tag}`)];
    const room = await ana.must('room:create', { name: `h-${tag}` });
    const other = await eve.must('room:create', { name: `o-${tag}` });
    for (let i = 0; i < 5; i++) await eve.send(other.id, `filler ${i}`);
    const theirs = await eve.send(other.id, 'in another room');
    const mine = await ana.send(room.id, 'mine');
    const gone = await ana.send(room.id, 'soon deleted');
    await ana.must('message:delete', { roomId: room.id, target: gone.serverOffset, clientId: randomUUID() });
    const reaction = await ana.must('message:react', { roomId: room.id, target: mine.serverOffset, emoji: '👍', on: true, clientId: randomUUID() });
    const head = (await ana.must('room:join', { roomId: room.id })).head;

    const send = (tab: Tab, payload: Record<string, unknown>) => tab.call('message:send', { roomId: room.id, text: 'hi', clientId: randomUUID(), ...payload });
    assert.equal(codeOf(await send(ana, { replyTo: theirs.serverOffset })), 'UNKNOWN_MESSAGE', 'an offset only another room has');
    assert.equal(codeOf(await send(ana, { roomId: other.id, replyTo: theirs.serverOffset })), 'NOT_MEMBER', 'into a room one is not in');
    assert.equal(codeOf(await send(ana, { replyTo: gone.serverOffset })), 'UNKNOWN_MESSAGE', 'a deleted message');
    assert.equal(codeOf(await send(ana, { replyTo: reaction.serverOffset })), 'UNKNOWN_MESSAGE', 'a reaction is no message');
    assert.equal(codeOf(await send(ana, { replyTo: head + 100 })), 'UNKNOWN_MESSAGE', 'beyond the head');
    assert.equal(codeOf(await send(eve, { replyTo: mine.serverOffset })), 'NOT_MEMBER', 'a non-member');
    assert.equal(codeOf(await send(ana, { replyTo: mine.serverOffset, text: 'x'.repeat(4001) })), 'MESSAGE_TOO_LONG');
    for (const replyTo of [0, -1, 1.5, '1', null, { $gt: 0 }, 2 ** 60]) {
      assert.equal(codeOf(await send(ana, { replyTo })), 'INVALID_PAYLOAD', `replyTo ${JSON.stringify(replyTo)}`);
    }
    assert.equal(codeOf(await eve.call('thread:open', { roomId: room.id, root: mine.serverOffset })), 'NOT_MEMBER');
    assert.equal(codeOf(await ana.call('thread:open', { roomId: room.id, root: reaction.serverOffset })), 'UNKNOWN_MESSAGE');
    assert.equal(codeOf(await ana.call('thread:open', { roomId: other.id, root: theirs.serverOffset })), 'NOT_MEMBER');
    assert.equal(codeOf(await eve.call('thread:read', { roomId: room.id, root: mine.serverOffset, offset: 1 })), 'NOT_MEMBER');
    assert.equal(codeOf(await ana.call('thread:open', { roomId: room.id, root: mine.serverOffset, limit: 10_000 })), 'INVALID_PAYLOAD');
    assert.equal(codeOf(await ana.call('thread:list', { junk: 'x' })), 'ok', 'unknown fields are ignored, as room:list does');
    assert.equal((await ana.must('room:join', { roomId: room.id })).head, head, 'nothing was stored');
    assert.deepEqual(await eve.must('thread:list', {}), []);
  });
});

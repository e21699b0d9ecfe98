import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { PublicUser, RoomSummary } from '../../../src/shared/events.js';
import { ackOf, codeOf } from '../../helpers/ack.js';
import { tabWorld } from '../../helpers/world.js';
import { newBrowser, Tab } from '../../helpers/room-client.js';

async function members(tab: Tab, roomId: number, prefix: string): Promise<string[]> {
  const ack = await ackOf(tab.socket, 'room:members', { roomId, prefix });
  if (!ack.ok) throw new Error(`room:members refused: ${ack.error} ${ack.message}`);
  return (ack.data as PublicUser[]).map((user) => user.name);
}

const listed = async (tab: Tab, roomId: number): Promise<RoomSummary | undefined> => (await tab.must('room:list', {})).find((room) => room.id === roomId);

/** Issue 13, part 2, end to end on a 2-worker node: mentions stored and counted, `room:members`, its limit. */
describe('mentions', () => {
  const world = tabWorld();
  const open = async (nickname?: string): Promise<Tab> => {
    const tab = await world.open();
    if (nickname) assert.equal(codeOf(await ackOf(tab.socket, 'guest:nickname', { nickname })), 'ok');
    return tab;
  };

  test('a mention of a member is counted for them until read, on both workers; names complete from members only', async () => {
    const tag = randomUUID().slice(0, 6);
    const [ana, ben, cy] = [await open(`ana${tag}`), await open(`ben${tag}`), await open(`cy${tag}`)];
    const room = await ana.must('room:create', { name: `m-${tag}` });
    await ben.must('room:join', { roomId: room.id });
    // cy is no member: mentioning them here counts nothing, and they cannot list its members.
    await ben.send(room.id, `@ANA${tag} and @cy${tag}: look`);
    await ben.send(room.id, `no mention, mail ana${tag}@example.com`);
    await ben.send(room.id, `@ana${tag}.`);
    const forAna = await listed(ana, room.id);
    assert.equal(forAna?.unread, 3);
    assert.equal(forAna?.mentions, 2);
    assert.equal((await listed(ben, room.id))?.mentions, 0);

    assert.deepEqual(await members(ben, room.id, `AN`), [`ana${tag}`]);
    assert.deepEqual((await members(ben, room.id, '')).sort(), [`ana${tag}`, `ben${tag}`].sort());
    assert.equal(codeOf(await ackOf(cy.socket, 'room:members', { roomId: room.id, prefix: '' })), 'NOT_MEMBER');
    assert.equal(codeOf(await ackOf(ben.socket, 'room:members', { roomId: room.id, prefix: '<script>' })), 'INVALID_PAYLOAD');
    const dm = await ana.must('dm:open', { userId: (await ben.whoAmI()).id });
    assert.equal(codeOf(await ackOf(cy.socket, 'room:members', { roomId: dm.id, prefix: '' })), 'UNKNOWN_ROOM', "another's direct room is not there");

    const read = await ana.must('read:mark', { roomId: room.id, offset: forAna?.head ?? 0 });
    assert.equal(read.mentions, 0);
    await cy.must('room:join', { roomId: room.id });
    await ben.send(room.id, `welcome @cy${tag}`);
    assert.equal((await listed(cy, room.id))?.mentions, 1, 'a member now');

    // A guest who renames is mentioned, and completed, by the new name.
    assert.equal(codeOf(await ackOf(cy.socket, 'guest:nickname', { nickname: `cyril${tag}` })), 'ok');
    assert.deepEqual(await members(ana, room.id, `cy`), [`cyril${tag}`]);
    await ana.send(room.id, `@cyril${tag} hi`);
    assert.equal((await listed(cy, room.id))?.mentions, 2);
  });

  test('completions are priced per user: more tabs buy no more, and others are not slowed', async () => {
    const tag = randomUUID().slice(0, 6);
    const owner = await open();
    const room = await owner.must('room:create', { name: `limit-${tag}` });
    const browser = newBrowser();
    const [one, two] = [await world.open(browser), await world.open(browser)];
    await one.must('room:join', { roomId: room.id });
    const codes: string[] = [];
    for (let i = 0; i < 50; i++) {
      codes.push(codeOf(await ackOf(one.socket, 'room:members', { roomId: room.id, prefix: 'a' })), codeOf(await ackOf(two.socket, 'room:members', { roomId: room.id, prefix: 'a' })));
    }
    const answered = codes.filter((code) => code === 'ok').length;
    assert.ok(answered <= 61, `at most the 60-per-10-s budget is answered (${answered})`);
    assert.ok(codes.includes('RATE_LIMITED'));
    assert.equal(codeOf(await ackOf(owner.socket, 'room:members', { roomId: room.id, prefix: '' })), 'ok', 'another user is not slowed');
  });
});

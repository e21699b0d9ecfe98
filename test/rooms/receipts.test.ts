// Issue 25, item 3: read receipts in direct rooms and rooms up to PARLEY_RECEIPTS_MAX_MEMBERS
// members, live, from the read markers Parley stores; a person may turn them off, and then
// shows no one their marker and sees no one's. Against a real 2-worker server.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Receipt } from '../../src/shared/events.js';
import { ackOf, refusedWith } from '../helpers/ack.js';
import { newBrowser, type Tab } from '../helpers/room-client.js';
import { eventually, quietFor } from '../helpers/waits.js';
import { tabWorld } from '../helpers/world.js';

const MAX_MEMBERS = 4;

type LiveReceipt = Receipt & { roomId: number };

/** Every `room:receipt` a tab receives from now on. */
function receiptsSeen(tab: Tab): LiveReceipt[] {
  const seen: LiveReceipt[] = [];
  tab.socket.on('room:receipt', (receipt) => seen.push(receipt));
  return seen;
}

/** Who has read how far, by name, as `receipts:get` answers `tab`. */
async function readersOf(tab: Tab, roomId: number): Promise<Record<string, number>> {
  const answer = await tab.must('receipts:get', { roomId });
  return Object.fromEntries(answer.receipts.map((receipt) => [receipt.user.name, receipt.offset]));
}

describe('read receipts', () => {
  const world = tabWorld({ workers: 2, env: { PARLEY_RECEIPTS_MAX_MEMBERS: String(MAX_MEMBERS) } });

  /** A room of `tabs` (the first creates it), with `messages` messages from the first. */
  async function roomOf(tabs: readonly Tab[], messages: number): Promise<{ roomId: number; offsets: number[] }> {
    const [owner, ...others] = tabs;
    assert.ok(owner);
    const room = await owner.must('room:create', { name: `receipts-${randomUUID().slice(0, 8)}` });
    for (const other of others) await other.must('room:join', { roomId: room.id });
    const offsets: number[] = [];
    for (let index = 0; index < messages; index++) offsets.push((await owner.send(room.id, `message ${index}`)).serverOffset);
    return { roomId: room.id, offsets };
  }

  test('a marker moved is seen live by the other members and answered by receipts:get', async () => {
    const [ann, bob] = [await world.open(), await world.open()];
    await ann.must('guest:nickname', { nickname: `ann${randomUUID().slice(0, 6)}` });
    const bobName = `bob${randomUUID().slice(0, 6)}`;
    await bob.must('guest:nickname', { nickname: bobName });
    const { roomId, offsets } = await roomOf([ann, bob], 3);
    const live = receiptsSeen(ann);
    const own = receiptsSeen(bob);

    await bob.must('read:mark', { roomId, offset: offsets[1] });
    await eventually(() => live.some((receipt) => receipt.user.name === bobName && receipt.offset === offsets[1]), "ann sees bob's receipt live");
    assert.equal(live.find((receipt) => receipt.user.name === bobName)?.roomId, roomId);
    assert.deepEqual(await readersOf(ann, roomId), { [bobName]: offsets[1] }, 'only others, only those who read something');
    const answer = await ann.must('receipts:get', { roomId });
    assert.deepEqual([answer.sending, answer.available], [true, true]);
    assert.equal(own.length, 0, 'a reader is not sent their own receipt (room:read tells their other tabs)');
  });

  test('one who turns receipts off shows no one their marker, and sees no one’s, on every tab', async () => {
    const browser = newBrowser();
    const [ann, bob, cy, cyOtherTab] = [await world.open(), await world.open(), await world.open(browser), await world.open(browser)];
    const cyName = `cy${randomUUID().slice(0, 6)}`;
    await cy.must('guest:nickname', { nickname: cyName });
    const { roomId, offsets } = await roomOf([ann, bob, cy], 3);
    const settings: boolean[] = [];
    cyOtherTab.socket.on('receipts:setting', (setting) => settings.push(setting.enabled));
    const [annLive, cyLive, cyOtherLive] = [receiptsSeen(ann), receiptsSeen(cy), receiptsSeen(cyOtherTab)];
    await cyOtherTab.must('room:join', { roomId });

    assert.deepEqual(await cy.must('receipts:set', { enabled: false }), { enabled: false });
    await eventually(() => settings.includes(false), "cy's other tab is told");
    await cy.must('read:mark', { roomId, offset: offsets[2] });
    await bob.must('read:mark', { roomId, offset: offsets[1] });
    await eventually(() => annLive.some((receipt) => receipt.offset === offsets[1]), "bob's receipt reaches ann");
    await quietFor(300, "a late receipt of cy's");
    assert.ok(!annLive.some((receipt) => receipt.user.name === cyName), "cy's marker is shown to no one");
    assert.equal(cyLive.length, 0, 'cy is sent no live receipt');
    assert.equal(cyOtherLive.length, 0, "nor is cy's other tab");
    assert.ok(!(cyName in (await readersOf(ann, roomId))), 'nor answered to anyone');
    assert.deepEqual(await cyOtherTab.must('receipts:get', { roomId }), { sending: false, available: true, receipts: [] }, 'cy sees none');

    await cy.must('receipts:set', { enabled: true });
    await cy.must('read:mark', { roomId, offset: offsets[2] });
    assert.equal((await readersOf(ann, roomId))[cyName], offsets[2], 'turned on again, shown again');
    await bob.must('read:mark', { roomId, offset: offsets[2] });
    await eventually(() => cyLive.some((receipt) => receipt.offset === offsets[2]), 'and cy sees live receipts again');
  });

  test('a room larger than PARLEY_RECEIPTS_MAX_MEMBERS has none', async () => {
    const tabs = await Promise.all(Array.from({ length: MAX_MEMBERS + 1 }, () => world.open()));
    const { roomId, offsets } = await roomOf(tabs, 2);
    const [owner, reader] = tabs as [Tab, Tab];
    const live = receiptsSeen(owner);
    await reader.must('read:mark', { roomId, offset: offsets[1] });
    await quietFor(300, 'a receipt');
    assert.deepEqual(live, []);
    assert.deepEqual(await owner.must('receipts:get', { roomId }), { sending: true, available: false, receipts: [] });
  });

  test('hostile callers: another room’s receipts, bad payloads, a flood of settings', async () => {
    const [ann, mallory] = [await world.open(), await world.open()];
    const { roomId } = await roomOf([ann], 1);
    refusedWith(await ackOf(mallory.socket, 'receipts:get', { roomId }), 'NOT_MEMBER', "a room one is not a member of");
    const direct = await ann.must('dm:open', { userId: (await world.open().then((tab) => tab.whoAmI())).id });
    refusedWith(await ackOf(mallory.socket, 'receipts:get', { roomId: direct.id }), 'UNKNOWN_ROOM', "someone else's direct room");
    refusedWith(await ackOf(mallory.socket, 'receipts:get', { roomId: 'x' }), 'INVALID_PAYLOAD');
    refusedWith(await ackOf(mallory.socket, 'receipts:set', { enabled: 'no' }), 'INVALID_PAYLOAD');
    const flooder = await world.open();
    const answers = [];
    for (let index = 0; index < 25; index++) answers.push(await ackOf(flooder.socket, 'receipts:set', { enabled: index % 2 === 0 }));
    assert.ok(answers.slice(0, 20).every((answer) => answer.ok), 'twenty a minute');
    refusedWith(answers.at(-1) ?? { ok: true, data: null }, 'RATE_LIMITED', 'the 25th');
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { cookieValue, exchange } from '../accounts/session-http.js';
import { ackOf, refusedWith } from '../helpers/ack.js';
import { tabWorld } from '../helpers/world.js';
import { Tab } from '../helpers/room-client.js';
import { quietFor } from '../helpers/waits.js';


async function mustAny(tab: Tab, event: string, payload: unknown): Promise<void> {
  const ack = await ackOf(tab.socket, event, payload);
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error} ${ack.message}`);
}


/**
 * Issue 10, defect 3: a tab that follows a direct room and then changes identity (signs out,
 * or signs in as another account) stops getting the room's events and can no longer send
 * typing into it or ask who is in it, on every tab of its browser, on both workers.
 */
describe('a direct room after an identity change', () => {
  const world = tabWorld();

  /** Alice (an account, two tabs following the direct room) and Bob; returns the room. */
  async function directRoom(): Promise<{ aliceTabs: Tab[]; bob: Tab; roomId: number }> {
    const first = await world.open();
    const bob = await world.open();
    const registered = await ackOf(first.socket, 'account:register', { username: `alice${randomUUID().slice(0, 8)}`, password: 'correct horse battery' });
    if (!registered.ok) throw new Error(`register refused: ${registered.error}`);
    // The browser trades the sign-in's exchange code for its new session cookie; a second tab opens with it.
    const renewed = cookieValue((await exchange(world.url, (registered.data as { exchange: string }).exchange)).setCookie);
    assert.ok(renewed, 'the exchange sets the new cookie');
    const second = await world.open(renewed);
    const aliceTabs = [first, second];
    const bobUser = await bob.whoAmI();
    const room = await first.must('dm:open', { userId: bobUser.id });
    await second.must('room:join', { roomId: room.id });
    await bob.must('room:join', { roomId: room.id });
    await bob.send(room.id, 'before');
    for (const tab of aliceTabs) await tab.waitFor(() => tab.eventsOf(room.id).length === 1, 'alice hears bob before the change');
    return { aliceTabs, bob, roomId: room.id };
  }

  async function assertShutOut(aliceTabs: Tab[], bob: Tab, roomId: number): Promise<void> {
    // A tab of the browser session is told the room is gone; a tab that used the ended
    // account session from another cookie is disconnected (its session no longer exists).
    for (const tab of aliceTabs) await tab.waitFor(() => tab.removed.includes(roomId) || !tab.socket.connected, 'each tab is told the room is gone, or cut off');
    await bob.send(roomId, 'after');
    await quietFor(300, 'the message reaching a tab that lost the room');
    for (const tab of aliceTabs) {
      assert.deepEqual(tab.eventsOf(roomId).map((event) => event.text), ['before'], 'nothing after the change reaches the tab');
      if (!tab.socket.connected) continue;
      refusedWith(await ackOf(tab.socket, 'typing', { roomId, typing: true }), 'UNKNOWN_ROOM');
      refusedWith(await ackOf(tab.socket, 'presence:list', { roomId }), 'UNKNOWN_ROOM');
      refusedWith(await tab.call('history:before', { roomId }), 'UNKNOWN_ROOM');
    }
  }

  test('signing out drops the direct room from every tab of the browser', async () => {
    const { aliceTabs, bob, roomId } = await directRoom();
    await mustAny(aliceTabs[0] as Tab, 'account:logout', {});
    await assertShutOut(aliceTabs, bob, roomId);
  });

  test('signing in as another account drops the direct room too', async () => {
    const { aliceTabs, bob, roomId } = await directRoom();
    const carolName = `carol${randomUUID().slice(0, 8)}`;
    const carolTab = await world.open();
    await mustAny(carolTab, 'account:register', { username: carolName, password: 'correct horse battery' });
    // A sign-in changes only the connection that signed in (the others of the browser follow
    // when they reconnect with the new cookie): that one is shut out at once.
    await mustAny(aliceTabs[1] as Tab, 'account:login', { username: carolName, password: 'correct horse battery' });
    await assertShutOut([aliceTabs[1] as Tab], bob, roomId);
  });
});

// Issue 22, item 12: roles at their edges. Nobody acts on themselves or on an equal or
// higher role: a moderator muted by an admin cannot lift the mute (nor can another
// moderator), and a moderator cannot delete an admin's messages or announcements, nor
// the operator's.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { RoomEvent } from '../../src/shared/events.js';
import { ackOf, codeOf } from '../helpers/ack.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import type { Tab } from '../helpers/room-client.js';
import { accountTab, adminApi, must, type WatchedTab } from './moderation-client.js';

const TOKEN = 'roles-at-edges-admin-token-0123456789';
const unique = (prefix: string): string => `${prefix}${randomUUID().slice(0, 8)}`;

interface Member {
  readonly tab: Tab;
  readonly userId: string;
  readonly name: string;
}

describe('roles at their edges', () => {
  let server: RunningServer;
  let general: number;
  let admin: Member;
  let mia: Member;
  let max: Member;
  const opened: WatchedTab[] = [];

  /** An account with `role` (given by the operator through the admin API), following `general`. */
  const account = async (role: 'member' | 'moderator' | 'admin'): Promise<Member> => {
    const name = unique(role.slice(0, 3));
    const { watched, userId } = await accountTab(server.url, name);
    opened.push(watched);
    if (role !== 'member') {
      const granted = await adminApi(server.url, TOKEN, 'POST', 'role', { username: name, role });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
    }
    general ??= (await watched.tab.must('room:list', {})).find((room) => room.name === 'general')?.id ?? 0;
    await watched.tab.must('room:join', { roomId: general });
    return { tab: watched.tab, userId, name };
  };

  /** The events of `general` from `offset` on, as `reader` reads them. */
  const eventAt = async (reader: Tab, offset: number): Promise<RoomEvent | undefined> =>
    (await reader.must('history:before', { roomId: general, before: offset + 1, limit: 1 }))[0];

  before(async () => {
    server = await startServer({ workers: 2, env: { PARLEY_ADMIN_TOKENS: TOKEN } });
    admin = await account('admin');
    mia = await account('moderator');
    max = await account('moderator');
  });
  after(async () => {
    for (const watched of opened) watched.tab.close();
    await server.stop();
  });

  test('a moderator muted by an admin cannot unmute itself, nor can another moderator; the admin can', async () => {
    await must(admin.tab.socket, 'mod:mute', { userId: mia.userId, roomId: general, reason: 'cool down' });
    assert.equal(codeOf(await mia.tab.call('message:send', { roomId: general, text: 'muted?', clientId: randomUUID() })), 'MUTED');

    assert.equal(codeOf(await ackOf(mia.tab.socket, 'mod:unmute', { userId: mia.userId, roomId: general })), 'FORBIDDEN', 'not oneself');
    assert.equal(codeOf(await ackOf(max.tab.socket, 'mod:unmute', { userId: mia.userId, roomId: general })), 'FORBIDDEN', 'not an equal');
    assert.equal(codeOf(await mia.tab.call('message:send', { roomId: general, text: 'still muted?', clientId: randomUUID() })), 'MUTED');

    await must(admin.tab.socket, 'mod:unmute', { userId: mia.userId, roomId: general });
    await mia.tab.send(general, 'free to speak');
  });

  test("a moderator cannot delete an admin's message, an admin's announcement or the operator's; it can delete a member's and its own", async () => {
    const memberUser = await account('member');
    const adminMessage = await admin.tab.send(general, `admin speaking ${randomUUID()}`);
    const announcement = `notice ${randomUUID()}`;
    await must(admin.tab.socket, 'mod:announce', { text: announcement });
    const operatorNotice = `operator ${randomUUID()}`;
    assert.equal((await adminApi(server.url, TOKEN, 'POST', 'announce', { text: operatorNotice })).status, 200);
    const history = await mia.tab.must('history:before', { roomId: general, limit: 200 });
    const offsetOf = (text: string): number => {
      const found = history.find((event) => event.text.endsWith(text));
      assert.ok(found, `"${text}" is in general`);
      return found.offset;
    };

    for (const [what, target] of [
      ["an admin's message", adminMessage.serverOffset],
      ["an admin's announcement", offsetOf(announcement)],
      ["the operator's announcement", offsetOf(operatorNotice)],
    ] as const) {
      const ack = await ackOf(mia.tab.socket, 'mod:delete', { roomId: general, target, reason: 'overreach' });
      assert.equal(codeOf(ack), 'FORBIDDEN', `a moderator may not delete ${what}`);
      const event = await eventAt(mia.tab, target);
      assert.ok(event && event.text !== '' && event.redacted === undefined, `${what} is still there`);
    }

    // What a moderator may do is unchanged: a member's message, and its own.
    const memberMessage = await memberUser.tab.send(general, 'spam spam spam');
    await must(mia.tab.socket, 'mod:delete', { roomId: general, target: memberMessage.serverOffset, reason: 'spam' });
    const own = await mia.tab.send(general, 'my own slip');
    await must(mia.tab.socket, 'mod:delete', { roomId: general, target: own.serverOffset });
    // And an admin outranks a moderator.
    const miaMessage = await mia.tab.send(general, 'a moderator wrote this');
    await must(admin.tab.socket, 'mod:delete', { roomId: general, target: miaMessage.serverOffset });
    for (const offset of [memberMessage.serverOffset, own.serverOffset, miaMessage.serverOffset]) {
      assert.ok((await eventAt(mia.tab, offset))?.redacted, `offset ${offset} was deleted`);
    }
  });
});

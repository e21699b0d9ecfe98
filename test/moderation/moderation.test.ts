import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { AuditView, RestrictionView, RoomEvent, RoomSummary } from '../../src/shared/events.js';
import { ackOf, codeOf } from '../helpers/ack.js';
import { grantAdmin } from '../helpers/admin-command.js';
import { connected, openSocket, tutorialClient } from '../helpers/clients.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { readRoom } from '../helpers/checker.js';
import { newBrowser } from '../helpers/room-client.js';
import { accountTab, adminApi, eventually, must, PASSWORD, refusedHandshake, tabsOnBothWorkers, watchedTab, workerOfTab, type WatchedTab } from './moderation-client.js';
import { quietFor } from '../helpers/waits.js';

const TOKEN = 'moderation-test-admin-token-0123456789';
const unique = (prefix: string): string => `${prefix}${randomUUID().slice(0, 8)}`;

/**
 * Issue 12, part 3: moderation on a 2-worker node. The first admin is made by the operator
 * on the server (`npm run admin -- grant`); every action takes effect on both workers, is
 * told to its target, and lands in the audit log.
 */
describe('moderation', () => {
  let server: RunningServer;
  let admin: WatchedTab;
  let adminId: string;
  const rootName = unique('root');
  const opened: WatchedTab[] = [];
  const open = async (browser?: string): Promise<WatchedTab> => {
    const watched = await watchedTab(server.url, browser);
    opened.push(watched);
    return watched;
  };

  before(async () => {
    server = await startServer({ workers: 2, env: { PARLEY_ADMIN_TOKENS: TOKEN } });
    ({ watched: admin, userId: adminId } = await accountTab(server.url, rootName));
    opened.push(admin);
    await grantAdmin(`sqlite:${server.databaseFile}`, rootName);
  });
  after(async () => {
    for (const watched of opened) watched.tab.close();
    await server.stop();
  });

  test('roles: the admin the operator granted is an admin, guests are members, an admin names a moderator who may not ban or touch the admin', async () => {
    const guest = await open();
    assert.deepEqual(await must(guest.tab.socket, 'mod:me', {}), { role: 'member' });
    assert.deepEqual(await must(admin.tab.socket, 'mod:me', {}), { role: 'admin' });
    for (const [event, payload] of [
      ['mod:kick', { userId: adminId }],
      ['mod:ban', { userId: 'g:someone' }],
      ['mod:announce', { text: 'hello' }],
      ['mod:audit', {}],
      ['mod:delete', { roomId: 1, target: 1 }],
    ] as const) {
      assert.equal(codeOf(await ackOf(guest.tab.socket, event, payload)), 'FORBIDDEN', `a guest may not ${event}`);
    }

    const { watched: mia, userId: miaId } = await accountTab(server.url, unique('mia'));
    opened.push(mia);
    assert.equal(codeOf(await ackOf(mia.tab.socket, 'mod:kick', { userId: 'g:anyone' })), 'FORBIDDEN');
    assert.deepEqual(await must(admin.tab.socket, 'mod:role', { username: (await mia.tab.whoAmI()).name, role: 'moderator' }), { userId: miaId, role: 'moderator' });
    assert.deepEqual(await must(mia.tab.socket, 'mod:me', {}), { role: 'moderator' }, 'the role counts at once, on the same connection');
    assert.equal(codeOf(await ackOf(mia.tab.socket, 'mod:ban', { userId: 'g:someone' })), 'FORBIDDEN', 'a moderator may not ban');
    assert.equal(codeOf(await ackOf(mia.tab.socket, 'mod:kick', { userId: adminId })), 'FORBIDDEN', 'a moderator may not kick an admin');
    assert.equal(codeOf(await ackOf(mia.tab.socket, 'mod:role', { username: rootName, role: 'member' })), 'FORBIDDEN');
    assert.equal(codeOf(await ackOf(admin.tab.socket, 'mod:role', { username: rootName, role: 'member' })), 'FORBIDDEN', 'nobody changes their own role');
    assert.equal(codeOf(await ackOf(admin.tab.socket, 'mod:kick', { userId: 'not an id' })), 'INVALID_PAYLOAD');
  });

  test('kick: every tab of the user, on both workers, is told and disconnected; the user may come back', async () => {
    const browser = newBrowser();
    const tabs = await tabsOnBothWorkers(server.url, browser);
    opened.push(...tabs);
    const victim = await tabs[0]!.tab.whoAmI();
    assert.deepEqual(await must(admin.tab.socket, 'mod:kick', { userId: victim.id, reason: 'cool down' }), { connections: tabs.length });
    for (const watched of tabs) {
      await eventually(() => watched.disconnects.includes('io server disconnect'), `tab on worker ${workerOfTab(watched.tab)} disconnected by the server`);
      assert.deepEqual(watched.notices.map((n) => [n.action, n.reason]), [['kick', 'cool down']]);
    }
    const back = await open(browser);
    assert.equal((await back.tab.whoAmI()).id, victim.id, 'a kicked user may connect again');
    assert.equal(codeOf(await ackOf(admin.tab.socket, 'mod:kick', { userId: 'g:nobody-online' })), 'UNKNOWN_USER');
  });

  test('ban: stored, every tab on both workers closed, handshakes on both workers and a recovered session refused, login refused; unban lets them in', async () => {
    const browser = newBrowser();
    const tabs = await tabsOnBothWorkers(server.url, browser);
    opened.push(...tabs);
    const victim = await tabs[0]!.tab.whoAmI();

    // A tab whose transport drops before the ban: its reconnect asks to recover the session.
    const away = openSocket(server.url, { auth: { rooms: {} }, browser, reconnection: false });
    await connected(away);
    away.io.engine.close();
    await eventually(() => !away.connected, 'the transport dropped');

    const ban = await must<RestrictionView>(admin.tab.socket, 'mod:ban', { userId: victim.id, reason: 'spam', minutes: 60 });
    assert.equal(ban.userId, victim.id);
    assert.ok(ban.expiresAt !== null && Math.abs(ban.expiresAt - Date.now() - 3_600_000) < 60_000);
    for (const watched of tabs) {
      await eventually(() => watched.disconnects.includes('io server disconnect'), `tab on worker ${workerOfTab(watched.tab)} closed`);
      assert.deepEqual(watched.notices.map((n) => n.action), ['ban']);
    }

    const refusedOn = new Set<number>();
    for (let attempt = 0; attempt < 16 && refusedOn.size < 2; attempt++) {
      const refused = await refusedHandshake(server.url, browser);
      assert.match(refused.message, /banned until .*: spam/);
      assert.deepEqual((refused.data as { code: string }).code, 'BANNED');
      refusedOn.add(refused.worker);
    }
    assert.deepEqual([...refusedOn].sort(), [0, 1], 'both workers refuse the banned user');
    const recovery = await new Promise<{ message: string; data: unknown }>((resolve) => {
      away.once('connect_error', (error: Error & { data?: unknown }) => resolve({ message: error.message, data: error.data }));
      away.once('connect', () => resolve({ message: 'recovered', data: away.recovered }));
      away.connect();
    });
    away.close();
    assert.deepEqual((recovery.data as { code?: string } | undefined)?.code, 'BANNED', `the recovered session is refused too (got ${recovery.message})`);

    const restrictions = await must<RestrictionView[]>(admin.tab.socket, 'mod:restrictions', {});
    assert.ok(restrictions.some((r) => r.kind === 'ban' && r.userId === victim.id && r.reason === 'spam'));

    assert.equal(codeOf(await must(admin.tab.socket, 'mod:unban', { userId: victim.id }).then(() => ({ ok: true as const, data: null }))), 'ok');
    const back = await open(browser);
    assert.equal((await back.tab.whoAmI()).id, victim.id, 'unbanned, the same user connects again');
    assert.equal(codeOf(await ackOf(admin.tab.socket, 'mod:unban', { userId: victim.id })), 'UNKNOWN_USER', 'nothing left to lift');
  });

  test('a banned account cannot sign in from another connection', async () => {
    const name = unique('eve');
    const { watched: eve, userId: eveId } = await accountTab(server.url, name);
    opened.push(eve);
    await must(admin.tab.socket, 'mod:ban', { userId: eveId, reason: 'abuse' });
    await eventually(() => eve.disconnects.length > 0, 'eve closed');
    const guest = await open();
    const login = await ackOf(guest.tab.socket, 'account:login', { username: name, password: PASSWORD });
    assert.equal(codeOf(login), 'BANNED');
    await must(admin.tab.socket, 'mod:unban', { userId: eveId });
    assert.equal(codeOf(await ackOf(guest.tab.socket, 'account:login', { username: name, password: PASSWORD })), 'ok');
  });

  test('mute: messages in that room are refused (room protocol and the tutorial event) on both workers; other rooms and other users are not', async () => {
    const browser = newBrowser();
    const tabs = await tabsOnBothWorkers(server.url, browser);
    opened.push(...tabs);
    const [first] = tabs;
    const victim = await first!.tab.whoAmI();
    const room = await first!.tab.must('room:create', { name: unique('mute-') });
    const other = await first!.tab.must('room:create', { name: unique('free-') });
    const general = (await first!.tab.must('room:list', {})).find((r) => r.name === 'general')!;
    for (const watched of tabs) for (const id of [room.id, other.id, general.id]) await watched.tab.must('room:join', { roomId: id });

    await must(admin.tab.socket, 'mod:mute', { userId: victim.id, roomId: room.id, reason: 'flooding' });
    await must(admin.tab.socket, 'mod:mute', { userId: victim.id, roomId: general.id });
    for (const watched of tabs) {
      await eventually(() => watched.notices.some((n) => n.action === 'mute' && n.roomId === room.id), 'the tab is told');
      const refused = await watched.tab.call('message:send', { roomId: room.id, text: 'still here', clientId: randomUUID() });
      assert.equal(codeOf(refused), 'MUTED', `worker ${workerOfTab(watched.tab)} refuses`);
      assert.ok(!refused.ok && refused.message.includes('flooding'));
      await watched.tab.send(other.id, 'elsewhere is fine');
    }
    const tutorial = tutorialClient(server.url, { transports: ['websocket'], extraHeaders: { cookie: `parley_session=${browser}` } });
    await connected(tutorial);
    assert.equal(codeOf(await ackOf(tutorial, 'chat message', 'tutorial text', randomUUID())), 'MUTED');
    tutorial.close();
    const bystander = await open();
    await bystander.tab.must('room:join', { roomId: room.id });
    await bystander.tab.send(room.id, 'others still talk');

    await must(admin.tab.socket, 'mod:unmute', { userId: victim.id, roomId: room.id });
    for (const watched of tabs) await watched.tab.send(room.id, `back on worker ${workerOfTab(watched.tab)}`);
    await must(admin.tab.socket, 'mod:unmute', { userId: victim.id, roomId: general.id });
  });

  test('move: into a room (every tab is told and follows it), out of it (every tab stops, writing is refused)', async () => {
    const browser = newBrowser();
    const tabs = await tabsOnBothWorkers(server.url, browser);
    opened.push(...tabs);
    const victim = await tabs[0]!.tab.whoAmI();
    const room = await admin.tab.must('room:create', { name: unique('ops-') });
    await must(admin.tab.socket, 'mod:move', { userId: victim.id, roomId: room.id, to: 'in' });
    for (const watched of tabs) {
      await eventually(() => watched.tab.added.some((added: RoomSummary) => added.id === room.id && added.member), 'room:added reaches every tab');
      await watched.tab.must('room:join', { roomId: room.id });
    }
    await tabs[0]!.tab.send(room.id, 'moved in and talking');
    await eventually(() => tabs[1]!.tab.eventsOf(room.id).length === 1, 'the other tab follows the room');

    await must(admin.tab.socket, 'mod:move', { userId: victim.id, roomId: room.id, to: 'out' });
    for (const watched of tabs) {
      await eventually(() => watched.tab.removed.includes(room.id), 'room:removed reaches every tab');
      assert.equal(codeOf(await watched.tab.call('message:send', { roomId: room.id, text: 'gone?', clientId: randomUUID() })), 'NOT_MEMBER');
    }
    await admin.tab.send(room.id, 'after the move');
    await quietFor(300, 'a message of the room reaching a tab moved out of it');
    assert.equal(tabs[1]!.tab.eventsOf(room.id).length, 1, 'a moved-out tab gets no more events of the room');
    assert.equal(codeOf(await ackOf(admin.tab.socket, 'mod:move', { userId: victim.id, roomId: 1, to: 'out' })), 'FORBIDDEN', 'nobody leaves general');
  });

  test("delete: a moderator deletes anyone's message as an ordered event every follower gets; the history converges", async () => {
    const author = await open();
    const reader = await open();
    const room = await author.tab.must('room:create', { name: unique('del-') });
    await reader.tab.must('room:join', { roomId: room.id });
    const sent = await author.tab.send(room.id, 'something rude');
    await author.tab.send(room.id, 'something fine');
    const deleted = await must<{ serverOffset: number }>(admin.tab.socket, 'mod:delete', { roomId: room.id, target: sent.serverOffset, reason: 'rude' });
    assert.equal(deleted.serverOffset, 3);
    await eventually(() => reader.tab.eventsOf(room.id).length === 3, 'the reader gets the deletion');
    const deletion = reader.tab.eventsOf(room.id)[2] as RoomEvent;
    assert.deepEqual([deletion.kind, deletion.target, deletion.author.name], ['delete', sent.serverOffset, rootName]);
    const history = await readRoom(reader.tab, room.id);
    assert.deepEqual(history.map((e) => e.kind), ['message', 'message', 'delete']);
    assert.equal(codeOf(await ackOf(admin.tab.socket, 'mod:delete', { roomId: room.id, target: sent.serverOffset })), 'UNKNOWN_MESSAGE', 'deleted already');
    assert.equal(codeOf(await author.tab.call('message:edit', { roomId: room.id, target: sent.serverOffset, text: 'x', clientId: randomUUID() })), 'UNKNOWN_MESSAGE');
  });

  test('announce: one message in every public room, live to followers', async () => {
    const reader = await open();
    const rooms = [await reader.tab.must('room:create', { name: unique('ann-a-') }), await reader.tab.must('room:create', { name: unique('ann-b-') })];
    const text = `maintenance at noon ${randomUUID()}`;
    const { rooms: count } = await must<{ rooms: number }>(admin.tab.socket, 'mod:announce', { text });
    assert.ok(count >= 3, `announced in ${count} rooms`);
    for (const room of rooms) {
      await eventually(() => reader.tab.eventsOf(room.id).some((e) => e.text === `📣 ${text}`), `the announcement reaches room ${room.name}`);
    }
    const general = (await reader.tab.must('room:list', {})).find((r) => r.name === 'general')!;
    await reader.tab.must('room:join', { roomId: general.id });
    assert.ok((await readRoom(reader.tab, general.id)).some((e) => e.text === `📣 ${text}` && e.author.name === rootName));
  });

  test('the audit log keeps every action with its actor, newest first; also over HTTP', async () => {
    const log = await must<AuditView[]>(admin.tab.socket, 'mod:audit', { limit: 200 });
    const actions = new Set(log.map((entry) => entry.action));
    for (const action of ['role', 'kick', 'ban', 'unban', 'mute', 'unmute', 'move-in', 'move-out', 'delete', 'announce']) {
      assert.ok(actions.has(action), `${action} is in the audit log`);
    }
    assert.ok(log.every((entry, i) => i === 0 || entry.id < log[i - 1]!.id), 'newest first');
    assert.ok(log.filter((e) => e.action !== 'role' || e.actor === adminId).every((e) => e.actor === adminId && e.actorName === rootName));
    const page = await must<AuditView[]>(admin.tab.socket, 'mod:audit', { before: log[2]!.id, limit: 2 });
    assert.deepEqual(page.map((e) => e.id), [log[3]!.id, log[4]!.id]);

    const overHttp = await adminApi(server.url, TOKEN, 'GET', 'audit?limit=3');
    assert.equal(overHttp.status, 200);
    assert.deepEqual((overHttp.body.ok ? (overHttp.body.data as AuditView[]) : []).map((e) => e.id), log.slice(0, 3).map((e) => e.id));
  });

  test('the HTTP admin API: bearer token only, validated bodies, the same actions as the operator', async () => {
    assert.equal((await adminApi(server.url, undefined, 'POST', 'kick', { userId: 'g:x' })).status, 401);
    assert.equal((await adminApi(server.url, 'wrong-token-wrong-token-wrong', 'POST', 'kick', { userId: 'g:x' })).status, 401);
    const invalid = await adminApi(server.url, TOKEN, 'POST', 'ban', { userId: 'nobody', minutes: -1 });
    assert.equal(invalid.status, 400);
    assert.ok(!invalid.body.ok && invalid.body.error === 'INVALID_PAYLOAD' && /userId/.test(invalid.body.message));
    assert.equal((await adminApi(server.url, TOKEN, 'POST', 'ban', '{not json')).status, 400);
    assert.equal((await adminApi(server.url, TOKEN, 'POST', 'nothing-here', {})).status, 404);

    const browser = newBrowser();
    const victim = await open(browser);
    const user = await victim.tab.whoAmI();
    const banned = await adminApi(server.url, TOKEN, 'POST', 'ban', { userId: user.id, reason: 'by the operator' });
    assert.equal(banned.status, 200);
    await eventually(() => victim.disconnects.includes('io server disconnect'), 'the API ban closes the tab');
    assert.match((await refusedHandshake(server.url, browser)).message, /banned: by the operator/);
    const restrictions = await adminApi(server.url, TOKEN, 'GET', 'restrictions');
    assert.ok(restrictions.body.ok && (restrictions.body.data as RestrictionView[]).some((r) => r.userId === user.id && r.by.startsWith('token:')));
    assert.equal((await adminApi(server.url, TOKEN, 'POST', 'unban', { userId: user.id })).status, 200);
    assert.equal((await adminApi(server.url, TOKEN, 'POST', 'unban', { userId: user.id })).status, 404);
    // The operator outranks every account: it may demote even the configured admin's peers.
    assert.equal((await adminApi(server.url, TOKEN, 'POST', 'role', { username: 'no-such-account', role: 'admin' })).status, 404);
    const [entry] = ((await adminApi(server.url, TOKEN, 'GET', 'audit?limit=1')).body as { data: AuditView[] }).data;
    assert.deepEqual([entry?.action, entry?.actorName], ['unban', 'admin API']);
  });
});

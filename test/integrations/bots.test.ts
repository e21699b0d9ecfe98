import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RoomEvent, SentMessage } from '../../src/shared/events.js';
import { ackOf } from '../helpers/ack.js';
import { eventually, openSocket, type ChatSocket } from '../helpers/clients.js';
import { quietFor } from '../helpers/waits.js';
import { tabWorld } from '../helpers/world.js';
import { admin, botApi, createBot, createWebhook, OPERATOR_TOKEN } from './integration-http.js';

// Every bot of the file is its own user: each test makes the bots it uses. A bot's message
// budget is small here, so the limit is reached in a few calls (its own test).
const world = tabWorld({
  workers: 2,
  env: { PARLEY_ADMIN_TOKENS: OPERATOR_TOKEN, PARLEY_LIMITS: JSON.stringify({ 'bot-messages.user': { points: 12, seconds: 600 } }) },
});

const roomName = (): string => `room-${randomUUID().slice(0, 8)}`;
const botName = (): string => `bot-${randomUUID().slice(0, 8)}`;

/** A bot's socket: the room protocol, its token in `auth`. */
function botSocket(url: string, token: string): ChatSocket {
  return world.track(openSocket(url, { auth: { token, rooms: {} }, reconnection: false }));
}

/** Resolves once `socket` connected; rejects with the server's reason when refused. */
function connection(socket: ChatSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

describe('bot accounts: made by an admin, shown their token once, confined to their rooms', () => {
  test('over HTTP a bot sends, edits, reacts, deletes and reads its room; the page sees a bot; a retry with the same Idempotency-Key is stored once', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const { bot, token } = await createBot(world.url, botName(), [room.id]);
    assert.match(token, /^pbot_[A-Za-z0-9_-]{43}$/);
    assert.equal(bot.userId, `b:${bot.id}`);

    const first = await botApi(world.url, token, 'POST', 'send', { roomId: room.id, text: 'build 41 passed' }, { 'idempotency-key': 'build-41' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const sent = first.body['data'] as SentMessage;
    const retry = await botApi(world.url, token, 'POST', 'send', { roomId: room.id, text: 'build 41 passed' }, { 'idempotency-key': 'build-41' });
    assert.deepEqual(retry.body['data'], { serverOffset: sent.serverOffset, duplicate: true }, 'the retry names the stored message');

    await person.waitFor(() => person.eventsOf(room.id).some((event) => event.offset === sent.serverOffset), 'the person sees the bot message');
    const seen = person.eventsOf(room.id).find((event) => event.offset === sent.serverOffset) as RoomEvent;
    assert.deepEqual(seen.author, { id: bot.userId, name: bot.name, kind: 'bot' }, 'marked as a bot in the envelope');

    const edit = await botApi(world.url, token, 'POST', 'edit', { roomId: room.id, target: sent.serverOffset, text: 'build 41 passed (2 flaky)' });
    assert.equal(edit.status, 200, JSON.stringify(edit.body));
    const react = await botApi(world.url, token, 'POST', 'react', { roomId: room.id, target: sent.serverOffset, emoji: '👍', on: true });
    assert.equal(react.status, 200, JSON.stringify(react.body));
    const history = await botApi(world.url, token, 'GET', `history?roomId=${room.id}&limit=10`);
    assert.equal(history.status, 200, JSON.stringify(history.body));
    const events = history.body['data'] as RoomEvent[];
    assert.deepEqual(events.map((event) => event.kind), ['message', 'edit', 'react']);
    assert.equal(events[0]?.text, 'build 41 passed (2 flaky)', 'history reads the message as it is now');
    const deleted = await botApi(world.url, token, 'POST', 'delete', { roomId: room.id, target: sent.serverOffset });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    const me = await botApi(world.url, token, 'GET', 'me');
    assert.deepEqual(me.body['data'], { userId: bot.userId, name: bot.name, rooms: [room.id] });
  });

  test('hostile callers: no token, a forged one, a session token; a room not given, an unknown room, another author, bad and oversize bodies', async () => {
    const person = await world.open();
    const given = await person.must('room:create', { name: roomName() });
    const other = await person.must('room:create', { name: roomName() });
    const { token } = await createBot(world.url, botName(), [given.id]);
    const theirs = await person.send(given.id, 'a person wrote this');

    const none = await botApi(world.url, undefined, 'POST', 'send', { roomId: given.id, text: 'x' });
    assert.equal(none.status, 401);
    assert.equal(none.body['error'], 'UNAUTHENTICATED');
    const forged = await botApi(world.url, `pbot_${'A'.repeat(43)}`, 'POST', 'send', { roomId: given.id, text: 'x' });
    assert.equal(forged.status, 401, 'a forged token');
    const tampered = await botApi(world.url, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 'POST', 'send', { roomId: given.id, text: 'x' });
    assert.equal(tampered.status, 401, 'a token one character off');
    const account = await ackOf((await world.open()).socket, 'account:register', { username: `p${randomUUID().slice(0, 8)}`, password: 'correct horse battery staple' });
    assert.ok(account.ok, JSON.stringify(account));
    const session = await botApi(world.url, (account.data as { token: string }).token, 'GET', 'me');
    assert.equal(session.status, 401, "a person's session token is no bot token");

    const notGiven = await botApi(world.url, token, 'POST', 'send', { roomId: other.id, text: 'not my room' });
    assert.equal(notGiven.status, 403, JSON.stringify(notGiven.body));
    assert.equal(notGiven.body['error'], 'NOT_MEMBER');
    const unknown = await botApi(world.url, token, 'POST', 'send', { roomId: 999_999, text: 'nowhere' });
    assert.equal(unknown.status, 404);
    const notMine = await botApi(world.url, token, 'POST', 'edit', { roomId: given.id, target: theirs.serverOffset, text: 'hijacked' });
    assert.equal(notMine.status, 403);
    assert.equal(notMine.body['error'], 'NOT_AUTHOR');
    const readOther = await botApi(world.url, token, 'GET', `history?roomId=${other.id}`);
    assert.equal(readOther.status, 403, 'nor may it read a room it was not given');
    const me = (await botApi(world.url, token, 'GET', 'me')).body['data'] as { userId: string };
    const banned = await admin(world.url, 'POST', 'ban', { userId: me.userId, reason: 'spam', minutes: 1 });
    assert.equal(banned.status, 200, JSON.stringify(banned.body));
    const whileBanned = await botApi(world.url, token, 'POST', 'send', { roomId: given.id, text: 'banned?' });
    assert.deepEqual([whileBanned.status, whileBanned.body['error']], [403, 'BANNED'], 'a banned bot is refused over HTTP as at the handshake');
    assert.equal((await admin(world.url, 'POST', 'unban', { userId: me.userId })).status, 200);

    const badJson = await botApi(world.url, token, 'POST', 'send', '{"roomId": 1, "text": ');
    assert.equal(badJson.status, 400);
    const badField = await botApi(world.url, token, 'POST', 'send', { roomId: given.id, text: 42 });
    assert.equal(badField.status, 400);
    assert.match(String(badField.body['message']), /text/);
    const oversize = await botApi(world.url, token, 'POST', 'send', { roomId: given.id, text: 'x'.repeat(2_000_000) });
    assert.equal(oversize.status, 413);
    const wrongMethod = await botApi(world.url, token, 'GET', 'send');
    assert.equal(wrongMethod.status, 405);

    const history = await person.must('history:before', { roomId: other.id });
    assert.equal(history.length, 0, 'nothing reached the room the bot was not given');
  });

  test('over Socket.IO a bot speaks the room protocol in its rooms only: joining another room, creating one, the tutorial event are refused', async () => {
    const person = await world.open();
    const given = await person.must('room:create', { name: roomName() });
    const other = await person.must('room:create', { name: roomName() });
    const { bot, token } = await createBot(world.url, botName(), [given.id]);
    const socket = botSocket(world.url, token);
    const users: unknown[] = [];
    socket.on('session:user', (user) => users.push(user));
    await connection(socket);
    await eventually(() => users.length > 0, 'told who it is');
    assert.deepEqual(users[0], { id: bot.userId, name: bot.name, kind: 'bot' });

    const joined = await ackOf(socket, 'room:join', { roomId: given.id });
    assert.equal(joined.ok, true, JSON.stringify(joined));
    const sent = await ackOf(socket, 'message:send', { roomId: given.id, text: 'hello from a socket', clientId: randomUUID() });
    assert.equal(sent.ok, true, JSON.stringify(sent));

    const joinOther = await ackOf(socket, 'room:join', { roomId: other.id });
    assert.deepEqual([joinOther.ok, !joinOther.ok && joinOther.error], [false, 'NOT_MEMBER']);
    const members = await person.must('room:members' as 'room:list', { roomId: other.id });
    assert.ok(!JSON.stringify(members).includes(bot.userId), 'the refused join made it no member');
    const create = await ackOf(socket, 'room:create', { name: roomName() });
    assert.deepEqual([create.ok, !create.ok && create.error], [false, 'FORBIDDEN']);
    const tutorial = await ackOf(socket, 'chat message', 'into general', 'offset-1');
    assert.equal(tutorial.ok, false, 'the tutorial event writes in general, which the bot was not given');
    const bad = await ackOf(socket, 'message:send', { roomId: other.id, text: 'sneaking in', clientId: randomUUID() });
    assert.deepEqual([bad.ok, !bad.ok && bad.error], [false, 'NOT_MEMBER']);
    const direct = await person.call('dm:open', { userId: bot.userId });
    assert.deepEqual([direct.ok, !direct.ok && direct.error], [false, 'UNKNOWN_USER'], 'nobody makes the bot a member of a direct room');
  });

  test("a bot that connects as the tutorial's client is not caught up in general, which it was not given", async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const { token } = await createBot(world.url, botName(), [room.id]);
    const said = await ackOf(person.socket, 'chat message', 'in general, before the bot came', `${randomUUID()}-1`);
    assert.ok(said.ok, JSON.stringify(said));
    const socket = world.track(openSocket(world.url, { auth: { token, serverOffset: 0 }, reconnection: false }));
    const general: string[] = [];
    socket.on('chat message', (text) => general.push(text));
    await connection(socket);
    await quietFor(1000, 'a catch-up that would come');
    assert.deepEqual(general, []);
  });

  test('revoked: the live socket is closed at once, the token refused over both doorways; listed and audited', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const { bot, token } = await createBot(world.url, botName(), [room.id]);
    const listed = await admin(world.url, 'GET', 'bots');
    const views = listed.body['data'] as { id: number; revokedAt: number | null }[];
    assert.ok(views.some((view) => view.id === bot.id && view.revokedAt === null), 'listed');
    assert.ok(!JSON.stringify(listed.body).includes(token), 'the token is shown once, at creation');

    const socket = botSocket(world.url, token);
    const disconnected = new Promise<string>((resolve) => {
      socket.once('disconnect', resolve);
      setTimeout(() => resolve('still connected after 10 s'), 10_000).unref();
    });
    await connection(socket);
    const revoked = await admin(world.url, 'POST', 'bot-revoke', { botId: bot.id });
    assert.deepEqual(revoked.body, { ok: true, data: { revoked: true } });
    assert.equal(await disconnected, 'io server disconnect', 'its live socket was closed by the server');

    await assert.rejects(connection(botSocket(world.url, token)), /invalid or expired/, 'its handshake is refused');
    const http = await botApi(world.url, token, 'POST', 'send', { roomId: room.id, text: 'still here?' });
    assert.equal(http.status, 401);
    const again = await admin(world.url, 'POST', 'bot-revoke', { botId: bot.id });
    assert.equal(again.status, 404, 'revoked already');

    const audit = await admin(world.url, 'GET', 'audit?limit=50');
    const actions = (audit.body['data'] as { action: string; target: string | null }[]).filter((entry) => entry.target === bot.userId).map((entry) => entry.action);
    assert.deepEqual(actions, ['bot-revoke', 'bot-create']);
  });

  test("a bot's token and a webhook's secret are kept as hashes: no byte of either on disk or in the logs", async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const { token } = await createBot(world.url, botName(), [room.id]);
    const { path: hookPath } = await createWebhook(world.url, room.id, 'keeper');
    const secret = hookPath.split('/')[3] ?? '';
    assert.equal((await botApi(world.url, token, 'POST', 'send', { roomId: room.id, text: 'written with the token' })).status, 200);
    // Every byte on disk (the file and its write-ahead log), not just the columns we know of.
    const dir = path.dirname(world.server.databaseFile);
    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(path.join(dir, file));
      for (const clear of [token, secret]) assert.equal(bytes.includes(Buffer.from(clear)), false, `${file} holds a secret in clear`);
    }
    const logs = JSON.stringify(world.server.logs());
    assert.ok(!logs.includes(token) && !logs.includes(secret), 'the logs never show them');
  });

  test("a bot's name is taken for everyone, and a bot has a budget of its own", async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const name = botName();
    const { token } = await createBot(world.url, name, [room.id]);
    const twin = await admin(world.url, 'POST', 'bot-create', { name: name.toUpperCase(), rooms: [room.id] });
    assert.equal(twin.status, 409, JSON.stringify(twin.body));
    const register = await ackOf((await world.open()).socket, 'account:register', { username: name, password: 'correct horse battery staple' });
    assert.deepEqual([register.ok, !register.ok && register.error], [false, 'NAME_TAKEN'], 'no account can pass for the bot');
    const direct = await admin(world.url, 'POST', 'bot-create', { name: botName(), rooms: [999_999] });
    assert.equal(direct.status, 404, 'only rooms that exist');

    const answers: number[] = [];
    for (let index = 0; index < 14; index++) answers.push((await botApi(world.url, token, 'POST', 'send', { roomId: room.id, text: `tick ${index}` })).status);
    assert.deepEqual(answers, [...Array<number>(12).fill(200), 429, 429], 'bot-messages.user: 12 here');
    const socket = botSocket(world.url, token);
    await connection(socket);
    assert.equal((await ackOf(socket, 'room:join', { roomId: room.id })).ok, true);
    const overSocket = await ackOf(socket, 'message:send', { roomId: room.id, text: 'one more', clientId: randomUUID() });
    assert.deepEqual([overSocket.ok, !overSocket.ok && overSocket.error], [false, 'RATE_LIMITED'], 'one budget over both doorways');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import type { PresenceNotice, PublicUser } from '../../src/shared/events.js';
import { eventually, type ChatSocket } from '../helpers/clients.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { newCookie } from './clients.js';
import { letTimePass, quietFor } from '../helpers/waits.js';

const PASSWORD = 'correct horse battery';

/** A client of one browser session (`cookie`) that records who it is told it is and every presence notice. */
type WatchingClient = ChatSocket & { users: PublicUser[]; notices: PresenceNotice[] };

/**
 * A client with `cookie` (a browser session) and/or `token`, or neither (a program without a
 * cookie jar). Reconnects only when the test says so (connect()), keeping its recovery id
 * and offset.
 */
function browserClient(url: string, cookie: string | undefined, token?: string): WatchingClient {
  const socket = io(url, {
    auth: { serverOffset: 0, ...(token === undefined ? {} : { token }) },
    transports: ['websocket'],
    forceNew: true,
    autoConnect: false,
    reconnection: false,
    extraHeaders: cookie === undefined ? undefined : { cookie: `parley_session=${cookie}` },
  }) as WatchingClient;
  socket.users = [];
  socket.notices = [];
  socket.on('session:user', (user) => socket.users.push(user));
  socket.on('presence', (notice) => socket.notices.push(notice));
  return socket;
}

/** Connects (or reconnects) and resolves once the server told the socket who it is. */
async function open(socket: WatchingClient): Promise<void> {
  const told = socket.users.length;
  const refused = new Promise<never>((_, reject) => socket.once('connect_error', reject));
  socket.connect();
  await Promise.race([refused, eventually(() => socket.connected && socket.users.length > told, 'connected and told who it is')]);
}

/** socket.io-client keeps the connection state recovery id and offset in private fields. */
const recoveryState = (socket: ChatSocket): { _pid: unknown; _lastOffset: unknown } => ({
  _pid: Reflect.get(socket, '_pid'),
  _lastOffset: Reflect.get(socket, '_lastOffset'),
});

/**
 * Issue 10, defect 12: the connection state recovery id a client sends on reconnecting
 * (`pid` in its CONNECT packet) must not let another browser session take over its socket:
 * its id, rooms, data, missed packets and the identity changes sent to its browser.
 *
 * This test is also the fence on the Socket.IO internals the fix relies on (see
 * src/delivery/recovery-adapter.ts): should a Socket.IO version stop calling the adapter's
 * restoreSession inside Namespace._add, the victim stops recovering and this test fails.
 */
describe('connection state recovery is bound to the browser session', () => {
  let server: RunningServer;
  const sockets: ChatSocket[] = [];
  before(async () => {
    // One process: the in-memory adapter recovers sessions, the cluster adapter cannot.
    server = await startServer({ entry: 'main' });
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    assert.equal(await server.stop(), 0);
  });
  const client = (cookie: string | undefined, token?: string): WatchingClient => {
    const socket = browserClient(server.url, cookie, token);
    sockets.push(socket);
    return socket;
  };

  test("another browser presenting a client's recovery id gets a new connection, and the client still recovers", async () => {
    const victim = client(newCookie());
    await open(victim);
    const victimId = victim.id;
    const victimGuest = victim.users.at(-1);
    const listed = await victim.emitWithAck('presence:list', {});
    assert.ok(listed.ok, 'the victim watches who comes online');
    const stolen = recoveryState(victim);
    assert.equal(typeof stolen._pid, 'string', 'the victim has a recovery id');
    assert.equal(typeof stolen._lastOffset, 'string', 'and an offset');

    // The victim's connection drops (a network blip it may recover from) ...
    const dropped = new Promise((resolve) => victim.once('disconnect', resolve));
    victim.io.engine.close();
    await dropped;
    // ... and while it is away, someone comes online: a packet the victim misses.
    const watcher = client(newCookie());
    await open(watcher);
    assert.ok((await watcher.emitWithAck('presence:list', {})).ok);
    const newcomer = client(newCookie());
    await open(newcomer);
    const newcomerUser = newcomer.users.at(-1);
    await eventually(
      () => watcher.notices.some((notice) => notice.status === 'online' && notice.user.id === newcomerUser?.id),
      'the newcomer is announced online',
    );

    // Another browser presents the victim's recovery id and offset.
    const attacker = client(newCookie());
    Object.assign(attacker, stolen);
    await open(attacker);
    assert.equal(attacker.recovered, false, 'the attacker is not recovered');
    assert.notEqual(attacker.id, victimId, "the attacker does not get the victim's socket id");
    assert.notDeepEqual(attacker.users.at(-1), victimGuest, "the attacker is not the victim's user");

    // The victim comes back with its own cookie: recovered, with what it missed.
    await open(victim);
    assert.equal(victim.recovered, true, 'the victim recovers its own session');
    assert.equal(victim.id, victimId, 'under its own socket id');
    await eventually(
      () => victim.notices.some((notice) => notice.status === 'online' && notice.user.id === newcomerUser?.id),
      'the victim gets the notice it missed',
    );

    // The victim signs in: its browser's tabs are told, the attacker is not.
    const registered = await victim.emitWithAck('account:register', { username: 'Recovered', password: PASSWORD });
    assert.ok(registered.ok, JSON.stringify(registered));
    await eventually(() => victim.users.at(-1)?.id === registered.data.user.id, 'the victim is told it signed in');
    await quietFor(300, 'the attacker becoming the victim\'s account');
    assert.ok(
      attacker.users.every((user) => user.id !== registered.data.user.id),
      `the attacker never becomes the victim's account: ${JSON.stringify(attacker.users)}`,
    );
    assert.ok(
      attacker.notices.every((notice) => notice.user.id !== newcomerUser?.id || notice.status !== 'online'),
      `the attacker gets none of the victim's missed packets: ${JSON.stringify(attacker.notices)}`,
    );
    assert.ok(attacker.connected && victim.connected, 'both stay connected');
  });

  /** Drops the transport (recoverable) and reconnects; resolves with whether it was recovered. */
  const dropAndReconnect = async (socket: WatchingClient): Promise<boolean> => {
    const dropped = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.io.engine.close();
    await dropped;
    // The server keeps the session when it sees the old transport close, which a new TCP
    // connection may overtake: like a real client's reconnection delay.
    await letTimePass(300, 'the server keeps the session when the old transport closes (a real client\'s reconnection delay)');
    await open(socket);
    return socket.recovered;
  };

  test('a client with an account token but no cookie recovers with that token, and another token does not', async () => {
    const owner = client(newCookie());
    await open(owner);
    const first = await owner.emitWithAck('account:register', { username: 'TokenOne', password: PASSWORD });
    const second = await owner.emitWithAck('account:register', { username: 'TokenTwo', password: PASSWORD });
    assert.ok(first.ok && second.ok);

    const program = client(undefined, first.data.token);
    await open(program);
    assert.equal(await dropAndReconnect(program), true, 'the same token recovers');

    const stolen = recoveryState(program);
    const programId = program.id;
    const dropped = new Promise((resolve) => program.once('disconnect', resolve));
    program.io.engine.close();
    await dropped;
    const other = client(undefined, second.data.token);
    Object.assign(other, stolen);
    await open(other);
    assert.equal(other.recovered, false, 'another account presenting the id is not recovered');
    assert.notEqual(other.id, programId, 'and gets a socket id of its own');
  });

  test('a client with neither cookie nor token never recovers: nothing proves it is the same client', async () => {
    const program = client(undefined);
    await open(program);
    const first = program.id;
    assert.equal(await dropAndReconnect(program), false, 'a new connection');
    assert.notEqual(program.id, first, 'with a new socket id');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import type { PublicUser } from '../../src/shared/events.js';
import { eventually, type ChatSocket } from '../helpers/clients.js';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { signedSessionId } from '../helpers/session-cookies.js';
import { letTimePass } from '../helpers/waits.js';

const skip = await skipUnlessNodesCanRun();

type Client = ChatSocket & { users: PublicUser[] };

/** A browser session's client that reconnects only when told to, keeping its recovery id. */
function browserClient(url: string, cookie: string): Client {
  const socket = io(url, {
    auth: { serverOffset: 0 },
    transports: ['websocket'],
    forceNew: true,
    autoConnect: false,
    reconnection: false,
    extraHeaders: { cookie: `parley_session=${cookie}` },
  }) as Client;
  socket.users = [];
  socket.on('session:user', (user) => socket.users.push(user));
  return socket;
}

/**
 * Makes `socket` receive a broadcast that crosses the adapter (a direct room opened to its
 * user by `other`, from another node): only such packets carry the stream offset a client
 * needs to ask for recovery (`_lastOffset`); Parley's own deliveries and local emits do not.
 */
async function receiveCrossNodeBroadcast(socket: Client, other: Client): Promise<void> {
  const userId = socket.users.at(-1)?.id;
  if (userId === undefined) throw new Error('the socket has no user yet');
  const added = new Promise<void>((resolve) => socket.once('room:added', () => resolve()));
  const opened = (await other.timeout(10_000).emitWithAck('dm:open', { userId })) as { ok: boolean };
  assert.ok(opened.ok, 'the direct room opens');
  await added;
  assert.equal(typeof Reflect.get(socket, '_lastOffset'), 'string', 'the client holds a stream offset');
}

async function open(socket: Client): Promise<void> {
  const told = socket.users.length;
  socket.connect();
  await eventually(() => socket.connected && socket.users.length > told, 'connected and told who it is');
}

/**
 * With Redis, a session dropped on one node is recovered on another (the Redis Streams
 * adapter keeps sessions in Redis), and only by its own browser session: issue 10's
 * recovery takeover must not come back across nodes.
 */
describe('connection state recovery across nodes', { skip }, () => {
  let deployment: Deployment;
  const sockets: ChatSocket[] = [];
  before(async () => {
    deployment = await startDeployment({ nodes: 2, workers: 2 });
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await deployment?.close();
  });

  test('recovered on the other node by its own browser; another browser presenting its id gets a new connection', async () => {
    const [first, second] = deployment.urls() as [string, string];
    const victimCookie = signedSessionId();
    const victim = browserClient(first, victimCookie);
    sockets.push(victim);
    await open(victim);
    const friend = browserClient(second, signedSessionId());
    sockets.push(friend);
    await open(friend);
    await receiveCrossNodeBroadcast(victim, friend);
    const victimId = victim.id;
    const stolen = { _pid: Reflect.get(victim, '_pid'), _lastOffset: Reflect.get(victim, '_lastOffset') };
    assert.equal(typeof stolen._pid, 'string', 'the victim has a recovery id');
    const dropped = new Promise((resolve) => victim.once('disconnect', resolve));
    victim.io.engine.close();
    await dropped;
    // Socket.IO persists the session as the transport closes; give Redis the write.
    await letTimePass(300, 'Redis takes the session Socket.IO persists as the transport closes');

    const attacker = browserClient(second, signedSessionId());
    sockets.push(attacker);
    Object.assign(attacker, stolen);
    await open(attacker);
    assert.equal(attacker.recovered, false, 'the attacker is not recovered');
    assert.notEqual(attacker.id, victimId, "the attacker does not get the victim's socket id");

    // The session is read once (GETDEL): the attacker's try used it up, so the victim
    // reconnects as a new connection, caught up from the store, and still as itself.
    const victimAgain = browserClient(second, victimCookie);
    sockets.push(victimAgain);
    Object.assign(victimAgain, stolen);
    await open(victimAgain);
    assert.equal(victimAgain.users.at(-1)?.id, victim.users.at(-1)?.id, 'the victim is still itself');
    assert.notEqual(attacker.users.at(-1)?.id, victim.users.at(-1)?.id, 'and the attacker is not the victim');
  });

  test('a session dropped on one node is recovered on the other by the same browser', async () => {
    const [first, second] = deployment.urls() as [string, string];
    const cookie = signedSessionId();
    const tab = browserClient(first, cookie);
    sockets.push(tab);
    await open(tab);
    const friend = browserClient(second, signedSessionId());
    sockets.push(friend);
    await open(friend);
    await receiveCrossNodeBroadcast(tab, friend);
    const id = tab.id;
    const state = { _pid: Reflect.get(tab, '_pid'), _lastOffset: Reflect.get(tab, '_lastOffset') };
    const dropped = new Promise((resolve) => tab.once('disconnect', resolve));
    tab.io.engine.close();
    await dropped;
    await letTimePass(300, 'Redis takes the session Socket.IO persists as the transport closes');
    const same = browserClient(second, cookie);
    sockets.push(same);
    Object.assign(same, state);
    await open(same);
    assert.equal(same.recovered, true, 'recovered on the other node');
    assert.equal(same.id, id, 'under its own socket id');
  });
});

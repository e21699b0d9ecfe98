import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { AuditView, RegisteredCommandView } from '../../src/shared/events.js';
import type { CommandHelp } from '../../src/shared/commands.js';
import { refusedWith } from '../helpers/ack.js';
import type { Tab } from '../helpers/room-client.js';
import { quietFor } from '../helpers/waits.js';
import { Receiver } from '../integrations/receiver.js';
import { adminApi } from '../moderation/moderation-client.js';
import { ADMIN_TOKEN, backends, person, run, unique, type Deployed } from './command-world.js';

/** Registers `/name` at `url` over the operator's HTTP API; its view and signing secret. */
async function register(url: string, name: string, target: string): Promise<{ command: RegisteredCommandView; secret: string }> {
  const created = await adminApi(url, ADMIN_TOKEN, 'POST', 'command-create', { name, url: target, description: 'answers back', usage: '[words]' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.ok(created.body.ok);
  return created.body.data as { command: RegisteredCommandView; secret: string };
}

/** A receiver that takes the request and never answers: the command must time out. */
async function silentReceiver(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slow`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Issue 26, item 4: registered commands against a real receiver on a free port (which checks
 * the signature), on either store: in_channel and ephemeral answers, a receiver that times out
 * or answers garbage, admin calls that are audited.
 */
for (const backend of backends) {
  describe(`registered slash commands (${backend.name})`, { skip: await backend.skip() }, () => {
    let deployed: Deployed;
    const tabs: Tab[] = [];
    const stops: (() => Promise<void>)[] = [];
    before(async () => {
      // The receivers listen on loopback, which the deployment is told to allow.
      deployed = await backend.start({ PARLEY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', PARLEY_COMMAND_TIMEOUT_MS: '1500' });
    });
    after(async () => {
      for (const tab of tabs.splice(0)) tab.close();
      for (const stop of stops.splice(0)) await stop();
      await deployed?.stop();
    });

    test('a signed POST; in_channel is posted as the command for everyone, ephemeral is answered to the caller alone', async () => {
      const receiver = await Receiver.start();
      stops.push(() => receiver.stop());
      const name = unique('echo').toLowerCase();
      const { command, secret } = await register(deployed.url, name, receiver.url);
      receiver.expectSecret(secret);
      receiver.answer = (body) => {
        const words = String(body['text']);
        return { status: 200, body: JSON.stringify({ text: `echo: ${words}`, response_type: words.startsWith('public') ? 'in_channel' : 'ephemeral' }) };
      };

      const alice = await person(deployed.url, 'alice', tabs);
      const bob = await person(deployed.url, 'bob', tabs);
      const room = await alice.tab.must('room:create', { name: unique('reg-') });
      await bob.tab.must('room:join', { roomId: room.id });
      const offered = await alice.tab.must('command:list', {});
      assert.ok(offered.some((help: CommandHelp) => help.name === name && help.registered === true && help.usage === '[words]'), 'the composer is offered it');

      const publicAnswer = await run(alice.tab, room.id, `/${name} public hello`);
      assert.ok(publicAnswer.ok && publicAnswer.data.kind === 'message', JSON.stringify(publicAnswer));
      assert.equal(publicAnswer.data.text, 'echo: public hello');
      const [request] = receiver.received;
      assert.ok(request);
      assert.equal(request.signedRight, true, 'the receiver checked the HMAC signature');
      assert.deepEqual([request.body['command'], request.body['text'], request.body['user'], request.body['room'], request.body['thread_root']], [
        `/${name}`,
        'public hello',
        { id: alice.id, name: alice.name },
        { id: room.id, name: room.name },
        null,
      ]);
      await bob.tab.waitFor(() => bob.tab.eventsOf(room.id).some((event) => event.text === 'echo: public hello'), 'bob sees the public answer');
      const posted = bob.tab.eventsOf(room.id).find((event) => event.text === 'echo: public hello');
      assert.deepEqual(posted?.author, { id: `c:${command.id}`, name: `/${name}`, kind: 'bot' }, 'posted as the command');

      const before = bob.tab.eventsOf(room.id).length;
      const privateAnswer = await run(alice.tab, room.id, `/${name} just for me`);
      assert.deepEqual(privateAnswer, { ok: true, data: { kind: 'ephemeral', command: name, text: 'echo: just for me' } });
      await quietFor(300, 'the ephemeral answer reaches nobody else');
      assert.equal(bob.tab.eventsOf(room.id).length, before, 'nothing was posted');
      assert.equal(receiver.received.length, 2);

      // Typed in a thread: the receiver is told its root (a reply stands for it); the answer still goes to the room.
      const root = await alice.tab.send(room.id, 'a thread to ask in');
      const reply = await bob.tab.reply(room.id, root.serverOffset, 'a reply');
      const inThread = await run(alice.tab, room.id, `/${name} public from the thread`, reply.serverOffset);
      assert.ok(inThread.ok && inThread.data.kind === 'message', JSON.stringify(inThread));
      assert.equal(inThread.data.threadRoot, undefined, 'the answer went to the room');
      assert.equal(receiver.received[2]?.body['thread_root'], root.serverOffset, 'the signed body names the thread root');
      const answered = inThread.data.serverOffset;
      await bob.tab.waitFor(() => bob.tab.eventsOf(room.id).some((event) => event.offset === answered), 'bob sees the answer');
      assert.equal(bob.tab.eventsOf(room.id).find((event) => event.offset === answered)?.target, undefined, 'posted in the room, not the thread');
      refusedWith(await run(alice.tab, room.id, `/${name} public lost`, root.serverOffset + 100), 'UNKNOWN_MESSAGE', 'no such root');
      assert.equal(receiver.received.length, 3, 'a refused root calls no receiver');
    });

    test('a receiver that times out, fails or answers garbage: a clear error to the caller, nothing posted', async () => {
      const alice = await person(deployed.url, 'alice', tabs);
      const room = await alice.tab.must('room:create', { name: unique('reg-') });
      const slow = await silentReceiver();
      stops.push(slow.stop);
      const slowName = unique('slow').toLowerCase();
      await register(deployed.url, slowName, slow.url);
      const timedOut = await run(alice.tab, room.id, `/${slowName}`);
      refusedWith(timedOut, 'UNAVAILABLE', 'a receiver that never answers');
      assert.ok(!timedOut.ok && /within 1500 ms/.test(timedOut.message), timedOut.ok ? '' : timedOut.message);

      const receiver = await Receiver.start();
      stops.push(() => receiver.stop());
      const garbleName = unique('garble').toLowerCase();
      await register(deployed.url, garbleName, receiver.url);
      for (const answer of [
        { status: 200, body: 'not json at all' },
        { status: 200, body: JSON.stringify({ message: 'no text field' }) },
        { status: 200, body: JSON.stringify({ text: 'x', response_type: 'shout' }) },
        { status: 500, body: JSON.stringify({ text: 'it broke' }) },
      ]) {
        receiver.answer = () => answer;
        const result = await run(alice.tab, room.id, `/${garbleName} go`);
        refusedWith(result, 'UNAVAILABLE', answer.body);
      }
      const history = await alice.tab.must('history:before', { roomId: room.id });
      assert.equal(history.length, 0, 'nothing was posted');
    });

    test('admin calls: only admins register, list and delete commands; bad ones are refused; each change is audited', async () => {
      const member = await person(deployed.url, 'member', tabs);
      refusedWith(await member.tab.call('mod:command-create', { name: 'weather', url: 'https://example.com/weather' }), 'FORBIDDEN');
      refusedWith(await member.tab.call('mod:commands', {}), 'FORBIDDEN');
      for (const bad of [
        { name: 'me', url: 'https://example.com/x' },
        { name: 'Weather!', url: 'https://example.com/x' },
        { name: 'weather', url: 'ftp://example.com/x' },
        { name: 'weather', url: 'https://user:pw@example.com/x' },
        { name: 'weather' },
      ]) {
        const refused = await adminApi(deployed.url, ADMIN_TOKEN, 'POST', 'command-create', bad);
        assert.equal(refused.status, 400, `${JSON.stringify(bad)}: ${JSON.stringify(refused.body)}`);
      }
      const name = unique('deploy').toLowerCase();
      const { command } = await register(deployed.url, name, 'https://example.com/deploy');
      const again = await adminApi(deployed.url, ADMIN_TOKEN, 'POST', 'command-create', { name, url: 'https://example.com/other' });
      assert.equal(again.status, 400, 'a trigger word is registered once');
      const listed = await adminApi(deployed.url, ADMIN_TOKEN, 'GET', 'commands');
      assert.ok(listed.body.ok && (listed.body.data as RegisteredCommandView[]).some((entry) => entry.id === command.id && !('secret' in entry)), 'listed, without its secret');
      const deleted = await adminApi(deployed.url, ADMIN_TOKEN, 'POST', 'command-delete', { id: command.id });
      assert.deepEqual(deleted.body, { ok: true, data: { deleted: true } });
      const room = await member.tab.must('room:create', { name: unique('reg-') });
      refusedWith(await run(member.tab, room.id, `/${name}`), 'INVALID_PAYLOAD', 'a deleted command is unknown');
      const audit = await adminApi(deployed.url, ADMIN_TOKEN, 'GET', 'audit');
      const actions = (audit.body.ok ? (audit.body.data as AuditView[]) : []).filter((entry) => entry.target === `c:${command.id}`).map((entry) => entry.action);
      assert.deepEqual(actions.sort(), ['command-create', 'command-delete']);
    });
  });
}

describe('registered slash commands: the address rules of outgoing webhooks (SQLite, nothing allowed)', () => {
  let deployed: Deployed;
  const tabs: Tab[] = [];
  before(async () => {
    deployed = await backends[0]!.start({});
  });
  after(async () => {
    for (const tab of tabs.splice(0)) tab.close();
    await deployed?.stop();
  });

  test('a command at 127.0.0.1 or at the metadata address 169.254.169.254 is refused, its receiver never called', async () => {
    const receiver = await Receiver.start();
    try {
      const alice = await person(deployed.url, 'alice', tabs);
      const room = await alice.tab.must('room:create', { name: unique('ssrf-') });
      const local = unique('local').toLowerCase();
      await register(deployed.url, local, receiver.url);
      const metadata = unique('meta').toLowerCase();
      await register(deployed.url, metadata, 'http://169.254.169.254/latest/meta-data/');
      for (const name of [local, metadata]) {
        const refused = await run(alice.tab, room.id, `/${name}`);
        refusedWith(refused, 'UNAVAILABLE', name);
        assert.ok(!refused.ok && /refused address/.test(refused.message), refused.ok ? '' : refused.message);
      }
      assert.equal(receiver.received.length, 0, 'the loopback receiver was never reached');
    } finally {
      await receiver.stop();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { actionOf, SHRUG } from '../../src/shared/commands.js';
import type { AuditView, RoomSummary } from '../../src/shared/events.js';
import { ackOf, refusedWith } from '../helpers/ack.js';
import { connected, tutorialClient } from '../helpers/clients.js';
import type { Tab } from '../helpers/room-client.js';
import { eventually, quietFor } from '../helpers/waits.js';
import { adminApi } from '../moderation/moderation-client.js';
import { ADMIN_TOKEN, backends, makeAdmin, person, run, unique, type Deployed } from './command-world.js';

/**
 * Issue 26, item 4: the built-in slash commands, through the protocol (`command:run`) on a real
 * server, on either store. Each one is the call it stands for: its effect is seen by others,
 * and the moderation ones are refused to a member exactly as `mod:*` is.
 */
for (const backend of backends) {
  describe(`built-in slash commands (${backend.name})`, { skip: await backend.skip() }, () => {
    let deployed: Deployed;
    const tabs: Tab[] = [];
    before(async () => {
      deployed = await backend.start({});
    });
    after(async () => {
      for (const tab of tabs.splice(0)) tab.close();
      await deployed?.stop();
    });

    /** Two people in a new room: its creator and one who joined. */
    async function pair(): Promise<{ alice: Awaited<ReturnType<typeof person>>; bob: Awaited<ReturnType<typeof person>>; room: RoomSummary }> {
      const alice = await person(deployed.url, 'alice', tabs);
      const bob = await person(deployed.url, 'bob', tabs);
      const room = await alice.tab.must('room:create', { name: unique('cmd-') });
      await bob.tab.must('room:join', { roomId: room.id });
      return { alice, bob, room };
    }

    test('/me sends an action message and /shrug appends the shrug; others receive both; an unknown command sends nothing', async () => {
      const { alice, bob, room } = await pair();
      const me = await run(alice.tab, room.id, '/me waves');
      assert.ok(me.ok && me.data.kind === 'message', JSON.stringify(me));
      assert.equal(actionOf(me.data.text), 'waves');
      await bob.tab.waitFor(() => bob.tab.eventsOf(room.id).some((event) => actionOf(event.text) === 'waves' && event.author.name === alice.name), 'bob sees the action');

      const shrug = await run(alice.tab, room.id, '/shrug  no idea ');
      assert.ok(shrug.ok && shrug.data.kind === 'message');
      assert.equal(shrug.data.text, `no idea ${SHRUG}`);
      const bare = await run(alice.tab, room.id, '/SHRUG');
      assert.ok(bare.ok && bare.data.kind === 'message' && bare.data.text === SHRUG, 'a name in any case; no text: the shrug alone');
      await bob.tab.waitFor(() => bob.tab.eventsOf(room.id).filter((event) => event.text.endsWith(SHRUG)).length === 2, 'bob sees both shrugs');

      const before = bob.tab.eventsOf(room.id).length;
      refusedWith(await run(alice.tab, room.id, '/frobnicate now'), 'INVALID_PAYLOAD', 'an unknown command');
      refusedWith(await run(alice.tab, room.id, '/me'), 'INVALID_PAYLOAD', '/me without an action');
      refusedWith(await run(alice.tab, room.id, '/'), 'INVALID_PAYLOAD', 'a slash alone');
      refusedWith(await run(alice.tab, room.id, '//me is sent as text by the page, never as a command'), 'INVALID_PAYLOAD');
      await quietFor(300, 'nothing reaches bob');
      assert.equal(bob.tab.eventsOf(room.id).length, before, 'nothing was sent');
    });

    test('typed in a thread: /me and /shrug reply in it (a reply standing for its root), /topic acts on the room; a root of another room or a deleted one is refused, nothing run', async () => {
      const { alice, bob, room } = await pair();
      const root = await alice.tab.send(room.id, 'the thread starts here');
      const reply = await bob.tab.reply(room.id, root.serverOffset, 'a first reply');
      const me = await run(alice.tab, room.id, '/me waves in the thread', reply.serverOffset);
      assert.ok(me.ok && me.data.kind === 'message', JSON.stringify(me));
      assert.equal(me.data.threadRoot, root.serverOffset, 'the answer says the thread it went to');
      const shrug = await run(alice.tab, room.id, '/shrug no idea', root.serverOffset);
      assert.ok(shrug.ok && shrug.data.kind === 'message', JSON.stringify(shrug));
      const sent = [me.data.serverOffset, shrug.data.serverOffset];
      await bob.tab.waitFor(() => bob.tab.eventsOf(room.id).some((event) => event.offset === sent[1]), 'bob gets the shrug');
      const thread = bob.tab.eventsOf(room.id).filter((event) => sent.includes(event.offset));
      assert.deepEqual(
        thread.map((event) => [actionOf(event.text) ?? event.text, event.target]),
        [
          ['waves in the thread', root.serverOffset],
          [`no idea ${SHRUG}`, root.serverOffset],
        ],
        'both are replies of the root',
      );
      const topic = await run(alice.tab, room.id, '/topic set from a thread', reply.serverOffset);
      assert.ok(topic.ok && topic.data.kind === 'done', JSON.stringify(topic));
      assert.equal((await bob.tab.must('room:list', {})).find((summary) => summary.id === room.id)?.topic, 'set from a thread', 'the room has the topic');

      const elsewhere = await alice.tab.must('room:create', { name: unique('other-') });
      let farOffset = 0;
      for (let index = 0; index < 8; index += 1) farOffset = (await alice.tab.send(elsewhere.id, `elsewhere ${index}`)).serverOffset;
      const doomed = await alice.tab.send(room.id, 'a root soon deleted');
      await alice.tab.must('message:delete', { roomId: room.id, target: doomed.serverOffset, clientId: unique('d') });
      const before = bob.tab.eventsOf(room.id).length;
      for (const [what, replyTo] of [
        ['a root of another room', farOffset],
        ['a deleted root', doomed.serverOffset],
      ] as const) {
        for (const command of ['/me waves', '/shrug', '/topic not from here']) {
          const refused = await run(alice.tab, room.id, command, replyTo);
          refusedWith(refused, 'UNKNOWN_MESSAGE', `${command} in ${what}`);
          assert.ok(!refused.ok && refused.message.includes(`no message at offset ${replyTo} in this room, or it was deleted`), refused.ok ? '' : refused.message);
        }
      }
      refusedWith(await ackOf(alice.tab.socket, 'command:run', { roomId: room.id, text: '/shrug', clientId: unique('c'), replyTo: 'one' }), 'INVALID_PAYLOAD', 'a replyTo that is no offset');
      await quietFor(300, 'nothing reaches bob');
      assert.equal(bob.tab.eventsOf(room.id).length, before, 'nothing was sent');
      assert.equal((await bob.tab.must('room:list', {})).find((summary) => summary.id === room.id)?.topic, 'set from a thread', 'the topic is unchanged');
    });

    test("/me in general reaches the tutorial's page as a line it can show: '* alice waves'", async () => {
      const alice = await person(deployed.url, 'alice', tabs);
      const general = (await alice.tab.must('room:list', {})).find((summary) => summary.name === 'general');
      assert.ok(general);
      await alice.tab.must('room:join', { roomId: general.id });
      const tutorial = tutorialClient(deployed.url, { transports: ['websocket'] });
      tabs.push({ close: () => tutorial.close() } as unknown as Tab);
      await connected(tutorial);
      const acted = await run(alice.tab, general.id, '/me waves at the tutorial');
      assert.ok(acted.ok, JSON.stringify(acted));
      await eventually(() => tutorial.deliveries.some((delivery) => delivery.text === `* ${alice.name} waves at the tutorial`), 'the tutorial client gets the action as text');
    });

    test('/topic sets the topic: followers get room:topic, the room list carries it; /invite tells the person; /leave leaves', async () => {
      const { alice, bob, room } = await pair();
      const topics: unknown[] = [];
      bob.tab.socket.on('room:topic', (change) => topics.push(change));
      const set = await run(alice.tab, room.id, '/topic Release planning, Thursday');
      assert.ok(set.ok && set.data.kind === 'done', JSON.stringify(set));
      await eventually(() => topics.length === 1, 'bob gets room:topic');
      assert.deepEqual(topics[0], { roomId: room.id, topic: 'Release planning, Thursday', by: alice.name });
      const listed = (await bob.tab.must('room:list', {})).find((summary) => summary.id === room.id);
      assert.equal(listed?.topic, 'Release planning, Thursday', 'stored: the room list says it');

      const carol = await person(deployed.url, 'carol', tabs);
      const invitations: unknown[] = [];
      carol.tab.socket.on('room:invited', (invitation) => invitations.push(invitation));
      const invited = await run(alice.tab, room.id, `/invite @${carol.name.toUpperCase()}`);
      assert.ok(invited.ok && invited.data.kind === 'done', JSON.stringify(invited));
      await eventually(() => invitations.length === 1, 'carol is told');
      assert.deepEqual(invitations[0], { roomId: room.id, roomName: room.name, by: alice.name });
      refusedWith(await run(alice.tab, room.id, '/invite @nobody-by-this-name'), 'UNKNOWN_USER');
      refusedWith(await run(alice.tab, room.id, '/invite'), 'INVALID_PAYLOAD');
      refusedWith(await run(carol.tab, room.id, '/topic not a member here'), 'NOT_MEMBER', 'a non-member runs nothing in the room');

      const left = await run(bob.tab, room.id, '/leave');
      assert.ok(left.ok && left.data.kind === 'done');
      assert.ok(!(await bob.tab.must('room:list', {})).some((summary) => summary.id === room.id && summary.member), 'bob is no longer a member');
      refusedWith(await run(bob.tab, room.id, '/me is gone'), 'NOT_MEMBER');
    });

    test('/mute, /kick and /ban: refused to a member, done by a moderator (mute, kick) and an admin (ban), audited as mod:* is', async () => {
      const { alice, bob, room } = await pair();
      for (const command of [`/mute @${alice.name} 5`, `/kick @${alice.name}`, `/ban @${alice.name} spam`, '/kick @nobody-at-all']) {
        refusedWith(await run(bob.tab, room.id, command), 'FORBIDDEN', `a member runs ${command}`);
      }
      const boss = await person(deployed.url, 'boss', tabs);
      await makeAdmin(deployed.databaseUrl, boss.name);
      await boss.tab.must('room:join', { roomId: room.id });
      const made = await adminApi(deployed.url, ADMIN_TOKEN, 'POST', 'role', { username: alice.name, role: 'moderator' });
      assert.equal(made.status, 200, JSON.stringify(made.body));

      const muted = await run(alice.tab, room.id, `/mute @${bob.name} 5`);
      assert.ok(muted.ok && muted.data.kind === 'done', JSON.stringify(muted));
      refusedWith(await bob.tab.call('message:send', { roomId: room.id, text: 'can I talk?', clientId: unique('c') }), 'MUTED', 'bob is muted');
      refusedWith(await run(alice.tab, room.id, `/mute @${bob.name} soon`), 'INVALID_PAYLOAD', 'minutes are a number');
      refusedWith(await run(alice.tab, room.id, `/ban @${bob.name}`), 'FORBIDDEN', 'a moderator may not ban');
      refusedWith(await run(alice.tab, room.id, '/kick @nobody-at-all'), 'UNKNOWN_USER', 'a moderator is told the name is no one’s');

      let disconnected = false;
      bob.tab.socket.on('disconnect', () => (disconnected = true));
      const kicked = await run(alice.tab, room.id, `/kick @${bob.name}`);
      assert.ok(kicked.ok, JSON.stringify(kicked));
      await eventually(() => disconnected, 'bob is disconnected');

      const banned = await run(boss.tab, room.id, `/ban @${bob.name} flooding the room`);
      assert.ok(banned.ok, JSON.stringify(banned));
      const audit = await adminApi(deployed.url, ADMIN_TOKEN, 'GET', 'audit');
      assert.ok(audit.body.ok);
      const actions = (audit.body.data as AuditView[]).filter((entry) => entry.target === bob.id).map((entry) => [entry.action, entry.actorName]);
      for (const expected of [['mute', alice.name], ['kick', alice.name], ['ban', boss.name]]) assert.ok(actions.some((entry) => entry[0] === expected[0] && entry[1] === expected[1]), `audited: ${expected.join(' by ')}`);
    });

    test('a hostile client: malformed command:run payloads get a clear error, and the server keeps serving', async () => {
      const { alice, room } = await pair();
      for (const payload of [null, 'text', { roomId: room.id }, { roomId: room.id, text: 'me waves', clientId: 'x' }, { roomId: -1, text: '/me', clientId: 'x' }, { roomId: room.id, text: '/me \u0000', clientId: 'x' }]) {
        refusedWith(await ackOf(alice.tab.socket, 'command:run', payload), 'INVALID_PAYLOAD', JSON.stringify(payload).slice(0, 60));
      }
      refusedWith(await ackOf(alice.tab.socket, 'command:run', { roomId: room.id, text: `/me ${'x'.repeat(5000)}`, clientId: 'x' }), 'MESSAGE_TOO_LONG');
      refusedWith(await ackOf(alice.tab.socket, 'room:topic', { roomId: room.id, topic: 'x'.repeat(301) }), 'INVALID_PAYLOAD');
      refusedWith(await ackOf(alice.tab.socket, 'room:invite', { roomId: room.id }), 'INVALID_PAYLOAD');
      const still = await run(alice.tab, room.id, '/shrug');
      assert.ok(still.ok, 'still serving');
    });
  });
}

describe('built-in slash commands pay the price of the call they stand for (SQLite)', () => {
  let deployed: Deployed;
  const tabs: Tab[] = [];
  before(async () => {
    // PARLEY_RATE_BURST sets the messages budget of a connection (messages.connection): two messages, one more a second.
    deployed = await backends[0]!.start({ PARLEY_RATE_BURST: '2', PARLEY_RATE_LIMIT: '1' });
  });
  after(async () => {
    for (const tab of tabs.splice(0)) tab.close();
    await deployed?.stop();
  });

  test('/me and /shrug spend the per-connection messages budget that message:send spends: past it both are RATE_LIMITED alike', async () => {
    const alice = await person(deployed.url, 'alice', tabs);
    const room = await alice.tab.must('room:create', { name: unique('price-') });
    // Sent together, well within the second in which one more token comes back.
    const [first, second, third, plain] = await Promise.all([
      run(alice.tab, room.id, '/me pays once'),
      run(alice.tab, room.id, '/shrug'),
      run(alice.tab, room.id, '/me pays thrice'),
      alice.tab.call('message:send', { roomId: room.id, text: 'plain', clientId: unique('c') }),
    ]);
    const codes = [first, second, third, plain].map((ack) => (ack.ok ? 'ok' : ack.error));
    assert.equal(codes.filter((code) => code === 'ok').length, 2, `two messages fit the budget, commands or not: ${codes.join(' ')}`);
    assert.equal(codes.filter((code) => code === 'RATE_LIMITED').length, 2, `the others are RATE_LIMITED alike: ${codes.join(' ')}`);
    const history = await alice.tab.must('history:before', { roomId: room.id });
    assert.equal(history.length, 2, 'nothing past the budget was stored');
  });
});

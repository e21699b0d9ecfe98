import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { RoomEvent } from '../../src/shared/events.js';
import { MAX_PINS } from '../../src/shared/protocol/pins.js';
import { ackOf, codeOf } from '../helpers/ack.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { grantAdmin } from '../helpers/admin-command.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { accountTab } from '../moderation/moderation-client.js';
import { postgresHarness, postgresReachable, postgresUrl, type StoreHarness } from '../store/harness.js';

/** The pinned offsets after applying `events` in offset order: the latest pin/unpin of a message decides. */
function pinnedBy(events: readonly RoomEvent[]): number[] {
  const state = new Map<number, boolean>();
  for (const event of [...events].sort((a, b) => a.offset - b.offset)) {
    if ((event.kind === 'pin' || event.kind === 'unpin') && event.target !== undefined) state.set(event.target, event.kind === 'pin');
  }
  return [...state].filter(([, on]) => on).map(([target]) => target).sort((a, b) => a - b);
}

/** Issue 25, item 5: pins are ordered events of the room; `room:pins` lists what they add up to. */
function pinSuite(backend: string, database: () => Promise<Record<string, string>>, databaseUrl: (server: RunningServer) => string, skip: string | false): void {
  describe(`pins on ${backend}`, () => {
    let server: RunningServer | undefined;
    /** Closed after the suite's last test, before its server stops. */
    const tabs: { close(): void }[] = [];
    before(async () => {
      if (!skip) server = await startServer({ workers: 2, env: await database() });
    });
    after(async () => {
      for (const tab of tabs.splice(0)) tab.close();
      await server?.stop();
    });
    const url = (): string => server?.url ?? assert.fail('no server');
    const open = async (nickname: string, browser = newBrowser(), rooms: Record<string, number> = {}): Promise<Tab> => {
      const tab = await Tab.open(url(), { browser, rooms });
      tabs.push(tab);
      assert.equal(codeOf(await ackOf(tab.socket, 'guest:nickname', { nickname })), 'ok');
      return tab;
    };
    const pin = (tab: Tab, roomId: number, target: number, clientId = randomUUID()) => tab.call('message:pin', { roomId, target, clientId });
    const unpin = (tab: Tab, roomId: number, target: number) => tab.call('message:unpin', { roomId, target, clientId: randomUUID() });

    test('pin and unpin reach the room live, are listed newest first, caught up after being away, and a deletion unpins', { skip }, async () => {
      const tag = randomUUID().slice(0, 6);
      const carolBrowser = newBrowser();
      const [ana, ben, carol] = [await open(`ana${tag}`), await open(`ben${tag}`), await open(`carol${tag}`, carolBrowser)];
      const room = await ana.must('room:create', { name: `pins-${tag}` });
      await ben.must('room:join', { roomId: room.id });
      await carol.must('room:join', { roomId: room.id });
      const [first, second, third] = [await ana.send(room.id, 'the plan'), await ben.send(room.id, 'the address'), await ana.send(room.id, 'chatter')];
      await carol.waitFor(() => carol.eventsOf(room.id).length === 3, 'carol follows the room');
      const lastSeen = carol.rooms[String(room.id)] ?? 0;
      carol.close();

      const clientId = randomUUID();
      const benPin = await ben.must('message:pin', { roomId: room.id, target: first.serverOffset, clientId });
      assert.equal(benPin.duplicate, false);
      assert.deepEqual(await ben.must('message:pin', { roomId: room.id, target: first.serverOffset, clientId }), { ...benPin, duplicate: true }, 'a retry stores nothing again');
      const anaPin = await ana.must('message:pin', { roomId: room.id, target: second.serverOffset, clientId: randomUUID() });
      assert.deepEqual(await ana.must('message:pin', { roomId: room.id, target: first.serverOffset, clientId: randomUUID() }), { serverOffset: benPin.serverOffset, duplicate: true }, 'pinning a pinned message answers its pin');
      await ana.waitFor(() => ana.eventsOf(room.id).some((event) => event.kind === 'pin' && event.offset === benPin.serverOffset), 'ana sees ben’s pin live');
      await ben.waitFor(() => ben.eventsOf(room.id).some((event) => event.kind === 'pin' && event.offset === anaPin.serverOffset), 'ben sees ana’s pin live');
      const live = ana.eventsOf(room.id).find((event) => event.offset === benPin.serverOffset);
      assert.deepEqual([live?.kind, live?.target, live?.text, live?.author.name], ['pin', first.serverOffset, '', `ben${tag}`]);

      const listed = await ben.must('room:pins', { roomId: room.id });
      assert.deepEqual(
        listed.map((entry) => [entry.message.offset, entry.message.text, entry.pinnedBy.name, entry.pinOffset]),
        [
          [second.serverOffset, 'the address', `ana${tag}`, anaPin.serverOffset],
          [first.serverOffset, 'the plan', `ben${tag}`, benPin.serverOffset],
        ],
        'newest pin first, with who pinned',
      );
      assert.ok(listed.every((entry) => entry.pinnedAt > Date.now() - 120_000 && entry.pinnedAt <= Date.now() + 1000), 'when it was pinned');

      await ana.must('message:edit', { roomId: room.id, target: first.serverOffset, text: 'the new plan', clientId: randomUUID() });
      assert.equal((await ana.must('room:pins', { roomId: room.id }))[1]?.message.text, 'the new plan', 'a pinned message reads as edited');

      assert.equal(codeOf(await unpin(ana, room.id, first.serverOffset)), 'FORBIDDEN', 'a member cannot take away another’s pin in a room');
      assert.equal(codeOf(await unpin(ben, room.id, first.serverOffset)), 'ok');
      assert.equal(codeOf(await unpin(ben, room.id, first.serverOffset)), 'NOT_PINNED');
      assert.deepEqual((await ana.must('room:pins', { roomId: room.id })).map((entry) => entry.message.offset), [second.serverOffset]);

      const back = await open(`carol${tag}`, carolBrowser, { [room.id]: lastSeen });
      const history = await ana.must('history:before', { roomId: room.id });
      await back.waitFor(() => back.eventsOf(room.id).length === history.length - 3, 'carol catches up every event she missed');
      assert.deepEqual(back.eventsOf(room.id).map((event) => event.offset), history.slice(3).map((event) => event.offset), 'once each, in order');
      assert.deepEqual(pinnedBy(back.eventsOf(room.id)), [second.serverOffset], 'carol, away meanwhile, converges');
      assert.deepEqual(pinnedBy(history), [second.serverOffset], 'the history says the same');

      await ben.must('message:delete', { roomId: room.id, target: second.serverOffset, clientId: randomUUID() });
      assert.deepEqual(await ana.must('room:pins', { roomId: room.id }), [], 'deleting a message unpins it');
      assert.equal(codeOf(await pin(ana, room.id, second.serverOffset)), 'UNKNOWN_MESSAGE', 'a deleted message cannot be pinned');
      assert.equal(codeOf(await unpin(ana, room.id, second.serverOffset)), 'NOT_PINNED');
      const summary = (await back.must('room:list', {})).find((entry) => entry.id === room.id);
      assert.equal(summary?.unread, 3, 'pins are not unread messages');
      assert.equal(third.serverOffset, first.serverOffset + 2);
    });

    test('hostile pins are refused with a clear error and store nothing: non-member, another room’s or a missing offset, a reply, bad fields', { skip }, async () => {
      const tag = randomUUID().slice(0, 6);
      const [ana, eve] = [await open(`ana${tag}`), await open(`eve${tag}`)];
      const room = await ana.must('room:create', { name: `pin-hostile-${tag}` });
      const other = await ana.must('room:create', { name: `pin-other-${tag}` });
      const message = await ana.send(room.id, 'mine');
      for (let index = 0; index < 3; index++) await ana.send(other.id, `other ${index}`);
      const head = (await ana.must('room:list', {})).find((entry) => entry.id === room.id)?.head ?? assert.fail('room listed');

      assert.equal(codeOf(await pin(eve, room.id, message.serverOffset)), 'NOT_MEMBER', 'a non-member may not pin');
      assert.equal(codeOf(await unpin(eve, room.id, message.serverOffset)), 'NOT_MEMBER');
      assert.equal(codeOf(await pin(ana, room.id, 3)), 'UNKNOWN_MESSAGE', 'an offset of another room names nothing here');
      assert.equal(codeOf(await pin(ana, room.id, 999_999)), 'UNKNOWN_MESSAGE', 'a missing offset');
      assert.equal(codeOf(await pin(ana, 2 ** 31 - 1, 1)), 'UNKNOWN_ROOM');
      const reply = await ana.reply(room.id, message.serverOffset, 'a reply');
      assert.equal(codeOf(await pin(ana, room.id, reply.serverOffset)), 'INVALID_PAYLOAD', 'a thread reply is not pinned');
      const own = await ana.must('message:pin', { roomId: room.id, target: message.serverOffset, clientId: randomUUID() });
      assert.equal(codeOf(await pin(ana, room.id, own.serverOffset)), 'UNKNOWN_MESSAGE', 'a pin event is not a message to pin');
      const bad: unknown[] = [
        undefined,
        null,
        'pin',
        [],
        { roomId: room.id, target: message.serverOffset },
        { roomId: room.id, target: -1, clientId: 'x' },
        { roomId: room.id, target: 0, clientId: 'x' },
        { roomId: room.id, target: '1', clientId: 'x' },
        { roomId: room.id, target: 1.5, clientId: 'x' },
        { roomId: 'general', target: 1, clientId: 'x' },
        { roomId: room.id, target: 1, clientId: 'x'.repeat(500) },
        { roomId: room.id, target: 1, clientId: 'nul\u0000' },
        { roomId: 2 ** 40, target: 1, clientId: 'x' },
      ];
      for (const payload of bad) {
        for (const event of ['message:pin', 'message:unpin']) {
          assert.equal(codeOf(await ackOf(ana.socket, event, payload)), 'INVALID_PAYLOAD', `${event} ${JSON.stringify(payload)}`);
        }
      }
      for (const payload of [undefined, {}, { roomId: -1 }, { roomId: 'x' }]) assert.equal(codeOf(await ackOf(ana.socket, 'room:pins', payload)), 'INVALID_PAYLOAD');
      assert.equal(codeOf(await ackOf(ana.socket, 'room:pins', { roomId: 2 ** 31 - 1 })), 'UNKNOWN_ROOM');
      assert.equal(codeOf(await ackOf(ana.socket, 'room:pins', { roomId: room.id, epoch: 'not-this-one' })), 'EPOCH_CHANGED');
      assert.equal((await eve.must('room:pins', { roomId: room.id })).length, 1, 'a public room’s pins are read by whoever may read it');

      const direct = await ana.must('dm:open', { userId: (await (await open(`dan${tag}`)).whoAmI()).id });
      assert.equal(codeOf(await ackOf(eve.socket, 'room:pins', { roomId: direct.id })), 'UNKNOWN_ROOM', 'another’s direct room reveals nothing');
      assert.equal(codeOf(await pin(eve, direct.id, 1)), 'UNKNOWN_ROOM');
      const linked = await eve.must('message:link', { roomId: room.id, offset: message.serverOffset });
      assert.deepEqual([linked.room.id, linked.room.name, linked.room.kind, linked.message.text], [room.id, `pin-hostile-${tag}`, 'public', 'mine'], 'a link to a public room opens for a non-member');
      assert.equal((await eve.must('message:link', { roomId: room.id, offset: reply.serverOffset })).message.target, message.serverOffset, 'a reply’s link names its root');
      const said = await ana.send(direct.id, 'between us');
      assert.equal(codeOf(await ackOf(eve.socket, 'message:link', { roomId: direct.id, offset: said.serverOffset })), 'UNKNOWN_ROOM', 'a link into another’s direct room opens nothing');
      assert.equal((await ana.must('message:link', { roomId: direct.id, offset: said.serverOffset })).room.kind, 'direct');
      assert.equal(codeOf(await ackOf(eve.socket, 'message:link', { roomId: room.id, offset: own.serverOffset })), 'UNKNOWN_MESSAGE', 'a pin event is no message');
      assert.equal(codeOf(await ackOf(eve.socket, 'message:link', { roomId: room.id, offset: 999_999 })), 'UNKNOWN_MESSAGE');
      for (const payload of [undefined, {}, { roomId: room.id }, { roomId: room.id, offset: 0 }, { roomId: room.id, offset: 'x' }, { roomId: -1, offset: 1 }]) {
        assert.equal(codeOf(await ackOf(eve.socket, 'message:link', payload)), 'INVALID_PAYLOAD', `message:link ${JSON.stringify(payload)}`);
      }
      const after = (await ana.must('room:list', {})).find((entry) => entry.id === room.id)?.head;
      assert.equal(after, head + 2, 'only the reply and the one pin were stored');
      assert.equal((await ana.send(room.id, 'still standing')).duplicate, false, 'the server is still up');
    });

    test('the tutorial’s clients in general are sent no pin events', { skip }, async () => {
      const tag = randomUUID().slice(0, 6);
      const ana = await open(`ana${tag}`);
      const general = (await ana.must('room:list', {})).find((room) => room.name === 'general') ?? assert.fail('general is listed');
      await ana.must('room:join', { roomId: general.id });
      const old = tutorialClient(url(), { transports: ['websocket'] });
      tabs.push(old);
      await connected(old);
      const message = await ana.send(general.id, `pin me ${tag}`);
      await ana.must('message:pin', { roomId: general.id, target: message.serverOffset, clientId: randomUUID() });
      const marker = await ana.send(general.id, `marker ${tag}`);
      await eventually(() => old.deliveries.some((delivery) => delivery.serverOffset === marker.serverOffset), 'the tutorial client gets what follows the pin');
      assert.deepEqual(
        old.deliveries.filter((delivery) => delivery.text.endsWith(tag)),
        [
          { text: `pin me ${tag}`, serverOffset: message.serverOffset },
          { text: `marker ${tag}`, serverOffset: marker.serverOffset },
        ],
        'messages only: the pin, no message, is not sent',
      );
    });

    test(`a room holds at most ${MAX_PINS} pins; whoever pinned, either member of a direct room, or a moderator may unpin`, { skip }, async () => {
      const tag = randomUUID().slice(0, 6);
      const [ana, ben] = [await open(`ana${tag}`), await open(`ben${tag}`)];
      const room = await ana.must('room:create', { name: `pin-limit-${tag}` });
      await ben.must('room:join', { roomId: room.id });
      const offsets: number[] = [];
      for (let index = 0; index <= MAX_PINS; index++) offsets.push((await ana.send(room.id, `note ${index}`)).serverOffset);
      for (const offset of offsets.slice(0, MAX_PINS)) assert.equal(codeOf(await pin(ben, room.id, offset)), 'ok');
      const refused = await pin(ana, room.id, offsets[MAX_PINS] ?? 0);
      assert.equal(codeOf(refused), 'PIN_LIMIT');
      assert.match(refused.ok ? '' : refused.message, /unpin one first/);
      assert.equal((await ana.must('room:pins', { roomId: room.id })).length, MAX_PINS);

      const { watched } = await accountTab(url(), `mod${tag}`);
      const moderator = watched.tab;
      tabs.push(moderator);
      await grantAdmin(databaseUrl(server ?? assert.fail('no server')), `mod${tag}`);
      await moderator.must('room:join', { roomId: room.id });
      assert.equal(codeOf(await unpin(ana, room.id, offsets[0] ?? 0)), 'FORBIDDEN', 'a member cannot');
      assert.equal(codeOf(await unpin(moderator, room.id, offsets[0] ?? 0)), 'ok', 'a moderator can unpin anything');
      assert.equal(codeOf(await pin(ana, room.id, offsets[MAX_PINS] ?? 0)), 'ok', 'room again for one pin');

      const direct = await ana.must('dm:open', { userId: (await ben.whoAmI()).id });
      await ben.must('room:join', { roomId: direct.id });
      const said = await ana.send(direct.id, 'our address');
      assert.equal(codeOf(await pin(ben, direct.id, said.serverOffset)), 'ok', 'either member pins in a direct room');
      assert.equal(codeOf(await unpin(ana, direct.id, said.serverOffset)), 'ok', 'and either unpins');
      assert.deepEqual(await ben.must('room:pins', { roomId: direct.id }), []);
    });
  });
}

pinSuite('SQLite', async () => ({}), (server) => `sqlite:${server.databaseFile}`, false);

const postgresSkip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);
let postgres: StoreHarness | undefined;
after(async () => {
  await postgres?.dispose();
});
pinSuite(
  'PostgreSQL',
  async () => {
    postgres = await postgresHarness();
    return { PARLEY_DATABASE_URL: postgres.databaseUrl };
  },
  () => postgres?.databaseUrl ?? assert.fail('no database'),
  postgresSkip,
);

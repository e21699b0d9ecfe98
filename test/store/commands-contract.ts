import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommandExistsError } from '../../src/store/commands.js';
import type { AuditDraft } from '../../src/store/moderation.js';
import { freshStores, type HarnessFactory } from './harness.js';

const T0 = 1_700_000_000_000;

const audit = (action: string): AuditDraft => ({ at: T0, actor: 'a:1', actorName: 'root', action, target: null, roomId: null, detail: '' });

/**
 * The slash-commands part of the Store contract (src/store/commands.ts): registered commands,
 * each change with its audit entry, and room topics. Called by `storeContract`, so every
 * backend runs it.
 */
export function commandsContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);

  describe(`Store contract, slash commands: ${name}`, () => {
    test('a command is registered once per trigger word, found by it from another process, deleted; each change is audited', { skip }, () =>
      withStore(async ({ store, open }) => {
        const draft = { name: 'weather', url: 'https://bots.example.com/w', description: 'the forecast', usage: '[city]', secret: 's3cret', createdAt: T0, createdBy: 'a:1' };
        const command = await store.commands.createCommand(draft, audit('command-create'));
        assert.deepEqual(command, { id: command.id, ...draft });
        await assert.rejects(store.commands.createCommand({ ...draft, url: 'https://other.example.com' }, audit('command-create')), CommandExistsError);
        const other = await open();
        assert.deepEqual(await other.commands.commandByName('weather'), command, 'another process finds it');
        assert.equal(await other.commands.commandByName('nothing'), undefined);
        assert.deepEqual(await other.commands.commands(), [command]);
        assert.equal(await store.commands.deleteCommand(command.id, { ...audit('command-delete'), target: `c:${command.id}` }), true);
        assert.equal(await store.commands.deleteCommand(command.id, audit('command-delete')), false, 'once');
        assert.deepEqual(await other.commands.commands(), []);
        const log = await store.moderation.auditLog(null, 10);
        assert.deepEqual(log.map((entry) => [entry.action, entry.target]).sort(), [['command-create', `c:${command.id}`], ['command-delete', `c:${command.id}`]]);
      }),
    );

    test("a room's topic is set, replaced and cleared; only rooms with one are answered", { skip }, () =>
      withStore(async ({ store, open }) => {
        const first = await store.rooms.createRoom('plans', { userId: 'a:1', name: 'root' });
        const second = await store.rooms.createRoom('chatter', { userId: 'a:1', name: 'root' });
        assert.ok(first && second);
        await store.commands.setTopic(first.id, 'Q3 plans', 'a:1', T0);
        const other = await open();
        assert.deepEqual(await other.commands.topics([first.id, second.id]), [{ roomId: first.id, topic: 'Q3 plans' }]);
        await store.commands.setTopic(first.id, 'Q4 plans', 'a:2', T0 + 1);
        assert.deepEqual(await other.commands.topics([first.id]), [{ roomId: first.id, topic: 'Q4 plans' }]);
        await store.commands.setTopic(first.id, '', 'a:2', T0 + 2);
        assert.deepEqual(await other.commands.topics([first.id, second.id]), [], 'cleared');
        assert.deepEqual(await other.commands.topics([]), []);
      }),
    );
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NameTakenError } from '../../src/store/accounts.js';
import type { AuditDraft } from '../../src/store/moderation.js';
import { UnknownRoomError } from '../../src/store/store.js';
import { freshStores, type HarnessFactory } from './harness.js';

const T0 = 1_700_000_000_000;

const audit = (action: string, extra: Partial<AuditDraft> = {}): AuditDraft => ({
  at: T0,
  actor: 'a:1',
  actorName: 'root',
  action,
  target: null,
  roomId: null,
  detail: '',
  ...extra,
});

/**
 * The integrations part of the Store contract (src/store/integrations.ts): bots and
 * incoming webhooks, each change with its audit entry. Called by `storeContract`, so every
 * backend runs it.
 */
export function integrationsContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);

  describe(`Store contract, integrations: ${name}`, () => {
    test('a bot is found by its token hash until revoked; it is a member of its rooms until then; each change is audited', { skip }, () =>
      withStore(async ({ store, open }) => {
        const room = await store.rooms.createRoom('builds', { userId: 'a:1', name: 'root' });
        assert.ok(room);
        const bot = await store.integrations.createBot({ name: 'ci-bot', tokenHash: 'hash-1', rooms: [room.id], createdAt: T0, createdBy: 'a:1' }, audit('bot-create'));
        assert.deepEqual(bot, { id: bot.id, name: 'ci-bot', rooms: [room.id], createdAt: T0, createdBy: 'a:1', revokedAt: null });
        const other = await open();
        assert.deepEqual(await other.integrations.botByToken('hash-1'), bot, 'another process finds it');
        assert.equal(await other.integrations.botByToken('hash-2'), undefined);
        assert.equal(await other.rooms.isMember(room.id, `b:${bot.id}`), true, 'a member of its room');
        assert.deepEqual(await other.integrations.bots(), [bot]);

        assert.equal(await store.integrations.revokeBot(bot.id, T0 + 1, audit('bot-revoke', { target: `b:${bot.id}` })), true);
        assert.equal(await store.integrations.revokeBot(bot.id, T0 + 2, audit('bot-revoke', { target: `b:${bot.id}` })), false, 'once');
        assert.equal(await other.integrations.botByToken('hash-1'), undefined, 'a revoked token finds nothing');
        assert.equal(await other.rooms.isMember(room.id, `b:${bot.id}`), false, 'its memberships end');
        assert.deepEqual(await other.integrations.bots(), [{ ...bot, revokedAt: T0 + 1 }]);
        const log = await other.moderation.auditLog(null, 10);
        assert.deepEqual(log.map((entry) => [entry.action, entry.target]), [['bot-revoke', `b:${bot.id}`], ['bot-create', `b:${bot.id}`]]);
      }));

    test("a bot's name is claimed against accounts, bots and look-alikes; an unknown room stores nothing", { skip }, () =>
      withStore(async ({ store }) => {
        await store.accounts.createAccount({ username: 'alice', passwordHash: 'h' }, T0);
        const draft = { tokenHash: 'h', rooms: [], createdAt: T0, createdBy: 'a:1' };
        await assert.rejects(store.integrations.createBot({ ...draft, name: 'ALICE' }, audit('bot-create')), NameTakenError);
        await store.integrations.createBot({ ...draft, name: 'deploy', tokenHash: 'h1' }, audit('bot-create'));
        await assert.rejects(store.integrations.createBot({ ...draft, name: 'Deploy', tokenHash: 'h2' }, audit('bot-create')), NameTakenError);
        await assert.rejects(store.accounts.createAccount({ username: 'deploy', passwordHash: 'h' }, T0), NameTakenError, 'no account takes a bot name');
        await assert.rejects(store.integrations.createBot({ ...draft, name: 'lost', tokenHash: 'h3', rooms: [987_654] }, audit('bot-create')), UnknownRoomError);
        assert.deepEqual((await store.integrations.bots()).map((bot) => bot.name), ['deploy'], 'nothing of the refused ones was kept');
        assert.deepEqual((await store.moderation.auditLog(null, 10)).map((entry) => entry.action), ['bot-create'], 'nor audited');
      }));

    test('a webhook is found by id, revoked or not; revoking is audited once', { skip }, () =>
      withStore(async ({ store, open }) => {
        const room = await store.rooms.createRoom('alerts', { userId: 'a:1', name: 'root' });
        assert.ok(room);
        const hook = await store.integrations.createWebhook({ roomId: room.id, name: 'ci', secretHash: 's1', createdAt: T0, createdBy: 'a:1' }, audit('webhook-create', { roomId: room.id }));
        const other = await open();
        assert.deepEqual(await other.integrations.webhookById(hook.id), hook);
        assert.equal(await other.integrations.webhookById(hook.id + 1), undefined);
        assert.equal(await other.integrations.webhookById(2 ** 40), undefined, 'an id no row can have');
        assert.equal(await store.integrations.revokeWebhook(hook.id, T0 + 5, audit('webhook-revoke')), true);
        assert.equal(await store.integrations.revokeWebhook(hook.id, T0 + 6, audit('webhook-revoke')), false);
        assert.equal((await other.integrations.webhookById(hook.id))?.revokedAt, T0 + 5);
        assert.deepEqual((await other.integrations.webhooks()).map((h) => h.id), [hook.id]);
        await assert.rejects(store.integrations.createWebhook({ roomId: 987_654, name: 'x', secretHash: 's', createdAt: T0, createdBy: 'a:1' }, audit('webhook-create')), UnknownRoomError);
        const log = await other.moderation.auditLog(null, 10);
        assert.deepEqual(log.map((entry) => [entry.action, entry.target]), [['webhook-revoke', null], ['webhook-create', `w:${hook.id}`]]);
      }));
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditDraft, Restriction } from '../../src/store/moderation.js';
import { freshStores, type HarnessFactory } from './harness.js';


const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

const audit = (action: string, target: string | null, at = T0, extra: Partial<AuditDraft> = {}): AuditDraft => ({
  at,
  actor: 'a:1',
  actorName: 'root',
  action,
  target,
  roomId: null,
  detail: '',
  ...extra,
});

const ban = (userId: string, extra: Partial<Restriction> = {}): Restriction => ({
  kind: 'ban',
  userId,
  roomId: null,
  reason: 'spam',
  by: 'a:1',
  createdAt: T0,
  expiresAt: null,
  ...extra,
});

/**
 * The moderation part of the Store contract (src/store/moderation.ts): roles, bans and
 * mutes in force, and the audit log. Called by `storeContract`, so every backend runs it.
 */
export function moderationContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);

  describe(`Store contract, moderation: ${name}`, () => {
    test('an account is a member until given a role; the change is audited in the same step', { skip }, () =>
      withStore(async ({ store, open }) => {
        const alice = await store.accounts.createAccount({ username: 'alice', passwordHash: 'h' }, T0);
        assert.equal(await store.moderation.roleOf(alice.id), 'member');
        assert.equal(await store.moderation.roleOf(987_654), 'member', 'an unknown account is a member');
        await store.moderation.setRole(alice.id, 'moderator', audit('role', `a:${alice.id}`, T0, { detail: 'moderator' }));
        assert.equal(await store.moderation.roleOf(alice.id), 'moderator');
        assert.equal(await (await open()).moderation.roleOf(alice.id), 'moderator', 'another process sees the role');
        const [entry] = await store.moderation.auditLog(null, 10);
        assert.deepEqual({ ...entry, id: 0 }, { ...audit('role', `a:${alice.id}`, T0, { detail: 'moderator' }), id: 0 });
      }));

    test('staff: the admins and moderators by id, members left out (issue 22, defect 2)', { skip }, () =>
      withStore(async ({ store, open }) => {
        const [ann, ben, cyd] = [
          await store.accounts.createAccount({ username: 'ann', passwordHash: 'h' }, T0),
          await store.accounts.createAccount({ username: 'Ben', passwordHash: 'h' }, T0),
          await store.accounts.createAccount({ username: 'cyd', passwordHash: 'h' }, T0),
        ];
        assert.deepEqual(await store.moderation.staff(), []);
        await store.moderation.setRole(cyd.id, 'admin', audit('role', `a:${cyd.id}`, T0, { detail: 'admin' }));
        await store.moderation.setRole(ben.id, 'moderator', audit('role', `a:${ben.id}`, T0, { detail: 'moderator' }));
        await store.moderation.setRole(ann.id, 'member', audit('role', `a:${ann.id}`, T0, { detail: 'member' }));
        assert.deepEqual(await (await open()).moderation.staff(), [
          { id: ben.id, username: 'Ben', role: 'moderator' },
          { id: cyd.id, username: 'cyd', role: 'admin' },
        ]);
      }));

    test('bans and mutes are in force until lifted or expired; one per user, kind and room', { skip }, () =>
      withStore(async ({ store, open }) => {
        const general = (await store.roomByName('general'))!.id;
        await store.moderation.restrict(ban('g:bob'), audit('ban', 'g:bob'));
        await store.moderation.restrict(ban('a:7', { expiresAt: T0 + MINUTE }), audit('ban', 'a:7'));
        await store.moderation.restrict(ban('g:bob', { kind: 'mute', roomId: general, reason: 'shouting' }), audit('mute', 'g:bob'));
        const inForce = await (await open()).moderation.restrictions(T0 + 1);
        assert.deepEqual(
          inForce.map((r) => [r.kind, r.userId, r.roomId, r.reason, r.expiresAt]),
          [
            ['ban', 'a:7', null, 'spam', T0 + MINUTE],
            ['ban', 'g:bob', null, 'spam', null],
            ['mute', 'g:bob', general, 'shouting', null],
          ],
        );
        assert.deepEqual(
          (await store.moderation.restrictions(T0 + MINUTE)).map((r) => r.userId),
          ['g:bob', 'g:bob'],
          'a ban that ran out is no longer in force',
        );
        // A second ban replaces the first.
        await store.moderation.restrict(ban('g:bob', { reason: 'again', createdAt: T0 + 5 }), audit('ban', 'g:bob', T0 + 5));
        const bans = (await store.moderation.restrictions(T0 + 10)).filter((r) => r.kind === 'ban' && r.userId === 'g:bob');
        assert.deepEqual(bans.map((r) => r.reason), ['again']);

        assert.equal(await store.moderation.lift('ban', 'g:bob', null, audit('unban', 'g:bob', T0 + 20)), true);
        assert.equal(await store.moderation.lift('ban', 'g:bob', null, audit('unban', 'g:bob', T0 + 21)), false, 'nothing left to lift');
        assert.equal(await store.moderation.lift('ban', 'a:7', null, audit('unban', 'a:7', T0 + 2 * MINUTE)), false, 'an expired ban is not lifted');
        assert.deepEqual((await store.moderation.restrictions(T0 + 2 * MINUTE)).map((r) => [r.kind, r.userId]), [['mute', 'g:bob']], 'the mute stays');
        assert.equal(await store.moderation.lift('mute', 'g:bob', general, audit('unmute', 'g:bob', T0 + 40)), true);
        assert.deepEqual((await store.moderation.restrictions(T0 + 50)).map((r) => [r.kind, r.userId]), [['ban', 'a:7']], 'only the ban that has not run out is left');
      }));

    test('the audit log keeps every action, newest first, paged by id', { skip }, () =>
      withStore(async ({ store }) => {
        for (let i = 0; i < 7; i++) await store.moderation.recordAudit(audit('kick', `g:${i}`, T0 + i, { roomId: i % 2 === 0 ? null : 3, detail: `reason ${i}` }));
        await store.moderation.restrict(ban('g:x'), audit('ban', 'g:x', T0 + 100));
        await store.moderation.lift('ban', 'g:nobody', null, audit('unban', 'g:nobody', T0 + 101));
        const first = await store.moderation.auditLog(null, 5);
        assert.deepEqual(first.map((e) => e.target), ['g:x', 'g:6', 'g:5', 'g:4', 'g:3'], 'a lift of nothing is not audited');
        assert.equal(first[1]!.roomId, null);
        assert.equal(first[2]!.roomId, 3);
        assert.equal(first[2]!.detail, 'reason 5');
        const second = await store.moderation.auditLog(first.at(-1)!.id, 5);
        assert.deepEqual(second.map((e) => e.target), ['g:2', 'g:1', 'g:0']);
        assert.ok(first.every((e, i) => i === 0 || e.id < first[i - 1]!.id), 'ids fall');
      }));
  });
}

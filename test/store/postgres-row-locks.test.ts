import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { DEFAULT_ROOM, type MessageDraft } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl } from './harness.js';

const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

/** Far longer than an append on a quiet or a loaded machine; an append that waits for a lock waits for ever. */
const BLOCKED_AFTER_MS = 10_000;

const draft = (roomId: number, text: string): MessageDraft => ({ roomId, author: 'alice', text, idempotencyKey: null });

/**
 * Issue 22, item 10 on PostgreSQL: fresh guests joining `general` slowed everyone's messages
 * there, because a join updated the room's row (its member count) and an append locked that
 * row FOR UPDATE, which also waits for any transaction that inserted a row referring to the
 * room. Each join's commit flush was a wait for the room's next append. Here a join (and
 * then a leave) is left uncommitted in another transaction: an append to the room must be
 * stored meanwhile, not after it.
 */
describe('PostgreSQL: a room’s appends never wait for people joining or leaving it', { skip }, () => {
  test('an append is stored while a join and a leave of the same room are uncommitted; the member count follows both', async (t) => {
    const harness = await postgresHarness();
    t.after(() => harness.dispose());
    const store = await harness.open();
    t.after(() => store.close());
    const general = (await store.roomByName(DEFAULT_ROOM))?.id ?? -1;
    await store.appendMessage(draft(general, 'warm-up'));
    const countOf = async (): Promise<number | undefined> => (await store.rooms.directory({ prefix: DEFAULT_ROOM, limit: 1 }))?.rooms[0]?.members;
    const before = (await countOf()) ?? 0;

    const other = new pg.Client({ connectionString: harness.databaseUrl });
    await other.connect();
    t.after(() => other.end());
    const appendDuring = async (what: string, statement: string): Promise<void> => {
      await other.query('BEGIN');
      await other.query(statement, [general]);
      const appended = store.appendMessage(draft(general, `during ${what}`)).then(() => 'stored' as const);
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<'waited'>((resolve) => (timer = setTimeout(() => resolve('waited'), BLOCKED_AFTER_MS)));
      const outcome = await Promise.race([appended, waited]);
      clearTimeout(timer);
      // Committed only now: an append that waited for the lock is stored just after this.
      await other.query('COMMIT');
      await appended;
      assert.equal(outcome, 'stored', `the append waited for the uncommitted ${what}`);
    };

    await appendDuring('join', "INSERT INTO room_members (room_id, user_id, user_name, joined_at) VALUES ($1, 'g:joiner', 'Joiner', 0)");
    assert.equal(await countOf(), before + 1, 'the join is counted');
    await appendDuring('leave', "DELETE FROM room_members WHERE room_id = $1 AND user_id = 'g:joiner'");
    assert.equal(await countOf(), before, 'the leave is counted');
    assert.equal(await store.roomHead(general), 3, 'every append stored, in order');
  });
});

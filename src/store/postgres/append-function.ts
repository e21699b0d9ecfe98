/**
 * The server-side half of an append: created by migration 6 and replaced by migration 11,
 * both released, so their texts never change (a change is a new migration that replaces
 * the function). `parley_append` writes one batch of drafts to
 * one room and returns one row per draft, in input order:
 *
 * - `ord`: the draft's 1-based position in the arrays;
 * - `seq`: its offset (a repeated key: the offset of the row it repeats);
 * - `outcome`: 0 stored now, 1 a repeat of an earlier draft of this batch (nothing stored),
 *   2 a key the room had stored before (nothing stored; the remaining columns are that row's).
 *
 * No rows at all: the room does not exist.
 *
 * Why a function: the whole batch is one round trip, and the room's row lock is held only
 * inside the server, from `FOR UPDATE` (since migration 16 `FOR NO KEY UPDATE`) to the COMMIT of the caller's statement (each call is
 * its own transaction). The key lookup is a later statement of a VOLATILE function, so under
 * READ COMMITTED it takes a snapshot after the lock was granted and sees every key another
 * writer committed before: no key is stored twice, and no unique violation needs a rerun.
 * Writers of one room take turns on that lock, so a later writer's offsets are higher and
 * commit later: when offset N is visible, every offset below it is.
 *
 * `synchronous_commit = off` (an operator may set it for the server, database or role)
 * would acknowledge a commit before its flush; it is raised to `on` for this transaction
 * only, and stricter settings are left alone. It takes effect at the commit that follows.
 * (No `SET` clause on the function: that would undo the change when the function returns.)
 */
/** The text of `parley_append`, as a migration creates or replaces it; see above. */
const appendFunction = (
  verb: 'CREATE' | 'CREATE OR REPLACE',
  storedLookup: string,
  usualBatch = '',
  roomLock: 'FOR UPDATE' | 'FOR NO KEY UPDATE' = 'FOR UPDATE',
): string => `
  ${verb} FUNCTION parley_append(
    room integer, keys text[], authors text[], contents text[], kinds text[], targets bigint[],
    author_ids text[], client_ids text[], created bigint
  ) RETURNS TABLE (ord integer, seq bigint, outcome smallint, author text, content text, created_at bigint,
                   kind text, target bigint, author_id text, client_id text)
  LANGUAGE plpgsql VOLATILE AS $fn$
  #variable_conflict use_column
  DECLARE
    first_free bigint;
  BEGIN
    PERFORM set_config('synchronous_commit', 'on', true) WHERE current_setting('synchronous_commit') = 'off';
    SELECT r.head + 1 INTO first_free FROM rooms r WHERE r.id = room ${roomLock};
    IF NOT FOUND THEN
      RETURN;
    END IF;${usualBatch}
    RETURN QUERY
      WITH draft AS (
        SELECT d.ord::integer AS ord, d.key, d.author, d.content, d.kind, d.target, d.author_id, d.client_id
          FROM unnest(keys, authors, contents, kinds, targets, author_ids, client_ids)
               WITH ORDINALITY AS d (key, author, content, kind, target, author_id, client_id, ord)
      ), stored AS (
        -- keys the room already holds
        ${storedLookup}
      ), fresh AS (
        -- the rest; a key repeated within the batch points at its first draft
        SELECT draft.ord,
               CASE WHEN draft.key IS NULL THEN draft.ord ELSE min(draft.ord) OVER (PARTITION BY draft.key) END AS first_ord
          FROM draft
         WHERE NOT EXISTS (SELECT 1 FROM stored WHERE stored.ord = draft.ord)
      ), numbered AS (
        SELECT draft.*, first_free - 1 + row_number() OVER (ORDER BY draft.ord) AS seq
          FROM draft JOIN fresh ON fresh.ord = draft.ord AND fresh.first_ord = draft.ord
      ), inserted AS (
        INSERT INTO messages (room_id, seq, idempotency_key, author, content, created_at, kind, target, author_id, client_id)
        SELECT room, n.seq, n.key, n.author, n.content, created, n.kind, n.target, n.author_id, n.client_id
          FROM numbered n
      ), bumped AS (
        UPDATE rooms SET head = first_free - 1 + (SELECT count(*) FROM numbered) WHERE id = room
      )
      SELECT draft.ord,
             COALESCE(stored.seq, mine.seq),
             (CASE WHEN stored.ord IS NOT NULL THEN 2 WHEN mine.ord <> draft.ord THEN 1 ELSE 0 END)::smallint,
             stored.author, stored.content, stored.created_at, stored.kind, stored.target, stored.author_id, stored.client_id
        FROM draft
        LEFT JOIN stored ON stored.ord = draft.ord
        LEFT JOIN fresh ON fresh.ord = draft.ord
        LEFT JOIN numbered mine ON mine.ord = fresh.first_ord
       ORDER BY draft.ord;
  END
  $fn$;
`;

/**
 * Migration 6. Its key lookup joins the batch to the room's keys; planned while the table
 * was small, that join reads every key of the room on each append, so an append cost grew
 * with the room's history (a batch of 5 read ~200 pages in a room of 6,000 messages).
 */
export const APPEND_FUNCTION = appendFunction(
  'CREATE',
  `SELECT draft.ord, m.seq, m.author, m.content, m.created_at, m.kind, m.target, m.author_id, m.client_id
          FROM draft JOIN messages m ON m.room_id = room AND m.idempotency_key = draft.key`,
);

/** Migration 11's key lookup: each draft's key on its own through the `(room_id, idempotency_key)` index. */
const KEY_BY_KEY_LOOKUP = `SELECT draft.ord, m.seq, m.author, m.content, m.created_at, m.kind, m.target, m.author_id, m.client_id
          FROM draft CROSS JOIN LATERAL (
            SELECT m.seq, m.author, m.content, m.created_at, m.kind, m.target, m.author_id, m.client_id
              FROM messages m WHERE m.room_id = room AND m.idempotency_key = draft.key LIMIT 1) m`;

/** Migration 11's usual batch: one plain INSERT when every key is new and none repeats. */
const USUAL_BATCH = `
    -- the usual batch: no key stored before, none repeated (NULL keys are never repeats)
    IF NOT EXISTS (SELECT 1 FROM unnest(keys) AS k CROSS JOIN LATERAL (
                     SELECT 1 FROM messages m WHERE m.room_id = room AND m.idempotency_key = k LIMIT 1) AS hit)
       AND (SELECT count(DISTINCT k) + count(*) FILTER (WHERE k IS NULL) FROM unnest(keys) k) = cardinality(keys) THEN
      INSERT INTO messages (room_id, seq, idempotency_key, author, content, created_at, kind, target, author_id, client_id)
        SELECT room, first_free - 1 + d.ord, d.key, d.author, d.content, created, d.kind, d.target, d.author_id, d.client_id
          FROM unnest(keys, authors, contents, kinds, targets, author_ids, client_ids)
               WITH ORDINALITY AS d (key, author, content, kind, target, author_id, client_id, ord);
      UPDATE rooms SET head = first_free - 1 + cardinality(keys) WHERE id = room;
      RETURN QUERY
        SELECT g::integer, first_free - 1 + g, 0::smallint, NULL::text, NULL::text, NULL::bigint, NULL::text, NULL::bigint, NULL::text, NULL::text
          FROM generate_series(1, cardinality(keys)) AS g ORDER BY g;
      RETURN;
    END IF;`;

/**
 * Migration 11, the same function and replies, in two ways cheaper:
 *
 * - Each draft's key is looked up on its own through the `(room_id, idempotency_key)` index
 *   (a LATERAL subquery with LIMIT 1 leaves the planner no other plan), so an append reads
 *   its own keys' index entries whatever the room holds.
 * - The usual batch, whose keys are all new and all different (or absent), is stored by one
 *   plain INSERT and answered from `generate_series`: no joins, sorts or window functions to
 *   plan and run. Measured on one connection, one room, batches of one draft: the backend's
 *   CPU per call went from about 600 to about 250 microseconds. Retries and repeated keys
 *   take the general statement below it, as before.
 */
export const APPEND_FUNCTION_KEY_BY_KEY = appendFunction('CREATE OR REPLACE', KEY_BY_KEY_LOOKUP, USUAL_BATCH);

/**
 * Migration 16, migration 11's function with a weaker lock on the room's row: `FOR NO KEY
 * UPDATE`, which appends still take in turns, where `FOR UPDATE` also waited for every
 * transaction that had inserted a row referring to the room (a member joining, a read
 * marker, a mention: a foreign key check holds `FOR KEY SHARE` on the room until its
 * commit). A room's appends no longer queue behind the flushes of other people's joins.
 */
export const APPEND_FUNCTION_NO_KEY_LOCK = appendFunction('CREATE OR REPLACE', KEY_BY_KEY_LOOKUP, USUAL_BATCH, 'FOR NO KEY UPDATE');


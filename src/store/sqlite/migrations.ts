import type Database from 'better-sqlite3';
import { rekeyNames, type NameRow } from '../rekey-names.js';
import { foldName } from './name-fold.js';

/**
 * Numbered, append-only schema changes. A released migration is never edited: add the
 * next number instead. Each runs once, inside the transaction that records it: its `sql`,
 * then its `run`.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql?: string;
  /** A step SQL cannot express (a key computed in TypeScript); returns lines for the operator's log. */
  readonly run?: (db: Database.Database) => readonly string[];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'rooms and messages',
    sql: `
      CREATE TABLE rooms (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL UNIQUE,
        -- the highest offset stored in the room; bumped in the transaction that stores a message
        head       INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE messages (
        room_id         INTEGER NOT NULL REFERENCES rooms (id),
        seq             INTEGER NOT NULL,
        idempotency_key TEXT,
        author          TEXT    NOT NULL,
        content         TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (room_id, seq)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX messages_idempotency
        ON messages (room_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      INSERT INTO rooms (name, created_at) VALUES ('general', CAST(unixepoch('subsec') * 1000 AS INTEGER));
    `,
  },
  {
    version: 2,
    name: 'accounts, sessions and names',
    sql: `
      CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        username      TEXT    NOT NULL,
        username_key  TEXT    NOT NULL UNIQUE,
        password_hash TEXT    NOT NULL,
        created_at    INTEGER NOT NULL
      );
      -- one namespace for usernames and guest nicknames; expires_at NULL: an account's, forever
      CREATE TABLE names (
        name_key   TEXT    PRIMARY KEY,
        name       TEXT    NOT NULL,
        holder     TEXT    NOT NULL,
        expires_at INTEGER,
        renewed_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX names_holder ON names (holder);
      -- session tokens and browser session ids are stored as SHA-256 hashes only
      CREATE TABLE sessions (
        token_hash TEXT    PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts (id),
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE browser_sessions (
        browser_hash TEXT PRIMARY KEY,
        token_hash   TEXT NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX browser_sessions_token ON browser_sessions (token_hash);
    `,
  },
  {
    version: 3,
    name: 'room kinds, members, read markers, edits and deletions',
    sql: `
      ALTER TABLE rooms ADD COLUMN kind TEXT NOT NULL DEFAULT 'public';
      -- edits and deletions are rows of their own, naming the message they change
      ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
      ALTER TABLE messages ADD COLUMN target INTEGER;
      ALTER TABLE messages ADD COLUMN author_id TEXT;
      ALTER TABLE messages ADD COLUMN client_id TEXT;
      CREATE INDEX messages_target ON messages (room_id, target) WHERE target IS NOT NULL;
      -- user ids are strings of guests and accounts alike: no foreign key to accounts
      CREATE TABLE room_members (
        room_id   INTEGER NOT NULL REFERENCES rooms (id),
        user_id   TEXT    NOT NULL,
        user_name TEXT    NOT NULL,
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX room_members_user ON room_members (user_id);
      CREATE TABLE read_markers (
        room_id     INTEGER NOT NULL,
        user_id     TEXT    NOT NULL,
        read_offset INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'names unique by look-alike (UTS #39 skeleton), not only by letter case',
    run: (db) => {
      const rows = db
        .prepare<[], NameRow>('SELECT name_key AS key, name, holder, expires_at AS expiresAt, renewed_at AS renewedAt FROM names')
        .all();
      const { changes, notes } = rekeyNames(rows);
      // All deletes first: a new key may be another changed row's old one.
      const remove = db.prepare<[string]>('DELETE FROM names WHERE name_key = ?');
      const insert = db.prepare<[string, string, string, number | null, number]>(
        'INSERT INTO names (name_key, name, holder, expires_at, renewed_at) VALUES (?, ?, ?, ?, ?)',
      );
      for (const { from } of changes) remove.run(from);
      for (const { row } of changes) insert.run(row.key, row.name, row.holder, row.expiresAt, row.renewedAt);
      return notes;
    },
  },
  {
    version: 5,
    name: 'room directory: public rooms by name, member counts',
    sql: `
      -- every directory page is one range of this index (lower() folds ASCII letters here)
      CREATE INDEX rooms_directory ON rooms (lower(name), id) WHERE kind = 'public';
      -- kept by the triggers below, so a page never counts the members of its rooms
      ALTER TABLE rooms ADD COLUMN members INTEGER NOT NULL DEFAULT 0;
      UPDATE rooms SET members = (SELECT COUNT(*) FROM room_members m WHERE m.room_id = rooms.id);
      -- an upsert that updates an existing member fires neither trigger
      CREATE TRIGGER room_members_added AFTER INSERT ON room_members
      BEGIN
        UPDATE rooms SET members = members + 1 WHERE id = NEW.room_id;
      END;
      CREATE TRIGGER room_members_removed AFTER DELETE ON room_members
      BEGIN
        UPDATE rooms SET members = members - 1 WHERE id = OLD.room_id;
      END;
    `,
  },
  {
    version: 6,
    name: 'settings: the secret that signs browser session cookies',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'moderation: account roles, bans and mutes, the audit log',
    sql: `
      ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin'));
      CREATE TABLE restrictions (
        kind       TEXT    NOT NULL CHECK (kind IN ('ban', 'mute')),
        user_id    TEXT    NOT NULL,
        -- the muted room; 0 (no room has it) for a ban
        room_id    INTEGER NOT NULL,
        reason     TEXT    NOT NULL,
        imposed_by TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (kind, user_id, room_id)
      ) WITHOUT ROWID;
      CREATE TABLE audit_log (
        id         INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        actor      TEXT    NOT NULL,
        actor_name TEXT    NOT NULL,
        action     TEXT    NOT NULL,
        target     TEXT,
        room_id    INTEGER,
        detail     TEXT    NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: 'full-text search: every live message as it reads now, kept by triggers',
    sql: `
      -- ids in the order messages were stored; the index's rowid is minus the id, so the
      -- newest come first in FTS5's forward order, which a LIMIT stops early (backwards, FTS5
      -- reads a term's whole list first: 50 ms for a word in 500,000 messages, measured)
      CREATE TABLE search_rows (
        id      INTEGER PRIMARY KEY,
        room_id INTEGER NOT NULL,
        seq     INTEGER NOT NULL,
        UNIQUE (room_id, seq)
      );
      -- prefix indexes: a search for the start of a word ("dep") reads one list, not every word's
      CREATE VIRTUAL TABLE message_search USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
      INSERT INTO search_rows (room_id, seq)
        SELECT room_id, seq FROM messages m
         WHERE kind = 'message'
           AND NOT EXISTS (SELECT 1 FROM messages d WHERE d.room_id = m.room_id AND d.target = m.seq AND d.kind = 'delete')
         ORDER BY created_at, room_id, seq;
      INSERT INTO message_search (rowid, text)
        SELECT -s.id, coalesce(
                 (SELECT e.content FROM messages e WHERE e.room_id = s.room_id AND e.target = s.seq AND e.kind = 'edit' ORDER BY e.seq DESC LIMIT 1),
                 m.content)
          FROM search_rows s JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq;
      -- in the transaction that stores each event: a search never misses or outlives one
      CREATE TRIGGER messages_search_message AFTER INSERT ON messages WHEN NEW.kind = 'message'
      BEGIN
        INSERT INTO search_rows (room_id, seq) VALUES (NEW.room_id, NEW.seq);
        INSERT INTO message_search (rowid, text) VALUES (-last_insert_rowid(), NEW.content);
      END;
      CREATE TRIGGER messages_search_edit AFTER INSERT ON messages WHEN NEW.kind = 'edit'
      BEGIN
        UPDATE message_search SET text = NEW.content
         WHERE rowid = -(SELECT id FROM search_rows WHERE room_id = NEW.room_id AND seq = NEW.target);
      END;
      CREATE TRIGGER messages_search_delete AFTER INSERT ON messages WHEN NEW.kind = 'delete'
      BEGIN
        DELETE FROM message_search WHERE rowid = -(SELECT id FROM search_rows WHERE room_id = NEW.room_id AND seq = NEW.target);
        DELETE FROM search_rows WHERE room_id = NEW.room_id AND seq = NEW.target;
      END;
    `,
  },
  {
    version: 9,
    name: 'mentions: who each message names, counted per user and room by an index range',
    sql: `
      CREATE TABLE mentions (
        user_id TEXT    NOT NULL,
        room_id INTEGER NOT NULL,
        seq     INTEGER NOT NULL,
        PRIMARY KEY (user_id, room_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 10,
    name: 'redaction: a deletion erases the text of its message, edits and reactions, and its mentions',
    sql: `
      -- set on a tombstone: whose event erased its text (a deletion, or the edit that replaced this one), and when
      ALTER TABLE messages ADD COLUMN redacted_at INTEGER;
      ALTER TABLE messages ADD COLUMN redacted_by TEXT;
      ALTER TABLE messages ADD COLUMN redacted_by_id TEXT;
      -- a deletion finds its message's mentions by message, not by user
      CREATE INDEX mentions_message ON mentions (room_id, seq);
      -- the history stored so far, as the triggers below would have left it. Each step reads
      -- the table once and changes rows by key: a correlated subquery per deletion, or an OR
      -- in the join, would walk a room's whole history for each one (minutes at 200,000).
      -- First, the first deletion of each message erases it, its edits and its reactions...
      CREATE TEMP TABLE first_deletions AS
        SELECT room_id, target, created_at AS at, author AS by_name, author_id AS by_id
          FROM (SELECT room_id, target, created_at, author, author_id,
                       row_number() OVER (PARTITION BY room_id, target ORDER BY seq) AS n
                  FROM messages WHERE kind = 'delete')
         WHERE n = 1;
      UPDATE messages SET content = '', redacted_at = d.at, redacted_by = d.by_name, redacted_by_id = d.by_id
        FROM first_deletions AS d
       WHERE messages.room_id = d.room_id AND messages.seq = d.target AND messages.kind = 'message';
      UPDATE messages SET content = '', redacted_at = c.at, redacted_by = c.by_name, redacted_by_id = c.by_id
        FROM (SELECT e.room_id, e.seq, d.at, d.by_name, d.by_id
                FROM first_deletions AS d JOIN messages AS e ON e.room_id = d.room_id AND e.target = d.target) AS c
       WHERE messages.room_id = c.room_id AND messages.seq = c.seq AND messages.kind IN ('edit', 'react', 'unreact');
      DROP TABLE first_deletions;
      -- ...then each live message reads as its latest edit, and an edit the next one replaced is erased
      UPDATE messages SET content = l.content
        FROM (SELECT e.room_id, e.target, e.content
                FROM (SELECT room_id, max(seq) AS seq FROM messages WHERE kind = 'edit' AND redacted_at IS NULL GROUP BY room_id, target) AS latest
                JOIN messages AS e ON e.room_id = latest.room_id AND e.seq = latest.seq) AS l
       WHERE messages.room_id = l.room_id AND messages.seq = l.target AND messages.kind = 'message' AND messages.redacted_at IS NULL;
      UPDATE messages SET content = '', redacted_at = n.at, redacted_by = n.by_name, redacted_by_id = n.by_id
        FROM (SELECT room_id, seq, lead(seq) OVER w AS next, lead(created_at) OVER w AS at, lead(author) OVER w AS by_name, lead(author_id) OVER w AS by_id
                FROM messages WHERE kind = 'edit' AND redacted_at IS NULL
              WINDOW w AS (PARTITION BY room_id, target ORDER BY seq)) AS n
       WHERE n.next IS NOT NULL AND messages.room_id = n.room_id AND messages.seq = n.seq;
      DELETE FROM mentions
       WHERE EXISTS (SELECT 1 FROM messages m WHERE m.room_id = mentions.room_id AND m.seq = mentions.seq AND m.redacted_at IS NOT NULL);
      -- a row deleted from the search index takes its words out of the index at once, rather
      -- than leaving them in older segments behind a delete marker until a merge; 'optimize'
      -- merges the segments once, so the words of messages deleted before this are gone too
      INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
      INSERT INTO message_search (message_search) VALUES ('optimize');
      -- from now on, in the transaction that stores the deletion or the edit:
      CREATE TRIGGER messages_redact_delete AFTER INSERT ON messages WHEN NEW.kind = 'delete'
      BEGIN
        UPDATE messages SET content = '', redacted_at = NEW.created_at, redacted_by = NEW.author, redacted_by_id = NEW.author_id
         WHERE room_id = NEW.room_id AND seq = NEW.target AND kind = 'message' AND redacted_at IS NULL;
        -- by seq from a subquery that only messages_target covers: a plain UPDATE ... WHERE target = ?
        -- (or one that filters kind in the subquery) walks the room's whole history instead
        UPDATE messages SET content = '', redacted_at = NEW.created_at, redacted_by = NEW.author, redacted_by_id = NEW.author_id
         WHERE room_id = NEW.room_id AND kind IN ('edit', 'react', 'unreact') AND redacted_at IS NULL
           AND seq IN (SELECT seq FROM messages WHERE room_id = NEW.room_id AND target = NEW.target);
        DELETE FROM mentions WHERE room_id = NEW.room_id AND seq = NEW.target;
      END;
      CREATE TRIGGER messages_redact_edit AFTER INSERT ON messages WHEN NEW.kind = 'edit'
      BEGIN
        UPDATE messages SET content = NEW.content
         WHERE room_id = NEW.room_id AND seq = NEW.target AND kind = 'message' AND redacted_at IS NULL;
        UPDATE messages SET content = '', redacted_at = NEW.created_at, redacted_by = NEW.author, redacted_by_id = NEW.author_id
         WHERE room_id = NEW.room_id AND kind = 'edit' AND seq < NEW.seq AND redacted_at IS NULL
           AND seq IN (SELECT seq FROM messages WHERE room_id = NEW.room_id AND target = NEW.target);
      END;
      -- an edit or reaction that raced its message's deletion (both passed their checks) is erased as it lands
      CREATE TRIGGER messages_redact_late AFTER INSERT ON messages WHEN NEW.kind IN ('edit', 'react', 'unreact')
      BEGIN
        UPDATE messages
           SET content = '', redacted_at = t.at, redacted_by = t.by_name, redacted_by_id = t.by_id
          FROM (SELECT redacted_at AS at, redacted_by AS by_name, redacted_by_id AS by_id FROM messages
                 WHERE room_id = NEW.room_id AND seq = NEW.target AND redacted_at IS NOT NULL) AS t
         WHERE room_id = NEW.room_id AND seq = NEW.seq;
      END;
    `,
  },
  {
    version: 11,
    name: 'history epoch: which history the offsets belong to, changed by a restore (./history-epoch.ts)',
    sql: `
      CREATE TABLE history_epoch (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        epoch       TEXT    NOT NULL,
        from_backup INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 12,
    name: 'bounded queries: change probes, member names and direct-room search each read an index range',
    sql: `
      -- covering, so that "is this message deleted?" is one probe: without kind in the index the
      -- planner preferred the primary key's (room_id) range, the room's whole history
      CREATE INDEX messages_change ON messages (room_id, target, kind) WHERE target IS NOT NULL;
      DROP INDEX messages_target;
      -- each member's name as mentions and completions compare it (JavaScript's toLowerCase,
      -- written by the store), so that both read a range of room_members_name, not the room
      ALTER TABLE room_members ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';
      CREATE INDEX room_members_name ON room_members (room_id, name_fold, user_id);
      -- direct rooms' messages move to an index of their own, each with its room as a token
      -- (r<id>), so a search reads only the rooms its caller may read: public rooms from
      -- message_search, the caller's direct rooms from direct_search
      CREATE VIRTUAL TABLE direct_search USING fts5 (text, room, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
      -- as message_search (migration 10): a deleted message's words leave the index at once
      INSERT INTO direct_search (direct_search, rank) VALUES ('secure-delete', 1);
      INSERT INTO direct_search (rowid, text, room)
        SELECT f.rowid, f.text, 'r' || s.room_id
          FROM message_search f JOIN search_rows s ON s.id = -f.rowid JOIN rooms r ON r.id = s.room_id
         WHERE r.kind <> 'public';
      DELETE FROM message_search WHERE rowid IN (SELECT rowid FROM direct_search);
      DROP TRIGGER messages_search_message;
      DROP TRIGGER messages_search_edit;
      DROP TRIGGER messages_search_delete;
      CREATE TRIGGER messages_search_message AFTER INSERT ON messages WHEN NEW.kind = 'message'
      BEGIN
        INSERT INTO search_rows (room_id, seq) VALUES (NEW.room_id, NEW.seq);
        INSERT INTO message_search (rowid, text)
          SELECT -s.id, NEW.content FROM search_rows s JOIN rooms r ON r.id = s.room_id
           WHERE s.room_id = NEW.room_id AND s.seq = NEW.seq AND r.kind = 'public';
        INSERT INTO direct_search (rowid, text, room)
          SELECT -s.id, NEW.content, 'r' || s.room_id FROM search_rows s JOIN rooms r ON r.id = s.room_id
           WHERE s.room_id = NEW.room_id AND s.seq = NEW.seq AND r.kind <> 'public';
      END;
      -- a message is in one of the two indexes: the other statement finds no row
      CREATE TRIGGER messages_search_edit AFTER INSERT ON messages WHEN NEW.kind = 'edit'
      BEGIN
        UPDATE message_search SET text = NEW.content
         WHERE rowid = -(SELECT id FROM search_rows WHERE room_id = NEW.room_id AND seq = NEW.target);
        UPDATE direct_search SET text = NEW.content
         WHERE rowid = -(SELECT id FROM search_rows WHERE room_id = NEW.room_id AND seq = NEW.target);
      END;
      CREATE TRIGGER messages_search_delete AFTER INSERT ON messages WHEN NEW.kind = 'delete'
      BEGIN
        DELETE FROM message_search WHERE rowid = -(SELECT id FROM search_rows WHERE room_id = NEW.room_id AND seq = NEW.target);
        DELETE FROM direct_search WHERE rowid = -(SELECT id FROM search_rows WHERE room_id = NEW.room_id AND seq = NEW.target);
        DELETE FROM search_rows WHERE room_id = NEW.room_id AND seq = NEW.target;
      END;
    `,
    run: (db) => {
      const members = db.prepare<[], { room_id: number; user_id: string; user_name: string }>('SELECT room_id, user_id, user_name FROM room_members').all();
      const fold = db.prepare<[string, number, string]>('UPDATE room_members SET name_fold = ? WHERE room_id = ? AND user_id = ?');
      for (const member of members) fold.run(foldName(member.user_name), member.room_id, member.user_id);
      return [];
    },
  },
  {
    version: 13,
    name: 'single-use session exchange codes: until when a browser binding may still be traded for its cookie',
    // NULL: traded already, or bound before this version (its code is at most a minute old).
    sql: 'ALTER TABLE browser_sessions ADD COLUMN exchange_until INTEGER;',
  },
  {
    version: 14,
    name: 'bot accounts and incoming webhooks',
    // Tokens and secrets as SHA-256 hashes only. A bot's rooms are also its room_members rows
    // (user id b:<id>): the list here is what the admin gave, kept for the panel after a revoke.
    sql: `
      CREATE TABLE bots (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        token_hash TEXT    NOT NULL UNIQUE,
        rooms      TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT    NOT NULL,
        revoked_at INTEGER
      );
      CREATE TABLE webhooks (
        id          INTEGER PRIMARY KEY,
        room_id     INTEGER NOT NULL REFERENCES rooms (id),
        name        TEXT    NOT NULL,
        secret_hash TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        created_by  TEXT    NOT NULL,
        revoked_at  INTEGER
      );
    `,
  },
  {
    version: 15,
    name: 'read receipts: the people who turned them off',
    sql: 'CREATE TABLE receipt_opt_outs (user_id TEXT PRIMARY KEY) WITHOUT ROWID;',
  },
  {
    version: 16,
    name: 'threads: who follows which thread, and how far they read it',
    // A reply is a message whose target is its root (no column of its own: it is stored by
    // the one append path); a follow is written after it, as mentions are.
    sql: `
      CREATE TABLE thread_follows (
        user_id     TEXT    NOT NULL,
        room_id     INTEGER NOT NULL,
        root_seq    INTEGER NOT NULL,
        read_offset INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, room_id, root_seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 17,
    name: 'outgoing webhooks and their outbox',
    // The signing secret is kept in clear: an HMAC needs the key. A delivered row is deleted;
    // event_id is unique so that a range enqueued twice cannot make a second delivery.
    sql: `
      CREATE TABLE outgoing_webhooks (
        id               INTEGER PRIMARY KEY,
        room_id          INTEGER NOT NULL REFERENCES rooms (id),
        name             TEXT    NOT NULL,
        url              TEXT    NOT NULL,
        trigger_words    TEXT    NOT NULL,
        secret           TEXT    NOT NULL,
        enqueued_through INTEGER NOT NULL,
        created_at       INTEGER NOT NULL,
        created_by       TEXT    NOT NULL,
        revoked_at       INTEGER
      );
      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        hook_id         INTEGER NOT NULL REFERENCES outgoing_webhooks (id),
        room_id         INTEGER NOT NULL,
        message_offset  INTEGER NOT NULL,
        event_id        TEXT    NOT NULL UNIQUE,
        attempts        INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_until     INTEGER,
        parked_at       INTEGER,
        last_error      TEXT,
        created_at      INTEGER NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE parked_at IS NULL;
    `,
  },
  {
    version: 18,
    name: 'password reset links and per-room retention',
    // Reset tokens as SHA-256 hashes only; used_at makes a link single-use.
    sql: `
      CREATE TABLE password_resets (
        token_hash TEXT    PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts (id),
        expires_at INTEGER NOT NULL,
        issued_by  TEXT    NOT NULL,
        used_at    INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX password_resets_account ON password_resets (account_id);
      CREATE TABLE room_retention (
        room_id INTEGER PRIMARY KEY REFERENCES rooms (id),
        days    INTEGER NOT NULL
      );
    `,
  },
  {
    version: 19,
    name: 'single sign-on identities and flows',
    // An account is bound to (issuer, subject), never to a claimed name; a flow row is taken once.
    sql: `
      CREATE TABLE sso_identities (
        issuer     TEXT    NOT NULL,
        subject    TEXT    NOT NULL,
        account_id INTEGER NOT NULL UNIQUE REFERENCES accounts (id),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (issuer, subject)
      ) WITHOUT ROWID;
      CREATE TABLE sso_flows (
        id_hash    TEXT    PRIMARY KEY,
        state      TEXT    NOT NULL,
        nonce      TEXT    NOT NULL,
        verifier   TEXT    NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sso_flows_expiry ON sso_flows (expires_at);
    `,
  },
  {
    version: 20,
    name: 'slash commands: registered commands and room topics',
    // A command's signing secret is kept in clear, as an outgoing webhook's: an HMAC needs the key.
    sql: `
      CREATE TABLE slash_commands (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        url         TEXT NOT NULL,
        description TEXT NOT NULL,
        usage       TEXT NOT NULL,
        secret      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        created_by  TEXT NOT NULL
      );
      CREATE TABLE room_topics (
        room_id INTEGER PRIMARY KEY REFERENCES rooms (id),
        topic   TEXT NOT NULL,
        set_by  TEXT NOT NULL,
        set_at  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 21,
    name: 'pinned messages',
    // Pins are events of the room (kind 'pin' / 'unpin'), stored by the one append path; this
    // index holds them alone, so listing a room's pins reads its pin events, not its history.
    sql: `
      CREATE INDEX messages_pins ON messages (room_id, target, seq) WHERE kind IN ('pin', 'unpin');
    `,
  },
  {
    version: 22,
    name: 'files: uploads and the messages they are attached to',
    // A file is claimed by a draft's idempotency key (store/files.ts), then linked by the
    // append's own transaction through the trigger: the append path itself is unchanged, and
    // a message without files pays one probe of a partial index that holds only claims.
    sql: `
      ALTER TABLE messages ADD COLUMN attachments TEXT;
      CREATE TABLE files (
        id          TEXT    PRIMARY KEY,
        room_id     INTEGER NOT NULL REFERENCES rooms (id),
        owner_id    TEXT    NOT NULL,
        name        TEXT    NOT NULL,
        type        TEXT    NOT NULL,
        size        INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        claim_key   TEXT,
        claim_order INTEGER,
        message_seq INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX files_owner ON files (owner_id);
      CREATE INDEX files_claim ON files (room_id, claim_key) WHERE claim_key IS NOT NULL AND message_seq IS NULL;
      CREATE INDEX files_message ON files (room_id, message_seq) WHERE message_seq IS NOT NULL;
      CREATE INDEX files_unattached ON files (created_at) WHERE message_seq IS NULL;
      CREATE TRIGGER messages_attach AFTER INSERT ON messages
        WHEN NEW.kind = 'message' AND NEW.idempotency_key IS NOT NULL
         AND EXISTS (SELECT 1 FROM files WHERE room_id = NEW.room_id AND claim_key = NEW.idempotency_key AND message_seq IS NULL)
      BEGIN
        UPDATE messages SET attachments = (
          SELECT json_group_array(json_object('id', id, 'name', name, 'type', type, 'size', size))
            FROM (SELECT id, name, type, size FROM files
                   WHERE room_id = NEW.room_id AND claim_key = NEW.idempotency_key AND message_seq IS NULL
                   ORDER BY claim_order))
         WHERE room_id = NEW.room_id AND seq = NEW.seq;
        UPDATE files SET message_seq = NEW.seq
         WHERE room_id = NEW.room_id AND claim_key = NEW.idempotency_key AND message_seq IS NULL;
      END;
    `,
  },
  {
    version: 23,
    name: "an author's events in order, for data exports",
    sql: 'CREATE INDEX messages_author ON messages (author_id, room_id, seq) WHERE author_id IS NOT NULL;',
  },
];

import type Database from 'better-sqlite3';
import { rekeyNames, type NameRow } from '../rekey-names.js';

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
        room_id     INTEGER NOT NULL REFERENCES rooms (id),
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
];

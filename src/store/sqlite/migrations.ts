/**
 * Numbered, append-only schema changes. A released migration is never edited: add the
 * next number instead. Each runs once, inside the transaction that records it.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
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
];

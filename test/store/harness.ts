import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createLogger } from '../../src/log.js';
import { createStore, newlyStored, type SharedWriter, type WriteBatchReplies, type WriteChannel } from '../../src/store/index.js';
import { DEFAULT_ROOM, type Store, type StoredMessage } from '../../src/store/store.js';
import { tempDir } from '../helpers/server.js';

/**
 * One fresh, private database for one test. The contract suite sees backends only through
 * this, so every backend runs the very same tests.
 */
export interface StoreHarness {
  /** The `PARLEY_DATABASE_URL` of this database, for child processes. */
  readonly databaseUrl: string;
  /** Opens a Store on this database; again after a close, or several at once (like workers). */
  open(): Promise<Store>;
  /** Adds a room straight in the database: the Store interface has no verb for it (yet). */
  addRoom(name: string): Promise<number>;
  /**
   * Makes the database itself refuse every message whose text is `text` (a constraint the
   * Store knows nothing of), so that one draft of a batch fails inside the transaction.
   */
  refuseText(text: string): Promise<void>;
  /**
   * The tables whose rows hold `text` anywhere, read straight from the database (not
   * through a Store): `messages`, and the full-text index `message_search`.
   */
  tablesHolding(text: string): Promise<string[]>;
  /** How many mention rows the database holds for message `offset` of `roomId`. */
  mentionRows(roomId: number, offset: number): Promise<number>;
  /** Removes the database. */
  dispose(): Promise<void>;
}

export type HarnessFactory = () => Promise<StoreHarness>;

let sqliteRoot: string | undefined;

/** A SQLite file in a fresh folder, under one temporary folder removed when the process exits. */
export const sqliteHarness: HarnessFactory = async () => {
  sqliteRoot ??= tempDir('parley-store-');
  const file = path.join(fs.mkdtempSync(path.join(sqliteRoot, 'db-')), 'parley.db');
  return {
    databaseUrl: `sqlite:${file}`,
    open: () => createStore(`sqlite:${file}`),
    addRoom: async (name) => {
      // Opened after a Store has migrated the file; a second connection, like another worker.
      const db = new Database(file, { timeout: 5000 });
      try {
        const row = db.prepare<[string, number], { id: number }>('INSERT INTO rooms (name, created_at) VALUES (?, ?) RETURNING id').get(name, Date.now());
        if (!row) throw new Error('room insert returned nothing');
        return row.id;
      } finally {
        db.close();
      }
    },
    refuseText: async (text) => {
      const db = new Database(file, { timeout: 5000 });
      try {
        // RAISE(ABORT) fails the INSERT with SQLITE_CONSTRAINT_TRIGGER, as a CHECK would.
        db.exec(`CREATE TRIGGER refuse_text BEFORE INSERT ON messages WHEN NEW.content = ${sqliteLiteral(text)}
                 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
      } finally {
        db.close();
      }
    },
    tablesHolding: async (text) => {
      const db = new Database(file, { readonly: true, timeout: 5000 });
      try {
        const holds = (sql: string): boolean => (db.prepare<[string], { n: number }>(sql).get(text)?.n ?? 0) > 0;
        return [
          ...(holds('SELECT count(*) AS n FROM messages WHERE instr(content, ?) > 0') ? ['messages'] : []),
          ...(holds('SELECT count(*) AS n FROM message_search WHERE instr(text, ?) > 0') ? ['message_search'] : []),
        ];
      } finally {
        db.close();
      }
    },
    mentionRows: async (roomId, offset) => {
      const db = new Database(file, { readonly: true, timeout: 5000 });
      try {
        return db.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM mentions WHERE room_id = ? AND seq = ?').get(roomId, offset)?.n ?? 0;
      } finally {
        db.close();
      }
    },
    dispose: async () => fs.rmSync(path.dirname(file), { recursive: true, force: true }),
  };
};

const sqliteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** What a contract test gets: a fresh database, a store opened on it, its general room. */
export interface StoreContext {
  readonly harness: StoreHarness;
  /** A store opened on the fresh database. */
  readonly store: Store;
  /** The `general` room's id. */
  readonly general: number;
  /** Opens another store on the same database; closed after the test. */
  readonly open: () => Promise<Store>;
}

/**
 * The runner of every store contract: each call of the function it returns gets a fresh
 * database from `factory`, and every store it opened is closed and the database disposed
 * of when `body` ends, however it ends.
 */
export function freshStores(factory: HarnessFactory): (body: (context: StoreContext) => Promise<void>) => Promise<void> {
  return async (body) => {
    const harness = await factory();
    const opened: Store[] = [];
    const open = async (): Promise<Store> => {
      const store = await harness.open();
      opened.push(store);
      return store;
    };
    try {
      const store = await open();
      const general = (await store.roomByName(DEFAULT_ROOM))?.id;
      assert.ok(general !== undefined, 'the general room exists');
      await body({ harness, store, general, open });
    } finally {
      await Promise.all(opened.map((store) => store.close()));
      await harness.dispose();
    }
  };
}

/** A store on a fresh SQLite file, with the id of the general room its migrations create. */
export interface GeneralRoomStore {
  readonly store: Store;
  readonly general: number;
  /** Closes the store and removes the file. */
  close(): Promise<void>;
}

/** For tests of what runs on top of a store (feeds, shared reads): a fresh SQLite store and its general room. */
export async function storeWithGeneralRoom(): Promise<GeneralRoomStore> {
  const harness = await sqliteHarness();
  const store = await harness.open();
  const general = (await store.roomByName(DEFAULT_ROOM))?.id;
  if (general === undefined) throw new Error('no general room');
  return {
    store,
    general,
    close: async () => {
      await store.close();
      await harness.dispose();
    },
  };
}

/**
 * A SQLite file written the way `npm start` writes it: one writer thread (the primary's),
 * and every store `open()` returns reading through its own read-only connection and
 * sending its writes to that writer, like a cluster worker. Batches and replies go through
 * JSON on the way, as they do over node:cluster IPC.
 */
export const sqliteSharedWriterHarness: HarnessFactory = async () => {
  const base = await sqliteHarness();
  const writer = await startCompiledWriter(base.databaseUrl);
  const channel = writeChannelsTo(writer);
  return {
    databaseUrl: base.databaseUrl,
    open: () => createStore(base.databaseUrl, { writeChannel: channel() }),
    addRoom: base.addRoom,
    refuseText: base.refuseText,
    tablesHolding: base.tablesHolding,
    mentionRows: base.mentionRows,
    dispose: async () => {
      await writer.close();
      await base.dispose();
    },
  };
};

/**
 * The shared writer of `npm start` on a SQLite database. Its thread runs the compiled code
 * (`npm test` builds first): a worker thread does not get tsx's loader. Only plain data
 * crosses back, so the errors callers see are src's.
 */
export async function startCompiledWriter(databaseUrl: string): Promise<SharedWriter> {
  const distStore = pathToFileURL(path.join(import.meta.dirname, '..', '..', 'dist', 'store', 'index.js')).href;
  const { startSharedWriter } = (await import(distStore)) as typeof import('../../src/store/index.js');
  const writer = await startSharedWriter(databaseUrl, createLogger('silent'));
  if (!writer) throw new Error('SQLite has a shared writer');
  return writer;
}

/**
 * Channels to `writer`, one per store, relayed the way the cluster primary relays them
 * (src/cluster/primary.ts): each channel gets the replies to its own batches, and every
 * other channel hears of the messages it stored. Everything crosses JSON on the way, as
 * over node:cluster IPC.
 */
export function writeChannelsTo(writer: SharedWriter): () => WriteChannel {
  const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const channels = new Set<{ appended?: (messages: readonly StoredMessage[]) => void }>();
  return () => {
    const self: { replies?: (replies: WriteBatchReplies) => void; appended?: (messages: readonly StoredMessage[]) => void } = {};
    channels.add(self);
    return {
      send: (batch) => {
        const sent = viaJson(batch);
        void writer.execute(sent).then((replies) => {
          self.replies?.(viaJson(replies));
          const messages = newlyStored(sent, replies);
          if (messages.length === 0) return;
          for (const other of channels) if (other !== self) other.appended?.(viaJson(messages));
        });
      },
      onReplies: (listener) => {
        self.replies = listener;
        return () => delete self.replies;
      },
      onAppended: (listener) => {
        self.appended = listener;
        return () => delete self.appended;
      },
    };
  };
}

/** Where the PostgreSQL tests connect: PARLEY_TEST_POSTGRES_URL, else the local trust-auth server. */
export const postgresUrl = process.env['PARLEY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers at `postgresUrl`; false (never a throw) when it does not. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

let schemaCounter = 0;

/**
 * A fresh schema in the test database, selected through the connection's `search_path`, so
 * concurrent runs and tests never see each other's tables; dropped by `dispose`.
 */
export const postgresHarness: HarnessFactory = async () => {
  const schema = `parley_test_${process.pid}_${Date.now().toString(36)}_${schemaCounter++}`;
  const admin = new pg.Pool({ connectionString: postgresUrl, max: 2 });
  admin.on('error', () => undefined);
  const quoted = pg.escapeIdentifier(schema);
  await admin.query(`CREATE SCHEMA ${quoted}`);
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    databaseUrl: url.href,
    open: () => createStore(url.href),
    addRoom: async (name) => {
      const { rows } = await admin.query<{ id: number }>(`INSERT INTO ${quoted}.rooms (name, created_at) VALUES ($1, $2) RETURNING id`, [
        name,
        Date.now(),
      ]);
      const row = rows[0];
      if (!row) throw new Error('room insert returned nothing');
      return row.id;
    },
    refuseText: async (text) => {
      await admin.query(`ALTER TABLE ${quoted}.messages ADD CONSTRAINT refuse_text CHECK (content <> ${pg.escapeLiteral(text)})`);
    },
    tablesHolding: async (text) => {
      const holding: string[] = [];
      for (const [table, column] of [['messages', 'content'], ['message_search', 'text']] as const) {
        const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoted}.${table} WHERE strpos(${column}, $1) > 0`, [text]);
        if (Number(rows[0]?.n) > 0) holding.push(table);
      }
      return holding;
    },
    mentionRows: async (roomId, offset) => {
      const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoted}.mentions WHERE room_id = $1 AND seq = $2`, [roomId, offset]);
      return Number(rows[0]?.n);
    },
    dispose: async () => {
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${quoted} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
};

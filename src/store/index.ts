import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type { Store } from './store.js';

/**
 * The one place a storage backend is picked, from `PARLEY_DATABASE_URL`:
 * `sqlite:<file path>`, or a `postgres://` / `postgresql://` URL (node-postgres connection
 * string; e.g. `?options=-c%20search_path%3Dparley` selects a schema).
 */
export async function createStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    return new SqliteStore(databaseUrl.slice('sqlite:'.length));
  }
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    return PostgresStore.open(databaseUrl);
  }
  // Only the scheme is quoted: the rest of a URL can hold a password.
  throw new Error(`PARLEY_DATABASE_URL: unsupported scheme ${JSON.stringify(databaseUrl.split(':')[0] ?? '')}; use sqlite: or postgres://`);
}

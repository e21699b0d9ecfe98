import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type { Store } from './store.js';

/**
 * The one place a storage backend is picked, from `PARLEY_DATABASE_URL`:
 * `sqlite:<file path>` or `postgres://…`.
 */
export async function createStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    return new SqliteStore(databaseUrl.slice('sqlite:'.length));
  }
  throw new Error(`PARLEY_DATABASE_URL: the PostgreSQL backend is not built yet (${new URL(databaseUrl).protocol})`);
}

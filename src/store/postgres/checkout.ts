import type pg from 'pg';

const ignore = (): void => undefined;

/**
 * Checks a client out of `pool` for `use`, and always gives it back.
 *
 * A checked-out client whose connection dies (server restart, `pg_terminate_backend`)
 * emits 'error' besides failing its query; with no listener that event would crash the
 * process. The failed query already reports the problem, so each client carries one
 * listener that ignores it (added once: the pool reuses clients).
 *
 * After any error the client is destroyed rather than pooled: the connection may be dead
 * or mid-transaction, errors are rare, and a new connection costs milliseconds.
 */
export async function withClient<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  if (!client.listeners('error').includes(ignore)) client.on('error', ignore);
  try {
    const result = await use(client);
    client.release();
    return result;
  } catch (error) {
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/** Runs `work` in a transaction on a client of `pool`: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

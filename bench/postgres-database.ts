import pg from 'pg';

/**
 * The PostgreSQL server `--database postgres` benchmarks on: PARLEY_BENCH_POSTGRES_URL, else
 * the local trust-auth server. Its database part is where the benchmark connects to create
 * and drop its own databases; Parley never sees it.
 */
export const benchPostgresUrl = process.env['PARLEY_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database created for one scenario. */
export interface BenchDatabase {
  /** The `PARLEY_DATABASE_URL` that points Parley at it. */
  readonly url: string;
  /** Drops it (and ends any connection still open on it). */
  drop(): Promise<void>;
}

let created = 0;

/** Creates a fresh, empty database, so that every scenario starts from an empty history. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `parley_bench_${process.pid}_${created++}`;
  await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(benchPostgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    // FORCE (PostgreSQL 13+): a server that did not exit cleanly may still hold connections.
    drop: () => admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: benchPostgresUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end().catch(() => undefined);
  }
}

import pg from 'pg';

/** The connections a node may open, as its configuration says. */
export interface ConnectionPlan {
  /** Processes with a pool of their own: each worker, and the primary's writer (or the one process of src/main.ts). */
  readonly processes: number;
  /** PARLEY_PG_POOL_SIZE: connections per process, at most. */
  readonly poolSize: number;
  /** How the processes are made up, for the message (e.g. "12 workers + 1 primary"). */
  readonly describe: string;
}

/** What the server allows this node's role, and what others hold now. */
export interface ConnectionBudget {
  /** The node's own most: processes × pool size. */
  readonly needed: number;
  /** The server's `max_connections`. */
  readonly maxConnections: number;
  /** Of those, what this role may use (the slots reserved for superusers are not its, unless it is one). */
  readonly available: number;
  /** Connections other clients (other nodes, tools) hold at this moment. */
  readonly heldByOthers: number;
}

/** The node would open more connections than the server allows: the start is refused. */
export class ConnectionBudgetError extends Error {
  override readonly name = 'ConnectionBudgetError';
}

/**
 * Asks the server (one short connection, before any pool opens) how many connections it
 * allows, and refuses a plan that would exceed them on its own, naming both numbers. A pool
 * opens its connections as load comes, so an oversized plan would otherwise start and fail
 * later, under load, with "too many clients already" on some worker's reads.
 */
export async function checkConnectionBudget(connectionString: string, plan: ConnectionPlan): Promise<ConnectionBudget> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ max: number; superuser_reserved: number; reserved: number; superuser: boolean; held: number }>(
      `SELECT current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int AS superuser_reserved,
              COALESCE(current_setting('reserved_connections', true), '0')::int AS reserved,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()) AS held`,
    );
    const row = rows[0];
    if (!row) throw new Error('SHOW max_connections returned nothing');
    const reserved = row.superuser ? 0 : row.superuser_reserved + row.reserved;
    const budget: ConnectionBudget = {
      needed: plan.processes * plan.poolSize,
      maxConnections: row.max,
      available: row.max - reserved,
      heldByOthers: row.held,
    };
    if (budget.needed > budget.available) {
      const reservedNote = reserved > 0 ? `, ${reserved} of them reserved for superusers` : '';
      throw new ConnectionBudgetError(
        `PARLEY_PG_POOL_SIZE: this node may open ${budget.needed} PostgreSQL connections ((${plan.describe}) × ${plan.poolSize}), ` +
          `more than the ${budget.available} the server allows it (max_connections ${budget.maxConnections}${reservedNote}); ` +
          'lower PARLEY_PG_POOL_SIZE or PARLEY_WORKERS, or raise max_connections',
      );
    }
    return budget;
  } finally {
    await client.end().catch(() => undefined);
  }
}

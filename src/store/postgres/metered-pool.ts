import pg from 'pg';

/** A pool's connections at one moment. */
export interface PoolUse {
  /** Checked out: running a query or a transaction. */
  readonly busy: number;
  /** Open and free. */
  readonly idle: number;
  /** Checkouts queued for a connection because every one the pool may open is busy. */
  readonly waiting: number;
  /** The most the pool opens (PARLEY_PG_POOL_SIZE). */
  readonly max: number;
}

/**
 * What a PostgreSQL pool tells the metrics (src/operations/metrics.ts implements it), so
 * that the store needs no metrics library.
 */
export interface PoolObserver {
  /** Called once, when the pool opens, with a reader of its counters (a gauge calls it at each scrape). */
  watch(read: () => PoolUse): void;
  /** A checkout found the pool full and waited this long for a connection (or until it gave up). */
  waited(seconds: number): void;
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * node-postgres's pool, counting the checkouts that had to wait. Every checkout goes through
 * `connect` (`pool.query` calls it too), so this is the one place a wait can be seen.
 */
export class MeteredPool extends pg.Pool {
  private readonly max: number;

  constructor(
    config: pg.PoolConfig & { readonly max: number },
    private readonly observer?: PoolObserver,
  ) {
    super(config);
    this.max = config.max;
    observer?.watch(() => this.use());
  }

  /** Its connections now. */
  use(): PoolUse {
    return { busy: this.totalCount - this.idleCount, idle: this.idleCount, waiting: this.waitingCount, max: this.max };
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    // A checkout waits when every connection the pool may open is taken (or others already queue).
    const full = this.waitingCount > 0 || (this.idleCount === 0 && this.totalCount >= this.max);
    const observer = this.observer;
    if (!full || !observer) return callback ? super.connect(callback) : super.connect();
    const queuedAt = performance.now();
    const done = (): void => observer.waited((performance.now() - queuedAt) / 1000);
    if (callback) {
      super.connect((err, client, release) => {
        done();
        callback(err, client, release);
      });
      return;
    }
    return super.connect().finally(done);
  }
}

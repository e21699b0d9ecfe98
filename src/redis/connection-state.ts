import type { Logger } from '../log.js';
import type { RedisClient } from './client.js';

/**
 * Whether this process's Redis connection is up, told once per change: a lost connection
 * is one warning (and one call of `onLost`, which the metrics count), its return one more, however
 * many reconnection attempts fail in between (the client retries every 2 s at most, and
 * each attempt would otherwise log an error with its stack).
 */
export class RedisConnectionState {
  private up = true;
  private lostAt = 0;
  private failedAttempts = 0;

  /** `onLost`: called once per lost connection; `onBack`: at each return (not at the first connection, which has passed). */
  constructor(
    client: RedisClient,
    private readonly log: Logger,
    private readonly onLost: () => void,
    private readonly onBack: () => void,
  ) {
    // An error the client reports while still ready is not a lost connection.
    client.on('error', (error: Error) => {
      if (!client.isReady) this.lost(error.message);
    });
    client.on('reconnecting', () => this.lost('reconnecting'));
    client.on('ready', () => this.back());
  }

  /** True while the connection is up. */
  get connected(): boolean {
    return this.up;
  }

  private lost(reason: string): void {
    if (!this.up) {
      this.failedAttempts++;
      return;
    }
    this.up = false;
    this.lostAt = Date.now();
    this.failedAttempts = 0;
    this.onLost();
    this.log.warn({ reason }, 'redis unreachable; this node serves its own clients alone');
  }

  private back(): void {
    if (this.up) return;
    this.up = true;
    this.log.warn({ awayMs: Date.now() - this.lostAt, failedAttempts: this.failedAttempts }, 'redis connection back; repairing what was missed meanwhile');
    this.onBack();
  }
}

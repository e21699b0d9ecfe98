/**
 * A token bucket held in this process (one connection's): `ratePerSecond` sustained, `burst` at once. Refusing a
 * flood here keeps one client from monopolising the store's write path.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

import type { LimitName, Limits } from './catalog.js';
import { LeasedCounter } from './leased-counter.js';
import { createSharedCounter, type CounterFactory, type SharedCounter } from './shared-counter.js';
import { TokenBucket } from './token-bucket.js';

/** What one caller pays with: its connection's buckets, its user and its address. */
export interface Payer {
  /** The connection's own token buckets, made on first use. */
  readonly buckets: Map<LimitName, TokenBucket>;
  readonly userId: string;
  readonly address: string;
}

/**
 * Charges events their price: each named limit in turn, refusing at the first that is spent.
 * Connection limits are answered at once; user and address limits by the counters shared
 * across workers (and nodes), taken in leases so a busy sender rarely waits for them.
 */
export class Prices {
  private readonly counters = new Map<LimitName, SharedCounter>();
  private readonly leased = new Map<LimitName, LeasedCounter>();

  /** `makeCounter`: where user and address counters live (Redis across nodes, see shared-counter.ts). */
  constructor(
    readonly limits: Limits,
    private readonly makeCounter: CounterFactory = createSharedCounter,
  ) {}

  /** True when every limit of `price` had room; may answer at once or later. */
  charge(price: readonly LimitName[], payer: Payer): boolean | Promise<boolean> {
    for (let index = 0; index < price.length; index++) {
      const name = price[index] as LimitName;
      const rule = this.limits[name];
      if (rule.scope === 'connection') {
        if (!this.bucketOf(name, payer).take()) return false;
        continue;
      }
      const taken = this.leasedOf(name).take(rule.scope === 'user' ? payer.userId : payer.address);
      if (taken === true) continue;
      if (taken === false) return false;
      return taken.then((ok) => ok && this.charge(price.slice(index + 1), payer));
    }
    return true;
  }

  /** The shared counter of one limit (the login back-off reads and clears it directly). */
  counter(name: LimitName): SharedCounter {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = this.makeCounter(name, this.limits[name]);
      this.counters.set(name, counter);
    }
    return counter;
  }

  private leasedOf(name: LimitName): LeasedCounter {
    let leased = this.leased.get(name);
    if (!leased) {
      leased = new LeasedCounter(this.counter(name), this.limits[name].points, this.limits[name].seconds * 1000);
      this.leased.set(name, leased);
    }
    return leased;
  }

  private bucketOf(name: LimitName, payer: Payer): TokenBucket {
    let bucket = payer.buckets.get(name);
    if (!bucket) {
      const rule = this.limits[name];
      bucket = new TokenBucket(rule.points / rule.seconds, rule.points);
      payer.buckets.set(name, bucket);
    }
    return bucket;
  }
}

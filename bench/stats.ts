/**
 * Latency recording for the benchmark: a log-bucketed histogram (0.5 % resolution from
 * 1 µs to 100 s) so that millions of samples take a fixed 30 KB, merge across client
 * processes by adding counts, and still give p50/p95/p99 within half a percent.
 */

const MIN_MS = 0.001;
const MAX_MS = 100_000;
const GROWTH = 1.005;
const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / Math.log(GROWTH)) + 2;

/** A histogram's plain form, as it crosses a process boundary. */
export interface HistogramData {
  readonly counts: Float64Array;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = 0;

  /** Records one latency in milliseconds (negative values, from clock skew, count as 0). */
  record(ms: number): void {
    const value = Math.max(0, ms);
    const bucket = bucketOf(value);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  merge(other: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.count += other.count;
    this.sum += other.sum;
    if (other.count > 0) {
      this.min = Math.min(this.min, other.min);
      this.max = Math.max(this.max, other.max);
    }
  }

  toData(): HistogramData {
    return { counts: this.counts, count: this.count, sum: this.sum, min: this.min, max: this.max };
  }

  get samples(): number {
    return this.count;
  }

  get mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  get maximum(): number {
    return this.count === 0 ? Number.NaN : this.max;
  }

  /** The value at quantile `q` (0..1): the upper edge of its bucket, capped by the true max. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, upperEdgeOf(i)));
    }
    return this.max;
  }

  static from(data: HistogramData): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.merge(data);
    return histogram;
  }
}

function bucketOf(ms: number): number {
  if (ms <= MIN_MS) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / Math.log(GROWTH)));
}

function upperEdgeOf(bucket: number): number {
  return MIN_MS * GROWTH ** bucket;
}

/** The largest value (`fallback` when there is none); unlike Math.max(...values), any count. */
export function maxOf(values: Iterable<number>, fallback = Number.NEGATIVE_INFINITY): number {
  let largest = fallback;
  for (const value of values) if (value > largest) largest = value;
  return largest;
}

/** p50/p95/p99 and max of a histogram, in milliseconds. */
export interface Percentiles {
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function percentiles(histogram: LatencyHistogram): Percentiles {
  return {
    samples: histogram.samples,
    p50: histogram.quantile(0.5),
    p95: histogram.quantile(0.95),
    p99: histogram.quantile(0.99),
    max: histogram.maximum,
  };
}

import { LatencyHistogram } from '../stats.js';
import { now, sendTimeOf } from './protocol.js';

/**
 * What the clients of one process received: each client's offsets in arrival order (for
 * the exactly-once, in-order check), when each first held a wanted offset, and the
 * send-to-receive latency of every delivery.
 */
export class DeliveryLog {
  private readonly offsets: Int32Array[] = [];
  private readonly lengths: number[] = [];
  private readonly highest: number[] = [];
  private readonly reachedAt: number[] = [];
  private wantedOffset = Number.POSITIVE_INFINITY;
  private endToEnd = new LatencyHistogram();
  private deliveries = 0;
  private firstAt = Number.NaN;
  private lastAt = Number.NaN;
  /** Deliveries of messages sent before this are logged (offsets) but not measured. */
  private measuredFrom = Number.NEGATIVE_INFINITY;

  /** Registers a client; returns the function its broadcasts go to. */
  addClient(): (text: string, offset: number) => void {
    const index = this.offsets.length;
    this.offsets.push(new Int32Array(64));
    this.lengths.push(0);
    this.highest.push(0);
    this.reachedAt.push(Number.NaN);
    return (text, offset) => this.record(index, text, offset);
  }

  /**
   * Measures (latency, count, first and last time) only deliveries of messages sent at or
   * after `sentAt`, such as after a warm-up round, forgetting what was measured before;
   * every delivery is still logged.
   */
  measureFrom(sentAt: number): void {
    this.measuredFrom = sentAt;
    this.endToEnd = new LatencyHistogram();
    this.deliveries = 0;
    this.firstAt = Number.NaN;
    this.lastAt = Number.NaN;
  }

  /** From now on, note when each client first holds `offset`. */
  want(offset: number): void {
    this.wantedOffset = offset;
    const at = now();
    this.highest.forEach((highest, index) => {
      if (highest >= offset && Number.isNaN(this.reachedAt[index])) this.reachedAt[index] = at;
    });
  }

  /** True when every client holds the wanted offset. */
  allReached(): boolean {
    return this.reachedAt.every((at) => !Number.isNaN(at));
  }

  get clients(): number {
    return this.offsets.length;
  }

  private record(index: number, text: string, offset: number): void {
    const at = now();
    const sentAt = sendTimeOf(text);
    if (sentAt === undefined || sentAt >= this.measuredFrom) {
      if (sentAt !== undefined) this.endToEnd.record(at - sentAt);
      this.deliveries += 1;
      if (Number.isNaN(this.firstAt)) this.firstAt = at;
      this.lastAt = at;
    }

    let log = this.offsets[index] ?? new Int32Array(64);
    const length = this.lengths[index] ?? 0;
    if (length === log.length) {
      const grown = new Int32Array(log.length * 2);
      grown.set(log);
      log = grown;
      this.offsets[index] = log;
    }
    log[length] = offset;
    this.lengths[index] = length + 1;
    if (offset > (this.highest[index] ?? 0)) this.highest[index] = offset;
    if (offset >= this.wantedOffset && Number.isNaN(this.reachedAt[index])) this.reachedAt[index] = at;
  }

  /** Everything recorded, in the shape of an `awaited` reply. */
  summary(disconnects: number) {
    const total = this.lengths.reduce((sum, length) => sum + length, 0);
    const logs = new Int32Array(total);
    let at = 0;
    this.offsets.forEach((log, index) => {
      const length = this.lengths[index] ?? 0;
      logs.set(log.subarray(0, length), at);
      at += length;
    });
    return {
      type: 'awaited' as const,
      reachedAt: Float64Array.from(this.reachedAt),
      logs,
      logLengths: Int32Array.from(this.lengths),
      endToEndMs: this.endToEnd.toData(),
      deliveries: this.deliveries,
      firstDeliveryAt: this.firstAt,
      lastDeliveryAt: this.lastAt,
      disconnects,
    };
  }
}

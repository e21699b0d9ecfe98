import type { Logger } from '../log.js';
import type { ParleySocket } from '../types.js';
import { webSocketOf, writeQueue } from './writable.js';
import { writeEvents, type EncodedEvent } from './ws-frames.js';

/** What engine.io keeps for each queued packet besides its data (the packet and options objects). */
const PACKET_OVERHEAD_BYTES = 64;
/** Closures are logged as one count per this period at most, however many there are. */
const REPORT_EVERY_MS = 10_000;

/**
 * The gate every message write to a socket passes (live stream and catch-up): a client
 * that stops reading, while still answering heartbeats, would otherwise have everything
 * sent to it held in this process without bound. Before each write, what the connection
 * holds unsent is measured, and past `maxBytes` its transport is closed instead: the
 * client reconnects by itself and catches up from the store, from the offset it names, so
 * nothing is lost.
 *
 * What a connection holds, measured with a few number reads and no timer or state per
 * connection:
 * - over a WebSocket, the bytes `ws` holds unsent (`bufferedAmount`), and
 * - on either transport, engine.io's queue (`writeQueue`): the bytes this gate put in it
 *   (kept in a WeakMap keyed by the queue array itself, which engine.io replaces on every
 *   hand-over, so the entry goes with the queue) plus a fixed cost per packet, which also
 *   bounds packets written by others (presence, typing).
 *
 * The check comes before the write, so one large write (a catch-up batch) never closes a
 * client that had nothing waiting; a connection holds at most `maxBytes` plus one write.
 */
export class OutboundLimit {
  /** Bytes this gate queued in each engine.io write queue not yet handed to a transport. */
  private readonly queuedBytes = new WeakMap<readonly unknown[], number>();
  private closedTotal = 0;
  private unreported = 0;
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  /** Connections this process closed for holding more than the limit. */
  get closed(): number {
    return this.closedTotal;
  }

  /**
   * Writes `events` to `socket` (as `writeEvents` does; `frames` shared by the caller), or,
   * if the socket already holds more than the limit unsent, closes its transport instead.
   * Returns false when nothing was written (closed now or before).
   */
  write(socket: ParleySocket, events: readonly EncodedEvent[], frames?: Buffer): boolean {
    const engine = socket.conn;
    if (engine.readyState !== 'open') return false;
    if (events.length === 0) return true;
    if (this.heldBytes(socket) > this.maxBytes) {
      this.close(socket);
      return false;
    }
    const bytes = writeEvents(socket, events, frames);
    // Still queued (the transport was busy): count it against this queue until handed over.
    const queue = writeQueue(engine);
    if (queue.length > 0) this.queuedBytes.set(queue, (this.queuedBytes.get(queue) ?? 0) + bytes);
    return true;
  }

  /** Stops the periodic report (shutdown). */
  stop(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
  }

  private close(socket: ParleySocket): void {
    const engine = socket.conn;
    const webSocket = webSocketOf(engine);
    // `discard`: engine.io would otherwise wait for its queue to drain, which a reader
    // that stopped reading never lets happen.
    engine.close(true);
    // engine.io closes a WebSocket with a closing handshake the client will not read,
    // keeping the socket and its unsent bytes for ws's 30 s close timeout: drop them now.
    webSocket?.terminate?.();
    this.closedTotal++;
    this.unreported++;
    if (!this.reportTimer) this.report();
  }

  private heldBytes(socket: ParleySocket): number {
    const engine = socket.conn;
    const queue = writeQueue(engine);
    const queued = queue.length === 0 ? 0 : (this.queuedBytes.get(queue) ?? 0) + queue.length * PACKET_OVERHEAD_BYTES;
    return (webSocketOf(engine)?.bufferedAmount ?? 0) + queued;
  }

  /** Logs the closures since the last line, then at most once per period while more come. */
  private report(): void {
    this.reportTimer = undefined;
    if (this.unreported === 0) return;
    this.log.warn(
      { closed: this.unreported, closedTotal: this.closedTotal, maxOutboundBytes: this.maxBytes },
      'closed connections holding more than the outbound limit unsent',
    );
    this.unreported = 0;
    this.reportTimer = setTimeout(() => this.report(), REPORT_EVERY_MS);
    this.reportTimer.unref();
  }
}

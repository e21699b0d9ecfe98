import net from 'node:net';
import type { SlowPlan, SlowReport } from './protocol.js';

/** What each connection sends, one byte at a time: a request line it never finishes. */
const REQUEST_LINE = 'GET /socket.io/?EIO=4&transport=polling&t=slowloris-slowloris-slowloris HTTP/1.1\r\n';
/** Pause before a cut connection is replaced, so a refusing server is not hammered in a hot loop. */
const REOPEN_DELAY_MS = 50;

/**
 * A slow-connection attack: keeps `plan.connections` TCP connections open, each sending
 * its request line one byte per `plan.byteIntervalMs`, and reopens each one the server cuts
 * or refuses, until stopped. Counts what the server did with them.
 */
export class SlowConnections {
  private stopped = false;
  private open = 0;
  private peakOpen = 0;
  private opened = 0;
  private refused = 0;
  private cut = 0;
  private errors = 0;
  private heldMinMs = Number.POSITIVE_INFINITY;
  private heldMaxMs = 0;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly port: number,
    private readonly plan: SlowPlan,
  ) {}

  /** Opens the connections, `plan.rampPer100Ms` at a time; resolves when all are begun. */
  async start(): Promise<void> {
    for (let slot = 0; slot < this.plan.connections && !this.stopped; slot++) {
      this.openSlot(slot);
      if ((slot + 1) % this.plan.rampPer100Ms === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops reopening and closes every connection; answers what happened. */
  stop(): SlowReport {
    this.stopped = true;
    for (const socket of this.sockets) socket.destroy();
    return {
      peakOpen: this.peakOpen,
      opened: this.opened,
      refused: this.refused,
      cut: this.cut,
      errors: this.errors,
      heldMinMs: Number.isFinite(this.heldMinMs) ? this.heldMinMs : Number.NaN,
      heldMaxMs: this.heldMaxMs,
    };
  }

  private openSlot(slot: number): void {
    if (this.stopped) return;
    const localAddress = this.plan.addresses[slot % this.plan.addresses.length] ?? '127.0.0.1';
    const socket = net.connect({ host: '127.0.0.1', port: this.port, localAddress });
    this.sockets.add(socket);
    this.opened += 1;
    let connectedAt = 0;
    let answered = false;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const sendByte = (): void => {
      if (sent >= REQUEST_LINE.length - 2) return; // never the final newline
      socket.write(REQUEST_LINE[sent] ?? 'x');
      sent += 1;
      timer = setTimeout(sendByte, this.plan.byteIntervalMs);
    };
    socket.once('connect', () => {
      connectedAt = performance.now();
      this.open += 1;
      this.peakOpen = Math.max(this.peakOpen, this.open);
      sendByte();
    });
    socket.on('data', () => {
      answered = true; // the only answer the primary gives an unfinished request line: 503
    });
    // A reset after connecting is a cut like a close; the outcome is told apart by `close`.
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
      if (connectedAt > 0) this.open -= 1;
      if (this.stopped) return;
      if (answered) this.refused += 1;
      else if (connectedAt === 0) this.errors += 1;
      else {
        this.cut += 1;
        const held = performance.now() - connectedAt;
        this.heldMinMs = Math.min(this.heldMinMs, held);
        this.heldMaxMs = Math.max(this.heldMaxMs, held);
      }
      setTimeout(() => this.openSlot(slot), REOPEN_DELAY_MS);
    });
  }
}

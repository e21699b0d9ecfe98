import type { IncomingMessage } from 'node:http';
import type { ParleyServer, ParleySocket } from '../types.js';

/** What this file uses of a TCP socket: Node's cork, to gather several writes into one. */
interface Corkable {
  cork(): void;
  uncork(): void;
  readonly destroyed: boolean;
}

/** What this file uses of engine.io's WebSocket transport (engine.io 6.6, ws 8). */
interface WebSocketTransport {
  readonly name: string;
  writable: boolean;
  readonly socket?: { readonly _socket?: Corkable };
}

/** What this file uses of engine.io's socket: its transport, its state and its flush. */
interface EngineSocket {
  readonly transport: WebSocketTransport;
  readonly readyState: string;
  flush(): void;
}

/**
 * A new WebSocket connection's first answers, in one write each way instead of two: the
 * `101 Switching Protocols` answer and Engine.IO's open packet leave together, as do
 * Socket.IO's CONNECT answer, `session:user` and whatever else the connection is sent in the
 * same turn of the event loop. Each write is a system call and a loopback delivery that the
 * profile of a burst of connections put at a tenth of a worker's time (docs/benchmarks.md,
 * "The writes and messages of a new connection"); raw ws answers a connection with one.
 *
 * On the upgrade (engine.io's `headers` event, emitted by ws just before it writes the 101
 * answer, only for a request it accepted), the TCP socket is corked until the event loop's
 * next check phase: engine.io writes its open packet in between, after generating the
 * session's id. A refusal written before that point (origin, pace, limits) is not delayed.
 */
export function corkUpgradeAnswers(io: ParleyServer): void {
  io.engine.on('headers', (_headers: Record<string, string>, request: IncomingMessage) => {
    // Long-polling's answers are one HTTP response each already.
    if (request.headers.upgrade === undefined) return;
    corkUntilNextTurn(request.socket);
  });
}

/**
 * Holds what `socket` is sent until the event loop's next check phase, then writes it at
 * once (called as the namespace's middleware lets the connection in). engine.io hands a
 * WebSocket transport one packet at a time while the previous write is unfinished, so the
 * CONNECT answer and `session:user` were two writes; held here, engine.io queues both in
 * its write buffer, as it does while a write is unfinished, and the flush sends them as
 * frames of one write. Long-polling needs none of it: a poll's answer carries every queued
 * packet. Order is kept: nothing bypasses engine.io's queue.
 */
export function holdFirstWrites(socket: ParleySocket): void {
  const engine = socket.conn as unknown as EngineSocket;
  const transport = engine.transport;
  const tcp = transport.socket?._socket;
  // Only an idle WebSocket transport: one busy with a write already queues by itself.
  if (transport.name !== 'websocket' || !transport.writable || tcp === undefined) return;
  transport.writable = false;
  setImmediate(() => {
    // Upgraded or closed meanwhile: that transport is engine.io's again, or gone.
    if (engine.transport !== transport || transport.writable) return;
    transport.writable = true;
    if (engine.readyState !== 'open' || tcp.destroyed) return;
    tcp.cork();
    engine.flush();
    tcp.uncork();
  });
}

function corkUntilNextTurn(tcp: Corkable): void {
  tcp.cork();
  setImmediate(() => tcp.uncork());
}

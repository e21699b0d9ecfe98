import type { ParleyServer } from '../types.js';
import { atTurnEnd } from './turn-end.js';

/** What this file touches of an engine.io socket (engine.io 6.6). */
interface EngineConnection {
  flush(): void;
  readonly transport: { readonly socket?: { readonly _socket?: { cork(): void; uncork(): void } } };
}

/**
 * Makes each connection write once per event-loop turn: whatever is queued for it during
 * the turn (acknowledgements, room messages from the feeds, presence, other emits) leaves
 * at the turn's end, in the order it was queued, in one socket write.
 *
 * Why: a sender's acknowledgement is queued in the microtasks that follow its store reply,
 * and its own message reaches its room's feed in the same turn; written as they come, that
 * is two writes, and two wake-ups of the client, per message sent (measured: see
 * docs/benchmarks.md, "One write per connection per turn").
 *
 * Relies on engine.io 6.6 and ws 8 internals (test/delivery/turn-writes.test.ts fails if
 * they change):
 * - `conn.flush()` is what engine.io calls to hand its queued packets to the transport,
 *   after each packet queued and whenever the transport becomes writable again; it does
 *   nothing if the transport is busy, and the next 'ready' calls it again.
 * - The WebSocket transport writes each packet with its own `ws` send; with the TCP socket
 *   (`transport.socket._socket`) corked around the hand-over, they leave in one write.
 */
export function writeOncePerTurn(io: ParleyServer): void {
  io.engine.on('connection', (connection: unknown) => {
    const engine = connection as EngineConnection;
    const flushNow = engine.flush.bind(engine);
    let due = false;
    const flushAtTurnEnd = (): void => {
      due = false;
      const tcp = engine.transport.socket?._socket;
      tcp?.cork();
      try {
        flushNow();
      } finally {
        tcp?.uncork();
      }
    };
    engine.flush = () => {
      if (due) return;
      due = true;
      atTurnEnd('connections', flushAtTurnEnd);
    };
  });
}

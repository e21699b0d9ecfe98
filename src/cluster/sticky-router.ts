import net from 'node:net';
import type { Worker } from 'node:cluster';
import type { Logger } from '../log.js';
import type { PrimaryToWorker } from './messages.js';
import { stopReading } from './read-stop.js';
import { workerIndexOfRequestLine } from '../http/session-id.js';
import { CountedLog } from '../counted-log.js';
import { PendingConnections } from './pending-connections.js';

/** Longest request line read before routing; anything longer is not HTTP we serve. */
const MAX_HEAD_BYTES = 8192;
const SERVICE_UNAVAILABLE = 'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';
const URI_TOO_LONG = 'HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';

/** A connection in the pending queue: how to shed it to make room for a newer one. */
interface Waiting {
  shed: () => void;
}

/** What the primary allows connections that have not sent their request line yet. */
export interface PendingLimits {
  /** Absolute deadline for the request line, from accept. */
  readonly headTimeoutMs: number;
  /** Connections waiting for their request line, in all; past it the oldest of the fullest address is shed. */
  readonly maxPending: number;
  /** The same, from one remote address; past it that address's oldest is shed. */
  readonly maxPendingPerAddress: number;
}

export interface StickyRouterOptions {
  /** The ready worker with this index, if any. */
  readonly workerAt: (index: number) => Worker | undefined;
  /** Ready workers, for new sessions. */
  readonly readyWorkers: () => Worker[];
  /** Called for each connection handed to a worker. */
  readonly onHandOff?: () => void;
  readonly limits: PendingLimits;
  readonly log: Logger;
}

/**
 * The public listener of a cluster: reads each TCP connection's request line and hands the
 * connection to a worker. A request for an existing engine.io session (`sid=<index>.…`)
 * goes to the worker that holds the session, so long-polling works behind one port;
 * anything else goes round-robin. After the hand-off the primary is out of the data path.
 *
 * Until the hand-off a connection costs the primary a file descriptor and up to
 * MAX_HEAD_BYTES, so that phase is bounded: an absolute deadline for the request line
 * (bytes arriving do not extend it) and caps on how many connections may be in it, in all
 * and per remote address. A new connection is always let in: past a cap the oldest waiting
 * connection of the address holding the most (or of its own address, when that one is at
 * its cap) is answered 503 and closed, so half-open connections cannot keep a health check
 * or an established session's requests out. Once its request line is in, a connection is
 * no longer in the queue and is never shed.
 */
export function createStickyRouter(options: StickyRouterOptions): net.Server {
  const { limits, log } = options;
  let nextWorker = 0;
  const pick = (requestLine: string): Worker | undefined => {
    const index = workerIndexOfRequestLine(requestLine);
    const owner = index === undefined ? undefined : options.workerAt(index);
    if (owner) return owner;
    const ready = options.readyWorkers();
    if (ready.length === 0) return undefined;
    nextWorker = (nextWorker + 1) % ready.length;
    return ready[nextWorker];
  };

  const pending = new PendingConnections<Waiting>(limits);
  // One line per interval with counts, not one per shed connection: an attack must not
  // turn into a flood of log lines.
  const refusals = new CountedLog(log, 'connections shed or cut before reaching a worker');

  // Connections start paused, and are read only once they have their place in the queue.
  const server = net.createServer({ pauseOnConnect: true }, (connection) => {
    connection.on('error', () => connection.destroy());
    const waiting: Waiting = { shed: () => undefined };
    // A full queue makes room by shedding an older connection, never by refusing this one:
    // it may be a health check or an established session's next poll (pending-connections.ts).
    const shed = pending.admit(waiting, connection.remoteAddress ?? '');
    if (shed) {
      refusals.add(shed.reason);
      shed.connection.shed();
    }
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      pending.remove(waiting);
    };
    const deadline = setTimeout(() => {
      refusals.add('headTimeout');
      settle();
      connection.destroy();
    }, limits.headTimeoutMs);
    connection.once('close', settle);
    // Called by a newer connection's admit, so never before onData below exists.
    waiting.shed = () => {
      settle();
      connection.off('data', onData);
      answerAndClose(connection, SERVICE_UNAVAILABLE);
    };

    // Most requests arrive whole in their first chunk, which is then forwarded as it is;
    // a request line split over chunks is copied into one buffer of at most MAX_HEAD_BYTES.
    let head: Buffer | undefined;
    let length = 0;
    const onData = (chunk: Buffer): void => {
      const newline = chunk.indexOf(0x0a);
      if (newline < 0) {
        if (length + chunk.length > MAX_HEAD_BYTES) {
          connection.off('data', onData);
          settle();
          refusals.add('headTooLong');
          answerAndClose(connection, URI_TOO_LONG);
          return;
        }
        head ??= Buffer.allocUnsafe(MAX_HEAD_BYTES);
        chunk.copy(head, length);
        length += chunk.length;
        return;
      }
      connection.off('data', onData);
      connection.pause();
      stopReading(connection);
      settle();
      const received = head === undefined ? chunk : Buffer.concat([head.subarray(0, length), chunk]);
      const worker = pick(received.subarray(0, length + newline).toString('latin1'));
      if (!worker) {
        answerAndClose(connection, SERVICE_UNAVAILABLE);
        return;
      }
      const message: PrimaryToWorker = { parley: 'connection', head: received.toString('base64') };
      options.onHandOff?.();
      worker.send(message, connection, (error) => {
        if (error) {
          log.warn({ err: error }, 'could not hand a connection to a worker');
          connection.destroy();
        }
      });
    };
    connection.on('data', onData);
    connection.resume();
  });
  server.once('close', () => refusals.close());
  return server;
}

/** Writes a short answer and closes, whether or not the client reads or closes its side. */
function answerAndClose(connection: net.Socket, response: string): void {
  connection.end(response, () => connection.destroy());
}

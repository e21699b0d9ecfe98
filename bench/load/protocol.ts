import type { HistogramData } from '../stats.js';

/**
 * The messages between the benchmark runner and its client processes (client-worker.ts).
 * Each command gets exactly one reply of the matching type. Times are epoch milliseconds
 * with sub-millisecond precision (`performance.timeOrigin + performance.now()`), comparable
 * across the processes of one machine.
 */

/**
 * What the clients are: socket.io-client (Parley and bare Socket.IO), the lean Socket.IO
 * client of lean-client.ts (the same protocol over bare `ws`, for tens of thousands of
 * connections from one process), or the raw ws ceiling's client.
 */
export type ClientKind = 'socketio' | 'lean' | 'raw';

export interface ConnectCommand {
  readonly type: 'connect';
  /** Client i of this process connects to urls[i % urls.length] (the nodes of a deployment). */
  readonly urls: readonly string[];
  readonly kind: ClientKind;
  /** Clients this process opens. */
  readonly clients: number;
  /** `auth.serverOffset` of every new client. */
  readonly startOffset: number;
  /** Handshakes in progress at once, so the server's accept backlog is not overrun. */
  readonly concurrency: number;
  /**
   * Loopback source addresses the clients are spread over (client i binds
   * localAddresses[i % length]): each has its own ~28,000 ephemeral ports towards the
   * server's one address and port. Empty or absent: the system picks (127.0.0.1).
   */
  readonly localAddresses?: readonly string[];
  readonly timeoutMs: number;
  /** If set, each client's time to receive this offset is recorded (catch-up). */
  readonly expectThroughOffset?: number;
}

export interface SendCommand {
  readonly type: 'send';
  /** The first `senders` clients of this process send. */
  readonly senders: number;
  /** `open`: at `ratePerSender` per second whatever the acks; `closed`: next send on ack. */
  readonly mode: 'open' | 'closed';
  readonly ratePerSender: number;
  readonly durationMs: number;
  /** No sender sends more than this. */
  readonly maxPerSender: number;
  /** Length of each message's text. */
  readonly textLength: number;
  /** When to start, so that every process starts together. */
  readonly startAt: number;
  /** How long to wait for outstanding acknowledgements after the last send. */
  readonly settleTimeoutMs: number;
  /**
   * A warm-up round: its deliveries are checked like any others but left out of the
   * delivery latencies and counts, which from the next measured round on cover only
   * messages sent from that round's `startAt`.
   */
  readonly warmUp: boolean;
}

export interface AwaitCommand {
  readonly type: 'await';
  /** Wait until every client has received this offset (or the timeout). */
  readonly throughOffset: number;
  readonly timeoutMs: number;
}

/** Waits until every client that lost `node` at `since` is back and caught up. */
export interface RecoveryCommand {
  readonly type: 'recovery';
  /** The node killed, as it is named in session ids (PARLEY_NODE_ID). */
  readonly node: string;
  /** Epoch ms: connections lost from then on count (the moment a node was killed). */
  readonly since: number;
  readonly timeoutMs: number;
}

export interface CloseCommand {
  readonly type: 'close';
}

export type Command = ConnectCommand | SendCommand | AwaitCommand | RecoveryCommand | CloseCommand;

export interface ConnectedReply {
  readonly type: 'connected';
  readonly connectMs: HistogramData;
  readonly connected: number;
  readonly failed: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface SentReply {
  readonly type: 'sent';
  readonly sent: number;
  /** Offsets acknowledged with ok: true (a retry's duplicate ack repeats an offset). */
  readonly ackedOffsets: Int32Array;
  readonly duplicateAcks: number;
  /** Failed sends by reason: an error code from the ack, or TIMEOUT, or UNSETTLED. */
  readonly failures: Readonly<Record<string, number>>;
  readonly ackMs: HistogramData;
  /** Every acknowledged send as [sentAt, ack ms] pairs, so a window of the phase can be measured apart. */
  readonly ackLog: Float64Array;
  readonly firstSendAt: number;
  readonly lastSendAt: number;
  readonly lastAckAt: number;
}

export interface AwaitedReply {
  readonly type: 'awaited';
  /** Per client, when it first held `throughOffset` (NaN if it never did). */
  readonly reachedAt: Float64Array;
  /** Every client's received offsets in arrival order, concatenated; `logLengths` splits them. */
  readonly logs: Int32Array;
  readonly logLengths: Int32Array;
  /** Send-to-receive latency of every delivery whose text carries its send time. */
  readonly endToEndMs: HistogramData;
  readonly deliveries: number;
  readonly firstDeliveryAt: number;
  readonly lastDeliveryAt: number;
  readonly disconnects: number;
}

export interface RecoveredReply {
  readonly type: 'recovered';
  readonly clients: number;
  /** Clients that were on the node at `since`. */
  readonly lost: number;
  /** Of those, the ones not connected again when the reply was made. */
  readonly notBack: number;
  /** Of those back, the ones that have not yet received a message sent after they came back. */
  readonly notCaughtUp: number;
  /** When the last of them connected again, and when the last received its first message sent after that (epoch ms; NaN: none). */
  readonly lastBackAt: number;
  readonly lastCaughtUpAt: number;
  /** Connection attempts refused or failed on the way back (connect_error), in all. */
  readonly connectErrors: number;
  /** Those attempts by reason: `refused: <message>` (the server's middleware) or `transport: <message>`. */
  readonly connectErrorReasons: Readonly<Record<string, number>>;
}

export interface ClosedReply {
  readonly type: 'closed';
}

export interface ErrorReply {
  readonly type: 'error';
  readonly message: string;
}

export type Reply = ConnectedReply | SentReply | AwaitedReply | RecoveredReply | ClosedReply | ErrorReply;

/** Epoch milliseconds with sub-millisecond precision. */
export const now = (): number => performance.timeOrigin + performance.now();

/** A message text that carries its send time, padded to `length` characters. */
export function stampedText(sentAt: number, length: number): string {
  const stamp = `t=${sentAt.toFixed(3)};`;
  return stamp.length >= length ? stamp : stamp.padEnd(length, 'x');
}

/** The send time in a text made by `stampedText`, or undefined. */
export function sendTimeOf(text: string): number | undefined {
  if (!text.startsWith('t=')) return undefined;
  const sentAt = Number.parseFloat(text.slice(2));
  return Number.isFinite(sentAt) ? sentAt : undefined;
}

/**
 * The typed event maps shared by the server, the web client, the tests and the benchmark.
 * No Node imports here: the browser build compiles this file too.
 */
import type { Ack } from './errors.js';

/** What the server acknowledges for a stored `chat message`. */
export interface SentMessage {
  /** The message's offset in its room. */
  readonly serverOffset: number;
  /** True when this was a repeat of a message already stored (a retry). */
  readonly duplicate: boolean;
}

/**
 * Events a client sends. Arguments are typed `unknown` on purpose: they come off the wire
 * and every handler validates them before use.
 */
export interface ClientToServerEvents {
  /** The tutorial's event: store `text` in the default room, then broadcast it. */
  'chat message': (text: unknown, clientOffset: unknown, ack?: (result: Ack<SentMessage>) => void) => void;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  /** The tutorial's event: a message of the default room and its offset there. */
  'chat message': (text: string, serverOffset: number) => void;
}

/** A stored message as it travels between the servers of a deployment. */
export interface MessageEnvelope {
  readonly roomId: number;
  readonly offset: number;
  readonly author: string;
  readonly text: string;
  readonly createdAt: number;
}

/** Events between the Parley servers (workers and nodes) of one deployment. */
export interface InterServerEvents {
  /** A message was stored; every server delivers it to its local sockets in offset order. */
  'message:stored': (message: MessageEnvelope) => void;
  /** A room's history reaches at least `offset`; servers behind it fetch what they lack. */
  'room:head': (roomId: number, offset: number) => void;
}

/** What `socket.data` carries for each connection, across servers (fetchSockets). */
export interface SocketData {
  /** Scopes the idempotency of `clientOffset`: the browser session, or the socket itself. */
  senderKey: string;
  /** Shown as the author of this connection's messages. */
  nickname: string;
}

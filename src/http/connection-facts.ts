import { ServerResponse, type IncomingMessage } from 'node:http';
import type { ParleyServer } from '../types.js';
import { clientAddress } from './client-address.js';

/**
 * What Parley keeps of a connection's first HTTP request once engine.io has made its
 * session: the request itself (its headers, its socket's parser state, several kilobytes)
 * is released, as Socket.IO's memory guide advises, so an idle connection holds only this.
 */
interface ConnectionFacts {
  /** The client's address, as limits count it (src/http/client-address.ts). */
  readonly address: string;
  /** The browser session: the one its signed cookie carried, else the one issued in the answer. */
  readonly browserSession: string | undefined;
  /** Whether the request carried that session in its own cookie (not issued in the answer). */
  readonly carried: boolean;
}

/** The engine.io connection a Socket.IO socket or client runs on. */
interface OnConnection {
  readonly conn: object;
}

/** Browser sessions of handshake requests, noted while their answer is written (auth/session-cookie.ts). */
const sessions = new WeakMap<IncomingMessage, { readonly session: string; readonly carried: boolean }>();
const facts = new WeakMap<object, ConnectionFacts>();

/**
 * Notes the browser session of a handshake request: `carried` when the request held it in a
 * cookie this deployment signed, else the one issued in its answer.
 */
export function noteBrowserSession(request: IncomingMessage, session: string, how: 'carried' | 'issued'): void {
  sessions.set(request, { session, carried: how === 'carried' });
}

/**
 * engine.io's stand-in answer to a WebSocket upgrade (its `WebSocketResponse`): it keeps
 * the request in `req`, and the TCP socket's `close` listener keeps it for the
 * connection's whole life, so releasing `conn.request` alone freed nothing (measured in a
 * heap snapshot: every idle connection's IncomingMessage was held by both).
 */
interface UpgradeAnswer {
  req: IncomingMessage | null;
}

/**
 * From each new engine.io connection on: its facts kept, its first request released (and
 * with it the headers, URL and parser state of that request). Must be the last listener of
 * the engine's `connection` event, after every other that reads the request
 * (src/connections/lifecycle.ts, step 0). Socket.IO's `socket.handshake` is built later,
 * from the released request, so its `headers`, `address` and `query` are empty: Parley
 * reads none of them, only `auth`, and takes what it needs from here.
 */
export function keepConnectionFacts(io: ParleyServer, trustedProxies: readonly string[]): void {
  const upgradeAnswers = new WeakMap<IncomingMessage, UpgradeAnswer>();
  io.engine.use((request: IncomingMessage, response: ServerResponse | UpgradeAnswer, next: () => void) => {
    if (!(response instanceof ServerResponse)) upgradeAnswers.set(request, response);
    next();
  });
  io.engine.on('connection', (conn: { request: IncomingMessage | null }) => {
    const { request } = conn;
    if (!request) return;
    const session = sessions.get(request);
    facts.set(conn, { address: clientAddress(request, trustedProxies), browserSession: session?.session, carried: session?.carried ?? false });
    conn.request = null;
    const answer = upgradeAnswers.get(request);
    if (answer) answer.req = null;
  });
}

/**
 * The browser session of a connection: the `parley_session` cookie its handshake carried if
 * this deployment signed it, else the one issued in its answer; undefined without one.
 */
export function browserSessionOf(socket: OnConnection): string | undefined {
  return facts.get(socket.conn)?.browserSession;
}

/**
 * The browser session a connection's handshake carried in its own signed cookie; undefined
 * when it carried none (a session issued in the answer proves nothing about who asks again).
 */
export function carriedSessionOf(socket: OnConnection): string | undefined {
  const known = facts.get(socket.conn);
  return known?.carried ? known.browserSession : undefined;
}

/** The client's address, as limits count it; `unknown` for a connection made before facts were kept. */
export function addressOf(socket: OnConnection): string {
  return facts.get(socket.conn)?.address ?? 'unknown';
}

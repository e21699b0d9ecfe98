import type { Namespace } from 'socket.io';
import type { Session } from 'socket.io-adapter';
import { hashSecret } from '../secrets.js';
import { carriedSessionOf } from '../http/connection-facts.js';

/** What a client presents when it connects to a namespace: its engine.io connection and its CONNECT payload. */
export interface PresentedHandshake {
  readonly conn: object;
  readonly auth: Record<string, unknown>;
}

/** The property a persisted session keeps its recovery key in (see withRecoveryKey). */
const KEY = 'parleyRecoveryKey';

/**
 * What binds a recoverable session to its client: the signed browser session the handshake
 * carried in its cookie (what a browser always sends), else the hash of its `auth.token`,
 * else nothing. Only hashes are kept. A cookie the server issued in the answer to this very
 * handshake does not count: it proves nothing about the client that asks next.
 * Without a key a session cannot be recovered by anyone (see isSameClient): nothing would
 * prove the reconnecting client is the one that left, and nothing is lost by refusing,
 * since every connection is caught up from the store from the offset its client names.
 */
export function recoveryKeyOf(handshake: PresentedHandshake): string | undefined {
  const cookie = carriedSessionOf(handshake);
  if (cookie !== undefined) return `cookie:${hashSecret(cookie)}`;
  const token = handshake.auth['token'];
  return typeof token === 'string' && token.length > 0 ? `token:${hashSecret(token)}` : undefined;
}

/** `session` with the recovery key of the connection it was taken from. */
export function withRecoveryKey<T extends object>(session: T, key: string | undefined): T {
  return key === undefined ? session : { ...session, [KEY]: key };
}

/** Whether `session` (from withRecoveryKey) was persisted by a connection presenting the same key. */
export function isSameClient(session: Session, key: string | undefined): boolean {
  return key !== undefined && KEY in session && session[KEY] === key;
}

/**
 * Tells which handshake is presenting a recovery id when the namespace's adapter is asked to
 * restore a session: Socket.IO (4.8) hands restoreSession only the id and the offset.
 *
 * How: Namespace._add(client, auth, fn) runs synchronously up to the adapter's
 * restoreSession call (_add → _createSocket → adapter.restoreSession, no await before it);
 * the wrapper records the handshake for exactly that stretch. Outside it the answer is
 * undefined, and a caller must then refuse to restore (fail closed). A Socket.IO version
 * that calls restoreSession later or elsewhere makes every recovery fail, not succeed for
 * the wrong client; test/accounts/recovery-takeover.test.ts fails loudly then. package.json
 * pins socket.io to ~4.8.
 */
export function watchPresentedHandshakes(nsp: Namespace): () => PresentedHandshake | undefined {
  if (typeof nsp._add !== 'function') {
    throw new Error('socket.io internals changed: Namespace._add is gone; recovery cannot be bound to the client (see recovery-key.ts)');
  }
  let presenting: PresentedHandshake | undefined;
  const add = nsp._add.bind(nsp);
  nsp._add = (client, auth, fn) => {
    presenting = { conn: client.conn, auth };
    try {
      return add(client, auth, fn);
    } finally {
      presenting = undefined;
    }
  };
  return () => presenting;
}

import { Adapter, type BroadcastOptions } from 'socket.io-adapter';
import { RedisAwayError } from './adapter-client.js';

type ServerSideEmit = (packet: unknown[]) => Promise<unknown> | unknown;
type FetchSockets = Adapter['fetchSockets'];
type RestoreSession = (pid: string, offset: string) => Promise<unknown>;
type Answer = (error: unknown, answers: unknown[]) => void;

/**
 * Keeps the Redis Streams adapter answering while Redis is away (`connected()` false), so
 * that a request that would need the other servers is answered from this one at once
 * rather than waiting for Redis or ending the process:
 *
 * - `serverSideEmit` with acknowledgements answers the error and no answers, as a timeout
 *   does (every caller already handles that: presence lists this server's users). Socket.IO's
 *   cluster adapter asks Redis how many servers there are first, in an async method whose
 *   promise nobody handles (Namespace#serverSideEmit drops it): that rejection would end the
 *   process, and here it ends the request instead.
 * - `fetchSockets` answers this server's sockets.
 * - `restoreSession` finds nothing (the client gets a new socket and is caught up from the
 *   store, as after any other lost session), instead of holding the handshake until Redis
 *   is back.
 *
 * Broadcasts and announcements need nothing here: the adapter's client fails them at once
 * (adapter-client.ts) and the cluster adapter still delivers a broadcast to this server's
 * own sockets.
 */
export function tolerateRedisOutages<A extends Adapter>(adapter: A, connected: () => boolean): A {
  const target = adapter as unknown as { serverSideEmit: ServerSideEmit; fetchSockets: FetchSockets; restoreSession: RestoreSession };
  const serverSideEmit = target.serverSideEmit.bind(adapter);
  target.serverSideEmit = (packet) => {
    const ack = packet.at(-1);
    if (typeof ack === 'function' && !connected()) return void (ack as Answer)(new RedisAwayError(), []);
    return Promise.resolve()
      .then(() => serverSideEmit(packet))
      .catch((error: unknown) => {
        if (typeof ack === 'function') (ack as Answer)(error, []);
      });
  };
  const fetchSockets = target.fetchSockets.bind(adapter);
  // The in-memory adapter's own answer: this server's sockets, nothing asked of Redis.
  const localSockets: FetchSockets = (opts: BroadcastOptions) => Adapter.prototype.fetchSockets.call(adapter, opts);
  target.fetchSockets = (opts) =>
    connected() ? fetchSockets(opts).catch((error: unknown) => (error instanceof RedisAwayError ? localSockets(opts) : Promise.reject(error))) : localSockets(opts);
  const restoreSession = target.restoreSession.bind(adapter);
  target.restoreSession = (pid, offset) => (connected() ? restoreSession(pid, offset) : Promise.reject(new RedisAwayError()));
  return adapter;
}

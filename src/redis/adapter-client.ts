import { CountedLog } from '../counted-log.js';
import type { Logger } from '../log.js';
import type { RedisClient } from './client.js';

/**
 * Commands the Redis Streams adapter sends without always awaiting them: `publish` (presence
 * and other ephemeral messages), `set` (recovery sessions, see holdToRecoveryContract) and
 * `xAdd` (broadcasts and serverSideEmit).
 */
const UNWATCHED_COMMANDS: ReadonlySet<string | symbol> = new Set(['publish', 'sPublish', 'set', 'xAdd']);

/**
 * Every command the adapter sends through this client (`sendCommand`: its count of servers;
 * `xRange`: a session's missed packets). The streams it reads and the channels it hears
 * have clients of their own (duplicates), which wait for Redis as they should.
 */
const ADAPTER_COMMANDS: ReadonlySet<string | symbol> = new Set([...UNWATCHED_COMMANDS, 'sendCommand', 'xRange']);

/** A command the adapter would have sent while Redis is away: failed at once, not queued. */
export class RedisAwayError extends Error {
  override readonly name = 'RedisAwayError';
  constructor() {
    super('redis not connected');
  }
}

/**
 * The client the Redis Streams adapter writes through: this process's client, except that
 *
 * - while the connection is down, a command fails at once (RedisAwayError) instead of
 *   waiting in the client's offline queue: a broadcast is then still delivered to this
 *   server's own sockets (the cluster adapter delivers locally after a failed publish),
 *   a request for the other servers' answers is answered from this one
 *   (outage-tolerant-adapter.ts), and nothing piles up in memory for as long as Redis is
 *   away. What other servers miss meanwhile is repaired when the connection comes back
 *   (RedisLink.onReconnect: delivery reads the store again); the outage itself is logged
 *   once by the link, so these are not logged;
 * - a command the adapter fires and forgets has its failure observed (and counted in the
 *   log) instead of left as an unhandled rejection, which would end the process the moment
 *   Redis went away. The promise itself is returned unchanged, so where the adapter does
 *   await it, it sees the failure.
 */
export function adapterClient(client: RedisClient, log: Logger): RedisClient {
  const failures = new CountedLog(log, 'redis commands of the adapter failed', 'warn');
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!ADAPTER_COMMANDS.has(property)) return value.bind(target);
      return (...args: unknown[]): unknown => {
        if (!target.isReady) {
          const away = Promise.reject(new RedisAwayError());
          // Observed here, since the adapter does not await every command; its callers still see the rejection.
          away.catch(() => undefined);
          return away;
        }
        const result: unknown = Reflect.apply(value, target, args);
        if (UNWATCHED_COMMANDS.has(property) && result instanceof Promise) {
          result.catch((error: unknown) => failures.add(`${String(property)}: ${error instanceof Error ? error.message : String(error)}`));
        }
        return result;
      };
    },
  });
}

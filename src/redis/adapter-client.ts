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
 * The client the Redis Streams adapter writes through: this process's client, except that a
 * command the adapter fires and forgets has its failure observed (and counted in the log)
 * instead of left as an unhandled rejection, which would end the process the moment Redis
 * went away. The promise itself is returned unchanged, so where the adapter does await
 * it, it sees the failure as before. What a failed publish loses (another server's
 * announcement) is repaired when the connection comes back (RedisLink.onReconnect).
 */
export function adapterClient(client: RedisClient, log: Logger): RedisClient {
  const failures = new CountedLog(log, 'redis commands of the adapter failed', 'warn');
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!UNWATCHED_COMMANDS.has(property)) return value.bind(target);
      return (...args: unknown[]): unknown => {
        const result: unknown = Reflect.apply(value, target, args);
        if (result instanceof Promise) result.catch((error: unknown) => failures.add(`${String(property)}: ${error instanceof Error ? error.message : String(error)}`));
        return result;
      };
    },
  });
}

import type { Adapter } from 'socket.io-adapter';

type ServerSideEmit = (packet: unknown[]) => Promise<unknown> | unknown;

/**
 * Socket.IO's cluster adapter, under the Redis Streams adapter, asks Redis how many servers
 * there are before a `serverSideEmit` with acknowledgements, in an async method whose
 * promise nobody handles (Namespace#serverSideEmit drops it): while Redis is away, that
 * rejection would end the process. Here it ends the request instead, as a timeout does:
 * its acknowledgement gets the error and no answers, which every caller already handles.
 */
export function tolerateRedisOutages<A extends Adapter>(adapter: A): A {
  const serverSideEmit = (adapter as unknown as { serverSideEmit: ServerSideEmit }).serverSideEmit.bind(adapter);
  (adapter as unknown as { serverSideEmit: ServerSideEmit }).serverSideEmit = (packet) => {
    const ack = packet.at(-1);
    return Promise.resolve()
      .then(() => serverSideEmit(packet))
      .catch((error: unknown) => {
        if (typeof ack === 'function') (ack as (error: unknown, answers: unknown[]) => void)(error, []);
      });
  };
  return adapter;
}

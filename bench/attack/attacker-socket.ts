import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

/**
 * A new socket.io connection (websocket only, no automatic reconnection) from the loopback
 * address `localAddress`, at the head of the history (`auth.serverOffset` beyond any
 * offset): the same as a new client of an empty history, whatever the history the run
 * seeded, so an attack costs what it costs, not a catch-up of the whole history. engine.io-client hands `localAddress` to `ws` under Node, but its
 * option types do not name it, hence the options are widened here rather than cast.
 */
export function attackerSocket(url: string, localAddress: string): Socket {
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
    auth: { serverOffset: Number.MAX_SAFE_INTEGER },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    localAddress,
  };
  return io(url, options);
}

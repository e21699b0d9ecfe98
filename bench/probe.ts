import { io } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/shared/events.js';
import type { Socket } from 'socket.io-client';

/**
 * The head of a `--target` server's history: one client joins at the newest offset and
 * sends one probe message; its acknowledged offset is where this run's clients start, so
 * that they are not sent the whole earlier history.
 */
export async function historyHead(url: string): Promise<number> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    // Beyond any history: the server starts this client at its newest message.
    auth: { serverOffset: Number.MAX_SAFE_INTEGER },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ackTimeout: 10_000,
  });
  try {
    const ack = await socket.emitWithAck('chat message', 'bench probe', `bench-probe-${Date.now()}`);
    if (!ack.ok) throw new Error(`probe message refused: ${ack.error}`);
    return ack.data.serverOffset;
  } finally {
    socket.disconnect();
  }
}

import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/shared/events.js';
import { RECONNECTION, reconnectDelay } from '../../src/shared/reconnect.js';
import { withDeadline, type BenchClient, type BenchClientOptions, type SendOutcome } from './bench-client.js';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A Parley client with the tutorial's settings: websocket transport only (the benchmark
 * measures the websocket path), `ackTimeout` 10 s and 3 retries (so one message in flight
 * per client), `clientOffset` = `${socket.id}-${counter}`, and `auth.serverOffset` kept
 * up to date so that a reconnect resumes where it stopped, with the back-off Parley
 * recommends (src/shared/reconnect.ts).
 */
export function socketIoClient(options: BenchClientOptions): BenchClient {
  const auth = { serverOffset: options.startOffset };
  const socket: ChatSocket = io(options.url, {
    ...RECONNECTION,
    auth,
    ackTimeout: 10_000,
    retries: 3,
    transports: ['websocket'],
    forceNew: true,
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
  });
  let counter = 0;
  let disconnects = 0;
  socket.on('chat message', (text, serverOffset) => {
    auth.serverOffset = serverOffset;
    options.onMessage(text, serverOffset);
  });
  socket.on('disconnect', () => {
    disconnects += 1;
    options.onDisconnect?.();
  });
  socket.on('connect', () => options.onConnect?.(socket.io.engine.id));
  let refusals = 0;
  socket.on('connect_error', (error) => {
    options.onConnectError?.(`${socket.active ? 'transport' : 'refused'}: ${error.message}`);
    // A refusal by the server's middleware ('server unavailable; try again' when the store is
    // overloaded) is not retried by socket.io-client itself: come back with the same back-off.
    if (socket.active) return;
    setTimeout(() => socket.connect(), reconnectDelay(refusals++));
  });
  socket.on('connect', () => {
    refusals = 0;
  });

  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const ready = withDeadline(connected, options.connectTimeoutMs, 'socket.io connect');
  ready.catch(() => undefined); // observed by the caller; no unhandled rejection here

  return {
    ready,
    get disconnects() {
      return disconnects;
    },
    async send(text: string): Promise<SendOutcome> {
      const clientOffset = `${socket.id}-${counter++}`;
      try {
        const ack = await socket.emitWithAck('chat message', text, clientOffset);
        return ack.ok
          ? { ok: true, offset: ack.data.serverOffset, duplicate: ack.data.duplicate }
          : { ok: false, reason: ack.error };
      } catch {
        return { ok: false, reason: 'TIMEOUT' }; // every retry timed out
      }
    },
    close() {
      socket.disconnect();
    },
  };
}

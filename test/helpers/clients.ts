import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/shared/events.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TutorialClientOptions {
  readonly transports?: ('polling' | 'websocket')[];
  readonly serverOffset?: number;
  readonly autoConnect?: boolean;
  readonly extraHeaders?: Record<string, string>;
  /** Accept a self-signed certificate (the test's own nginx terminating TLS). */
  readonly selfSigned?: boolean;
}

/** A delivery as the client saw it. */
export interface Delivery {
  readonly text: string;
  readonly serverOffset: number;
}

/**
 * A client that speaks exactly like the tutorial's page: `auth.serverOffset`,
 * `ackTimeout` 10 s with 3 retries, and the offset updated on every message. It records
 * every `chat message` it receives in `deliveries`.
 */
export function tutorialClient(url: string, options: TutorialClientOptions = {}): ChatSocket & { deliveries: Delivery[] } {
  const socket = io(url, {
    auth: { serverOffset: options.serverOffset ?? 0 },
    ackTimeout: 10_000,
    retries: 3,
    transports: options.transports ?? ['polling', 'websocket'],
    autoConnect: options.autoConnect ?? true,
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    extraHeaders: options.extraHeaders,
    ...(options.selfSigned ? { rejectUnauthorized: false } : {}),
  }) as ChatSocket & { deliveries: Delivery[] };
  socket.deliveries = [];
  socket.on('chat message', (text, serverOffset) => {
    socket.deliveries.push({ text, serverOffset });
    (socket.auth as { serverOffset: number }).serverOffset = serverOffset;
  });
  return socket;
}

/** Resolves when the socket is connected. */
export function connected(socket: ChatSocket, timeoutMs = 10_000): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Polling waits live with the other named waits (helpers/waits.ts). */
export { eventually } from './waits.js';

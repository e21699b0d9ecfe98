// Every client a test opens is opened here (`openSocket`), whatever protocol it then
// speaks: the tutorial's (`tutorialClient`), the room protocol's (rooms/room-client.ts),
// presence tabs (presence/tabs.ts) or identities (accounts/clients.ts).
import { io, type ManagerOptions, type Socket, type SocketOptions as IoSocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/shared/events.js';
import { signedSessionId } from './session-cookies.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A browser session: every socket opened with it is a tab of the same browser (its `parley_session` cookie). */
export const newBrowser = (): string => signedSessionId();

/** The worker a connected socket's session lives on: the index its engine.io id starts with. */
export const workerOf = (socket: Socket): number => Number(socket.io.engine.id?.split('.')[0]);

export interface SocketOptions {
  /** The handshake's `auth`. */
  readonly auth: Record<string, unknown>;
  /** The `parley_session` cookie (`newBrowser()`): sockets sharing it are tabs of one browser. */
  readonly browser?: string | undefined;
  /** @default ['websocket'] */
  readonly transports?: ('polling' | 'websocket')[];
  /** Come back after a disconnect, quickly (50 to 200 ms). @default true */
  readonly reconnection?: boolean;
  readonly extraHeaders?: Record<string, string> | undefined;
  /** Any other socket.io-client option (ackTimeout, retries, autoConnect, …). */
  readonly more?: Partial<ManagerOptions & IoSocketOptions>;
}

/** Opens a connection of its own (never shared with another client of the test). */
export function openSocket(url: string, options: SocketOptions): ChatSocket {
  const headers: Record<string, string> = { ...options.extraHeaders };
  if (options.browser !== undefined) headers['cookie'] = `parley_session=${options.browser}`;
  return io(url, {
    auth: options.auth,
    transports: options.transports ?? ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    extraHeaders: Object.keys(headers).length === 0 ? undefined : headers,
    ...options.more,
  });
}

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
  const socket = openSocket(url, {
    auth: { serverOffset: options.serverOffset ?? 0 },
    transports: options.transports ?? ['polling', 'websocket'],
    extraHeaders: options.extraHeaders,
    more: { ackTimeout: 10_000, retries: 3, autoConnect: options.autoConnect ?? true, ...(options.selfSigned ? { rejectUnauthorized: false } : {}) },
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

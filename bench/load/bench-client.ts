/**
 * One simulated user, whatever it speaks: it connects, sends texts (one in flight at a
 * time, later ones queued, as the tutorial's client does with `retries`), and hands every
 * broadcast it receives to `onMessage`.
 */
export interface BenchClient {
  /** Resolves once connected; rejects after the connect timeout. */
  readonly ready: Promise<void>;
  /** Queues a text; resolves with its acknowledgement or the reason it failed. */
  send(text: string): Promise<SendOutcome>;
  /** Times the connection dropped after it was first established. */
  readonly disconnects: number;
  close(): void;
}

export type SendOutcome =
  | { readonly ok: true; readonly offset: number; readonly duplicate: boolean }
  | { readonly ok: false; readonly reason: string };

export interface BenchClientOptions {
  readonly url: string;
  /** `auth.serverOffset` at the handshake. */
  readonly startOffset: number;
  readonly connectTimeoutMs: number;
  readonly onMessage: (text: string, offset: number) => void;
  /** Loopback source address to connect from; undefined: the system picks. */
  readonly localAddress?: string | undefined;
  /** Called on every connect, the first and each reconnection (reconnect-storm). */
  readonly onConnect?: (sessionId: string | undefined) => void;
  /** Called when an established connection drops. */
  readonly onDisconnect?: () => void;
  /** Called when a connection attempt fails (a refused handshake, an unreachable node). */
  readonly onConnectError?: (reason: string) => void;
}

/** A promise that rejects after `ms` unless `work` settles first. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Messages between the cluster primary and its workers (besides the adapter's own). */
export type PrimaryToWorker =
  /** A TCP connection for the worker, with the bytes the primary read to route it. */
  | { readonly parley: 'connection'; readonly head: string }
  /** Finish in-flight messages, close, exit 0. */
  | { readonly parley: 'shutdown' };

export type WorkerToPrimary =
  /** The worker accepts connections. */
  { readonly parley: 'ready' };

export function isParleyMessage(message: unknown): message is { parley: string } {
  return typeof message === 'object' && message !== null && typeof (message as { parley?: unknown }).parley === 'string';
}

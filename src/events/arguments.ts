import type { Ack } from '../shared/errors.js';

/** Socket.IO passes the acknowledgement callback, when there is one, as the last argument. */
export interface EventArguments<T> {
  /** The arguments before the callback, unvalidated. */
  readonly payload: readonly unknown[];
  /** Answers the client; a no-op when it asked for no answer. */
  readonly respond: (result: Ack<T>) => void;
}

/**
 * Splits an event's raw arguments into payload and acknowledgement, whatever their count:
 * a client that sends fewer arguments than the event takes still gets its answer.
 */
export function splitArguments<T>(args: readonly unknown[]): EventArguments<T> {
  const last = args.at(-1);
  if (typeof last !== 'function') return { payload: args, respond: () => undefined };
  return { payload: args.slice(0, -1), respond: (result) => (last as (result: Ack<T>) => void)(result) };
}

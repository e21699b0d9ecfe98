import type { Socket } from 'socket.io-client';
import type { Ack } from '../../src/shared/errors.js';

/**
 * Emits any event, typed or not (an attacker's events are not in the event maps), and
 * resolves with its acknowledgement; rejects after `timeoutMs` without one.
 */
export async function ackOf(socket: Socket, event: string, ...args: unknown[]): Promise<Ack<unknown>> {
  const timed = socket.timeout(15_000);
  const emit = timed.emitWithAck as unknown as (event: string, ...args: unknown[]) => Promise<Ack<unknown>>;
  return emit.call(timed, event, ...args);
}

/** The acknowledgement's error code, or 'ok'. */
export const codeOf = (ack: Ack<unknown>): string => (ack.ok ? 'ok' : ack.error);

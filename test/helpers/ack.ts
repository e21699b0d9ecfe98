import assert from 'node:assert/strict';
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

/** Asserts that `ack` is a refusal with code `error` (`what` names the call in the message). */
export function refusedWith(ack: Ack<unknown>, error: string, what?: string): void {
  assert.equal(ack.ok, false, what === undefined ? `expected ${error}, got success` : `${what}: expected ${error}, got success`);
  if (!ack.ok) assert.equal(ack.error, error, what === undefined ? ack.message : `${what}: ${ack.message}`);
}

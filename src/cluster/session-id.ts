import { randomBytes } from 'node:crypto';

/** Random per process start: tells apart the sessions of different nodes and restarts. */
const nodeTag = randomBytes(4).toString('base64url');

/**
 * engine.io session ids of the form `<worker index>.<node tag>.<random>`: unique across
 * every server of a deployment (120 random bits), and the primary's sticky router reads
 * the worker index off them to send a session's next requests to the worker that has it.
 */
export function sessionIdFor(workerIndex: number): string {
  return `${workerIndex}.${nodeTag}.${randomBytes(15).toString('base64url')}`;
}

/** The worker index encoded in a request line's `sid` parameter, if any. */
export function workerIndexOfRequestLine(requestLine: string): number | undefined {
  const match = /[?&]sid=(\d{1,4})\./.exec(requestLine);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

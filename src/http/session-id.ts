import { randomBytes } from 'node:crypto';

/**
 * engine.io session ids of the form `<worker index>.<node id>.<random>`: unique across every
 * server of a deployment (120 random bits). createApp appends a signature, so any server of
 * the deployment can tell an id it issued (src/auth/issued-ids.ts). The primary's sticky
 * router reads the worker index off them to send a session's next requests to the worker
 * that has it, and a load balancer in front of several nodes reads the node id
 * (deploy/nginx/parley.conf) to send them to the node that has it.
 *
 * @param nodeId this node's PARLEY_NODE_ID; every worker of the node shares it
 */
export function sessionIdFor(workerIndex: number, nodeId: string): string {
  return `${workerIndex}.${nodeId}.${randomBytes(15).toString('base64url')}`;
}

/** The worker index encoded in a request line's `sid` parameter, if any. */
export function workerIndexOfRequestLine(requestLine: string): number | undefined {
  const match = /[?&]sid=(\d{1,4})\./.exec(requestLine);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ParleySocket } from '../types.js';

/** Base64url characters of an id's signature: 96 bits. */
const SIGNATURE_LENGTH = 16;
/** Ids whose check is remembered: more than a worker's connections that send at once. */
const CHECKED_CAPACITY = 10_000;

/**
 * Ids this deployment issued, and only those, can be told apart from any other string:
 * `<body><signature>`, the signature being the first 96 bits of HMAC-SHA256 of the body
 * under the deployment's session secret (every worker and node shares it, and it outlives
 * restarts, since it is configured or kept in the database). Socket ids and Engine.IO
 * session ids are issued this way, so an offset a client builds from its id
 * (`${socket.id}-${n}`, the tutorial's) names the connection it came from on any server of
 * the deployment, after any restart (src/delivery/idempotency.ts), and no client can make
 * up an id that another connection was given.
 */
export class IssuedIds {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key of its own: a signed id can never pass for a signed cookie, or the reverse.
    this.key = createHmac('sha256', secret).update('parley issued ids').digest();
  }

  /** `body` followed by its signature. */
  issue(body: string): string {
    return body + this.signature(body);
  }

  /** A new socket id: 120 random bits and their signature, 36 base64url characters. */
  socketId(): string {
    return this.issue(randomBytes(15).toString('base64url'));
  }

  /**
   * Ids checked lately and the answer. A connection's every message names the same id, and
   * an HMAC per message was a measurable share of an append's CPU (docs/benchmarks.md);
   * bounded, and emptied when full, so many made-up ids cost an HMAC each, as before.
   */
  private readonly checked = new Map<string, boolean>();

  /** True when `id` is one this deployment issued (by issue()), on any worker or node. Bound: pass it around. */
  readonly isIssued = (id: string): boolean => {
    if (id.length <= SIGNATURE_LENGTH) return false;
    const known = this.checked.get(id);
    if (known !== undefined) return known;
    const expected = Buffer.from(this.signature(id.slice(0, -SIGNATURE_LENGTH)));
    const actual = Buffer.from(id.slice(-SIGNATURE_LENGTH));
    const issued = actual.length === expected.length && timingSafeEqual(actual, expected);
    if (this.checked.size >= CHECKED_CAPACITY) this.checked.clear();
    this.checked.set(id, issued);
    return issued;
  };

  private signature(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, SIGNATURE_LENGTH);
  }
}

/** socket.io's registry of sockets still in their middlewares, keyed by socket id. */
interface PendingSockets {
  readonly _preConnectSockets?: Map<string, unknown>;
}

/**
 * Gives a new socket of the main namespace an id from `ids` in place of socket.io's random
 * one (src/connections/lifecycle.ts, step 1). socket.io offers no hook for its socket ids
 * (only for Engine.IO's), so the first middleware swaps it, before the id is sent to the
 * client, joined as a room or seen by any other step; the namespace's registry of sockets in
 * their middlewares is re-keyed with it, or socket.io could not remove the entry. Not for a
 * socket that connection state recovery restored: it keeps the id it was issued before.
 */
export function issueSocketId(socket: ParleySocket, ids: IssuedIds): void {
  const pending = (socket.nsp as unknown as PendingSockets)._preConnectSockets;
  pending?.delete(socket.id);
  (socket as unknown as { id: string }).id = ids.socketId();
  pending?.set(socket.id, socket);
}

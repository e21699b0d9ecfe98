import { maxOf } from '../stats.js';

/**
 * The delivery guarantee, checked per client: every acknowledged offset received exactly
 * once and in offset order. Offsets received that nobody acknowledged in this run (the
 * history of a catch-up, other users of a `--target` server) are counted but not errors,
 * except when they repeat or come out of order.
 */
export interface DeliveryCheck {
  readonly clients: number;
  /** Clients that received every acknowledged offset once, in order. */
  readonly perfectClients: number;
  /** (client, acknowledged offset) pairs never received. */
  readonly lost: number;
  /** Receipts of an offset the client had already received. */
  readonly duplicated: number;
  /** Receipts of an offset lower than one the client had already received. */
  readonly outOfOrder: number;
  /** Receipts of offsets nobody acknowledged in this run. */
  readonly unacknowledged: number;
}

export function checkDeliveries(logs: readonly Int32Array[], acknowledged: Iterable<number>, startOffset: number): DeliveryCheck {
  const expected = [...new Set(acknowledged)].filter((offset) => offset > startOffset).sort((a, b) => a - b);
  const top = maxOf(logs.map((log) => maxOf(log)), expected.at(-1) ?? startOffset);
  const isExpected = new Uint8Array(top - startOffset + 1);
  for (const offset of expected) isExpected[offset - startOffset] = 1;

  let perfectClients = 0;
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let unacknowledged = 0;
  const seen = new Uint8Array(top - startOffset + 1);
  for (const log of logs) {
    seen.fill(0);
    let highest = startOffset;
    let clientErrors = 0;
    for (const offset of log) {
      const slot = offset - startOffset;
      if (slot <= 0) {
        // At or below the client's starting point: the server should never send it.
        clientErrors += 1;
        outOfOrder += 1;
        continue;
      }
      if (seen[slot]) {
        duplicated += 1;
        clientErrors += 1;
        continue;
      }
      seen[slot] = 1;
      if (offset < highest) {
        outOfOrder += 1;
        clientErrors += 1;
      }
      highest = Math.max(highest, offset);
      if (!isExpected[slot]) unacknowledged += 1;
    }
    for (const offset of expected) {
      if (!seen[offset - startOffset]) {
        lost += 1;
        clientErrors += 1;
      }
    }
    if (clientErrors === 0) perfectClients += 1;
  }
  return { clients: logs.length, perfectClients, lost, duplicated, outOfOrder, unacknowledged };
}

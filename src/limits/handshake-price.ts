import type { Prices } from './price.js';

/**
 * The price of a new Socket.IO session, taken from its client address at the handshake:
 * a point of `connections.address`, and none while the address has spent its refusals
 * (`refusals.address`), so an address whose connections keep being closed for abuse cannot
 * come straight back. Resolves false when the handshake must be refused.
 *
 * Handshakes from one address that are in flight at once share one read of its refusals
 * (a round trip to the primary's or Redis's counters): a burst of N handshakes from one
 * address (a reconnect storm behind a NAT or a proxy, the benchmark's clients) cost N
 * round trips, each answered with the same count. A handshake that joins a read under way
 * gets a count at most one round trip older than its own read would have been; a refusal
 * counted in that moment was as concurrent with it as with the read's first asker, and the
 * next handshake from the address sees it.
 */
export function handshakePrice(prices: Prices): (address: string) => Promise<boolean> {
  const refusalBudget = prices.limits['refusals.address'].points;
  const refusals = prices.counter('refusals.address');
  const reading = new Map<string, Promise<number>>();
  const refusalsOf = (address: string): Promise<number> => {
    const underWay = reading.get(address);
    if (underWay) return underWay;
    const read = refusals.used(address).finally(() => reading.delete(address));
    reading.set(address, read);
    return read;
  };
  return async (address) => {
    const payer = { buckets: new Map(), userId: '', address };
    // Both at once: the refusals are a round trip to the shared counters whatever the charge
    // says, so a handshake waits for one round trip instead of two in a row.
    const [charged, used] = await Promise.all([prices.charge(['connections.address'], payer), refusalsOf(address)]);
    return charged && used < refusalBudget;
  };
}

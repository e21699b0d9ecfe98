import type { Prices } from './price.js';

/**
 * The price of a new Socket.IO session, taken from its client address at the handshake:
 * a point of `connections.address`, and none while the address has spent its refusals
 * (`refusals.address`), so an address whose connections keep being closed for abuse cannot
 * come straight back. Resolves false when the handshake must be refused.
 */
export function handshakePrice(prices: Prices): (address: string) => Promise<boolean> {
  const refusalBudget = prices.limits['refusals.address'].points;
  return async (address) => {
    const payer = { buckets: new Map(), userId: '', address };
    // Both at once: the refusals are a round trip to the shared counters whatever the charge
    // says, so a handshake waits for one round trip instead of two in a row.
    const [charged, refusals] = await Promise.all([prices.charge(['connections.address'], payer), prices.counter('refusals.address').used(address)]);
    return charged && refusals < refusalBudget;
  };
}

import type { LimitName } from '../limits/catalog.js';
import type { Payer, Prices } from '../limits/price.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';

/** What a spent limit is answered over HTTP. */
export const RATE_LIMITED = fail(ErrorCode.RATE_LIMITED, 'too many requests; slow down');

/** A payer without a connection (an HTTP call): its price names only user and address limits. */
export const httpPayer = (userId: string, address: string): Payer => ({ buckets: new Map(), userId, address });

/** The limits of `spec`'s price for `payload` (a price may be a function of the raw arguments). */
export const priceOf = (price: readonly LimitName[] | ((payload: readonly unknown[]) => readonly LimitName[]), payload: unknown): readonly LimitName[] =>
  typeof price === 'function' ? price([payload]) : price;

/**
 * The rest of a price once its address limit was paid: an HTTP doorway charges the address
 * before it looks up any token (so forged ones cost their sender), then the account the rest.
 */
export const priceAfterAddress = (price: Parameters<typeof priceOf>[0], addressLimit: LimitName): readonly LimitName[] =>
  priceOf(price, undefined).filter((limit) => limit !== addressLimit);

/**
 * Charges a refused bot token or webhook secret to its address: the answer is the refusal
 * while the address has budget, RATE_LIMITED once it is spent.
 */
export async function chargeRefusal(prices: Prices, address: string, refusal: Ack<never>): Promise<Ack<never>> {
  // The limits unreachable: the refusal all the same (it is what the caller deserves).
  const paid = await Promise.resolve(prices.charge(['integration-auth.address'], httpPayer('', address))).catch(() => true);
  return paid ? refusal : RATE_LIMITED;
}

/**
 * A bot's price over Socket.IO: the event's own, and the bot's budgets besides (a bot's
 * messages and reads count against `bot-messages.user` and `bot-reads.user` over both
 * doorways, so a bot cannot double its budget by speaking both).
 */
export function botPrice(price: readonly LimitName[]): readonly LimitName[] {
  const extra: LimitName[] = [];
  if (price.includes('messages.user')) extra.push('bot-messages.user');
  if (price.includes('reads.user')) extra.push('bot-reads.user');
  return extra.length === 0 ? price : [...extra, ...price];
}

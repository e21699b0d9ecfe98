import type { Prices } from '../limits/price.js';

/**
 * Slows down guessing of one account's password, shared by every worker and node. Every
 * login attempt for a name takes a point of two budgets before the password is checked: the
 * name from this address (`login-attempts.name-address`: a few per window) and the name from
 * anywhere (`login-attempts.name`: more). Taken before checking, not after failing, so
 * guesses sent at once cannot all pass the check before the first failure is counted. A
 * success gives this address its budget back, so a user who logs in is never locked out by
 * their own attempts; an attacker who spends the name's budget from many addresses locks it
 * until the window ends, which is the price of making guessing slow.
 */
export class LoginBackOff {
  constructor(private readonly prices: Prices) {}

  /** Takes one attempt at `username` from `address`; false when either budget is spent. */
  async attempt(username: string, address: string): Promise<boolean> {
    if (!(await this.prices.counter('login-attempts.name-address').take(keyOf(username, address)))) return false;
    return this.prices.counter('login-attempts.name').take(keyOf(username));
  }

  /** A successful login: this address's attempts at the name are forgiven. */
  async succeeded(username: string, address: string): Promise<void> {
    await this.prices.counter('login-attempts.name-address').forget(keyOf(username, address));
  }
}

/** Names are unique by their look-alike key; attempts are keyed by the case-folded NFKC form, close enough for a budget. */
const keyOf = (username: string, address?: string): string =>
  address === undefined ? username.normalize('NFKC').toLowerCase() : `${username.normalize('NFKC').toLowerCase()}\u0000${address}`;

import type { LimitName } from '../limits/catalog.js';
import type { Prices } from '../limits/price.js';

/**
 * Failed logins slow down guessing of one account's password, shared by every worker and
 * node: after a few failures for a name from one address, that address may not try that
 * name again for the rest of the window; after many failures from anywhere, nobody may until
 * the window ends (`login-failures.*` in the limits). Keyed by the case-folded name, so
 * `Alice` and `alice` share a budget. A success clears its address's count.
 */
export class LoginBackOff {
  constructor(private readonly limits: Prices) {}

  /** False when the name is locked for this address (or everywhere) right now. */
  async mayTry(username: string, address: string): Promise<boolean> {
    const [fromHere, fromAnywhere] = await Promise.all([
      this.limits.counter('login-failures.name-address').used(keyOf(username, address)),
      this.limits.counter('login-failures.name').used(keyOf(username)),
    ]);
    return fromHere < this.budget('login-failures.name-address') && fromAnywhere < this.budget('login-failures.name');
  }

  /** A wrong password (or unknown name) for `username` from `address`. */
  async failed(username: string, address: string): Promise<void> {
    await Promise.all([
      this.limits.counter('login-failures.name-address').take(keyOf(username, address)),
      this.limits.counter('login-failures.name').take(keyOf(username)),
    ]);
  }

  /** A successful login: this address's failures for the name are forgiven. */
  async succeeded(username: string, address: string): Promise<void> {
    await this.limits.counter('login-failures.name-address').forget(keyOf(username, address));
  }

  private budget(name: LimitName): number {
    return this.limits.limits[name].points;
  }
}

const keyOf = (username: string, address?: string): string =>
  address === undefined ? username.normalize('NFKC').toLowerCase() : `${username.normalize('NFKC').toLowerCase()}\u0000${address}`;

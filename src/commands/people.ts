import type { Presence } from '../presence/presence.js';
import type { Store } from '../store/store.js';
import { loginKey } from '../store/name-key.js';

/** Someone a command names (`/invite @ana`, `/kick @ana`). */
export interface NamedPerson {
  readonly userId: string;
  readonly name: string;
}

/**
 * Who `name` is: a user online under that name (guests included), else the account with that
 * username, in any letter case. Undefined when neither: the command then says no such user.
 */
export async function findPerson(name: string, { presence, store }: { readonly presence: Presence; readonly store: Store }): Promise<NamedPerson | undefined> {
  const key = loginKey(name);
  const online = (await presence.list(null)).find((user) => loginKey(user.name) === key);
  if (online) return { userId: online.id, name: online.name };
  const account = await store.accounts.accountByName(name);
  return account && { userId: `a:${account.id}`, name: account.username };
}

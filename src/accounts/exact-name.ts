import type { Account } from '../store/accounts.js';
import type { Store } from '../store/store.js';

/**
 * What a username typed to give a role names. Accounts are found by `loginKey` (letter
 * case and NFKC folded: src/store/name-key.ts), so `boss` also finds an account registered
 * as `BOSS` or the full-width `ｂｏｓｓ`, by someone else perhaps: a role must go to the
 * account named exactly as typed, and such a near match is only reported (`near`).
 */
export type NamedAccount = { readonly account: Account } | { readonly account: undefined; readonly near: Account | undefined };

/**
 * The account whose username is exactly `name`, compared code point by code point after
 * NFC, which only unifies two encodings of one text (é as one code point, or e and an
 * accent) and never letter case, width or look-alikes.
 */
export async function accountNamedExactly(store: Pick<Store, 'accounts'>, name: string): Promise<NamedAccount> {
  const found = await store.accounts.accountByName(name);
  if (!found) return { account: undefined, near: undefined };
  const account = { id: found.id, username: found.username };
  return found.username.normalize('NFC') === name.normalize('NFC') ? { account } : { account: undefined, near: account };
}

/**
 * A name for an operator's terminal: quoted, with every character outside printable ASCII
 * written as its code point, so that a look-alike (`ｂｏｓｓ`, Cyrillic `а`) shows as what it is.
 */
export function visibleName(name: string): string {
  let shown = '';
  for (const character of name) {
    const code = character.codePointAt(0) ?? 0;
    shown += code >= 0x20 && code <= 0x7e && character !== '"' && character !== '\\' ? character : `\\u{${code.toString(16)}}`;
  }
  return `"${shown}"`;
}

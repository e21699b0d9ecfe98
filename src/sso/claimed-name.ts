import { randomBytes } from 'node:crypto';
import { nameSchema } from '../accounts/names.js';

/** The claims a name may be taken from, in order of preference. */
export const NAME_CLAIMS = ['preferred_username', 'name', 'nickname', 'email'] as const;
const MAX_NAME = 32;
/** Numbered tries (`ada`, `ada-2`, … `ada-9`), then random ones: a name is found in a bounded number of writes. */
const NUMBERED_TRIES = 9;
const RANDOM_TRIES = 4;

/**
 * A claim made into a name the name rules take (src/accounts/names.ts): spaces become `_`,
 * other characters outside letters, digits, `_ . -` are dropped, an e-mail keeps its local
 * part; undefined when nothing valid is left (too short, or a look-alike of a guest name).
 */
export function nameFromClaim(claim: unknown): string | undefined {
  if (typeof claim !== 'string') return undefined;
  const local = claim.includes('@') ? claim.slice(0, claim.indexOf('@')) : claim;
  const cleaned = local
    .normalize('NFKC')
    .trim()
    .replace(/\s+/gu, '_')
    .replace(/[^\p{L}\p{N}_.-]/gu, '')
    .slice(0, MAX_NAME);
  return nameSchema.safeParse(cleaned).success ? cleaned : undefined;
}

/**
 * The names a first sign-in tries, in order, until one is free: the first usable claim
 * (`preferred_username`, then `name`, `nickname`, the e-mail's local part; `user` when none
 * is), then it with `-2` … `-9`, then with random suffixes. Every one passes the name rules.
 */
export function nameCandidates(claims: Readonly<Record<string, unknown>>): string[] {
  const base = NAME_CLAIMS.map((claim) => nameFromClaim(claims[claim])).find((name) => name !== undefined) ?? 'user';
  const suffixed = (suffix: string): string => `${base.slice(0, MAX_NAME - suffix.length)}${suffix}`;
  const numbered = Array.from({ length: NUMBERED_TRIES - 1 }, (_, index) => suffixed(`-${index + 2}`));
  const random = Array.from({ length: RANDOM_TRIES }, () => suffixed(`-${randomBytes(3).toString('hex')}`));
  return [base, ...numbered, ...random].filter((name) => nameSchema.safeParse(name).success);
}

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt cost: N = 2^15, r = 8, p = 1 takes about 50 ms and 32 MiB per hash here, the
 * interactive-login setting of the scrypt paper (RFC 7914 section 2). The parameters are
 * stored with each hash, so raising them later leaves existing hashes verifiable.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const SALT_LENGTH = 16;
/** Node refuses scrypt above 32 MiB by default; N = 2^15, r = 8 needs exactly that plus a margin. */
const maxmem = (N: number, r: number): number => 128 * N * r * 2;

function derive(password: string, salt: Buffer, options: ScryptOptions & { N: number; r: number }, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem: maxmem(options.N, options.r) }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password with a fresh random salt: `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, COST, KEY_LENGTH);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches `stored` (from hashPassword), compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password: login checks unknown usernames against it, so answering
 * "unknown user" takes as long as "wrong password" and does not reveal which names exist.
 */
export const decoyHash: Promise<string> = hashPassword(randomBytes(16).toString('base64url'));

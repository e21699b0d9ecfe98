import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HashGate } from './hash-gate.js';
import { HashingThreads } from './hashing-threads.js';

/**
 * scrypt cost: N = 2^17, r = 8, p = 1, OWASP's minimum for scrypt (128 MiB and about 200 ms
 * per hash here). The parameters are stored with each hash, so hashes made at an older,
 * lower cost stay verifiable and are rehashed at the next successful login (needsRehash).
 */
const COST = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const SALT_LENGTH = 16;
/** scrypt needs 128 * N * r bytes; Node refuses above 32 MiB unless told, so allow that plus as much again. */
const maxmem = (N: number, r: number): number => 128 * N * r * 2;

/**
 * At most 2 hashes run at once in a process, 16 more may wait: each takes 128 MiB for about
 * 200 ms of CPU, so a burst of logins must not take the machine's memory. Past that,
 * HashQueueFullError. They run on threads at the lowest priority (HashingThreads), so that
 * guessing passwords, even within its limits, takes CPU from logins alone and not from chat.
 */
const gate = new HashGate(2, 16);
const threads = new HashingThreads();

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }, length: number): Promise<Buffer> {
  return gate.run(() => threads.derive(password.normalize('NFC'), salt, length, { ...options, maxmem: maxmem(options.N, options.r) }));
}

/** Hashes a password with a fresh random salt: `scrypt$N$r$p$salt$hash` (base64url). Rejects with HashQueueFullError when busy. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, COST, KEY_LENGTH);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * True when `password` matches `stored` (from hashPassword), compared in constant time.
 * Rejects with HashQueueFullError when too many hashes are already running or waiting.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True when `stored` was made at a lower cost than hashPassword uses now (rehash it at login). */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) < COST.N || Number(r) < COST.r || Number(p) < COST.p;
}

/**
 * A hash of a random password, at the current cost: login checks unknown usernames against
 * it, so answering "unknown user" takes as long as "wrong password" and does not reveal
 * which names exist. Made at start, so that no login pays for it.
 */
export const decoyHash: Promise<string> = hashPassword(randomBytes(16).toString('base64url'));

export { HashQueueFullError } from './hash-gate.js';

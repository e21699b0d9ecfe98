import fs from 'node:fs';
import type { Logger } from '../log.js';

/** Descriptors the primary needs besides pending connections: listener, IPC, logs, database. */
const HEADROOM = 256;

/**
 * This process's soft limit on open files, from /proc/self/limits (Linux; Node 20 has no
 * getrlimit); undefined where that cannot be read, or when unlimited.
 */
export function openFileLimit(limitsFile = '/proc/self/limits'): number | undefined {
  try {
    const line = fs
      .readFileSync(limitsFile, 'utf8')
      .split('\n')
      .find((text) => text.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft === undefined || !/^\d+$/.test(soft) ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * Warns when the open-file limit is too low for the configured cap on pending connections:
 * past it, accept() fails and every new client, `/healthz` included, is turned away
 * before the caps can refuse anything. Silent where the limit cannot be read.
 */
export function warnIfFewOpenFiles(maxPendingConnections: number, log: Logger): void {
  const limit = openFileLimit();
  const needed = maxPendingConnections + HEADROOM;
  if (limit !== undefined && limit < needed) {
    log.warn(
      { openFileLimit: limit, needed, maxPendingConnections },
      'the open-file limit (ulimit -n) is below what PARLEY_MAX_PENDING_CONNECTIONS needs; raise it (see README, Security: connections)',
    );
  }
}

import pg from 'pg';
import { StoreUnavailableError } from '../store.js';

/**
 * SQLSTATE codes after which the same operation may succeed if tried again: the server is
 * going away or overloaded, the connection broke, or PostgreSQL chose this transaction as
 * the loser of a conflict (serialization failure, deadlock, lock or statement timeout).
 * See https://www.postgresql.org/docs/current/errcodes-appendix.html.
 */
const RETRYABLE_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57014', // query_canceled: statement_timeout
  '25P03', // idle_in_transaction_session_timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting up
]);
/** SQLSTATE classes that are retryable as a whole: connection exception, insufficient resources. */
const RETRYABLE_CLASSES = new Set(['08', '53']);

/**
 * SQLSTATEs of a statement refused for the data it carries rather than the state of the
 * server: a data exception (class 22: a value its column cannot hold), an integrity
 * constraint violation (class 23), an exception raised by a trigger (class P0), or a row
 * too large for an index (54000). Retrying the same data cannot succeed.
 */
const DATA_CLASSES = new Set(['22', '23', 'P0']);
const DATA_CODES = new Set(['54000']);

/** True when PostgreSQL refused the statement because of the data it carried (see DATA_CLASSES). */
export function isDataError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (DATA_CLASSES.has(code.slice(0, 2)) || DATA_CODES.has(code));
}

/** SQLSTATE of a rejected `INSERT` whose idempotency key another writer stored first. */
export const UNIQUE_VIOLATION = '23505';

/** The SQLSTATE of an error PostgreSQL sent, or undefined for errors of the client side. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

/**
 * True when a retry may succeed. Everything that is not an answer from the server (refused
 * or reset sockets, pool timeouts, "Connection terminated") is a connection problem and so
 * retryable too.
 */
export function isRetryable(error: unknown): boolean {
  const code = sqlState(error);
  if (code === undefined) return true;
  return RETRYABLE_CODES.has(code) || RETRYABLE_CLASSES.has(code.slice(0, 2));
}

/**
 * The error callers see. Its message names only the SQLSTATE: PostgreSQL's own text can
 * quote stored data and schema names, and messages travel towards clients, so the original
 * error rides along as `cause` for the logs only.
 */
export function toStoreError(error: unknown, operation: string): Error {
  if (error instanceof StoreUnavailableError) return error;
  const code = sqlState(error);
  if (isRetryable(error)) {
    return new StoreUnavailableError(`PostgreSQL unavailable during ${operation}${code ? ` (SQLSTATE ${code})` : ''}`, { cause: error });
  }
  return new Error(`PostgreSQL ${operation} failed (SQLSTATE ${code ?? 'unknown'})`, { cause: error });
}

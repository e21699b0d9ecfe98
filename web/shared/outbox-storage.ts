/** A typed message that the server has not acknowledged yet. */
export interface Unacknowledged {
  /** Unique per message and kept across retries, reconnects and reloads: the server's idempotency key. */
  readonly clientOffset: string;
  readonly text: string;
}

const STORAGE_KEY = 'parley.outbox';

/**
 * Keeps the unacknowledged messages of this tab in sessionStorage, so a reload sends them
 * again instead of losing them. The same `clientOffset` makes that safe: the server
 * acknowledges a repeat of a stored message without storing it twice (it scopes offsets to
 * the browser's session cookie, which a reload keeps). Best effort: where storage is
 * unavailable (blocked, full), messages live as long as the page.
 */
export const outboxStorage = {
  load(): Unacknowledged[] {
    try {
      const parsed: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isUnacknowledged) : [];
    } catch {
      return [];
    }
  },

  save(messages: readonly Unacknowledged[]): void {
    try {
      if (messages.length === 0) sessionStorage.removeItem(STORAGE_KEY);
      else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(messages.map(({ clientOffset, text }) => ({ clientOffset, text }))));
    } catch {
      // Storage refused: the messages are still sent from memory.
    }
  },
};

/** A new client offset: random, so no other message, tab or browser ever shares it. */
export function newClientOffset(): string {
  // randomUUID exists only in secure contexts; a page served over plain http on a LAN
  // address is not one, but getRandomValues works everywhere.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function isUnacknowledged(value: unknown): value is Unacknowledged {
  if (typeof value !== 'object' || value === null) return false;
  const { clientOffset, text } = value as Record<string, unknown>;
  return typeof clientOffset === 'string' && clientOffset.length > 0 && typeof text === 'string' && text.length > 0;
}

import { UnstorableDraftError, type MessageDraft } from './store.js';

/**
 * U+0000, or a UTF-16 surrogate that is not half of a pair (under the `u` flag a valid
 * pair is one code point, so `\p{Cs}` matches lone halves only).
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what is looked for
const UNSTORABLE_CHARACTER = /\u0000|\p{Cs}/u;

/**
 * Why `draft` cannot be stored as sent, or undefined when it can. Every backend asks this
 * before a draft joins a batch, so that both refuse exactly the same drafts: PostgreSQL
 * `text` rejects U+0000 (and would fail the whole transaction with it), and both backends
 * encode strings as UTF-8, which turns a lone surrogate into U+FFFD: stored, but not what
 * was sent, and a retry could never match it.
 */
export function unstorableDraft(draft: MessageDraft): UnstorableDraftError | undefined {
  const fields = { author: draft.author, text: draft.text, idempotencyKey: draft.idempotencyKey, authorId: draft.authorId, clientId: draft.clientId };
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value === 'string' && UNSTORABLE_CHARACTER.test(value)) {
      return new UnstorableDraftError(`${field} holds U+0000 or a lone surrogate, which no backend stores`);
    }
  }
  return undefined;
}

// The redaction the store applies when it stores an event (Store.appendMessage), applied
// to messages held in memory (a feed's recent messages), so that memory never serves what
// the store erased. Pure functions of envelopes: a changed message is a new envelope, since
// encodings are cached per envelope (EncodedEvents).
import type { MessageEnvelope } from '../shared/events.js';

type Redaction = NonNullable<MessageEnvelope['redacted']>;

/** Whether storing `event` changes earlier events of its room: a deletion or an edit. */
export const changesHistory = (event: MessageEnvelope): boolean => event.kind === 'delete' || event.kind === 'edit';

/** `earlier` as it reads once `change`, a later event of the same room, is stored; itself when untouched. */
export function afterChange(earlier: MessageEnvelope, change: MessageEnvelope): MessageEnvelope {
  const target = change.target;
  if (earlier.redacted || target === undefined || target === null || earlier.offset >= change.offset) return earlier;
  const kind = earlier.kind ?? 'message';
  const erased = (): MessageEnvelope => tombstone(earlier, { by: change.author, byId: change.authorId ?? null, at: change.createdAt });
  if (change.kind === 'delete') {
    if (kind === 'message' && earlier.offset === target) return erased();
    if ((kind === 'edit' || kind === 'react' || kind === 'unreact') && earlier.target === target) return erased();
  } else if (change.kind === 'edit') {
    // The message reads as its latest edit; the edit this one replaces is erased.
    if (kind === 'message' && earlier.offset === target) return { ...earlier, text: change.text };
    if (kind === 'edit' && earlier.target === target) return erased();
  }
  return earlier;
}

/**
 * An edit or reaction as it is stored when its message was deleted first (the two raced
 * past their checks): erased like the message. Itself otherwise.
 */
export function againstTarget(late: MessageEnvelope, target: MessageEnvelope | undefined): MessageEnvelope {
  const redaction = target?.redacted;
  if (!redaction || late.redacted || (late.kind !== 'edit' && late.kind !== 'react' && late.kind !== 'unreact')) return late;
  return tombstone(late, redaction);
}

const tombstone = (message: MessageEnvelope, redaction: Redaction): MessageEnvelope => ({ ...message, text: '', redacted: redaction });

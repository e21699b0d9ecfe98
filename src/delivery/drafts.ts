import type { EventKind } from '../shared/message.js';
import type { MessageDraft } from '../store/store.js';
import { idempotencyKey, roomEventKey, webhookDeliveryKey } from './idempotency.js';

/**
 * How a retry of the same message is recognised, by the doorway it came through:
 * - `tutorial`: the tutorial's `chat message`, its `clientOffset` scoped by the sender (its
 *   browser session, else the connection); no offset, no key (see idempotencyKey);
 * - `room-protocol`: the room protocol's `clientId`, scoped by the user (see roomEventKey);
 * - `webhook`: an incoming webhook's delivery, its `Idempotency-Key` header scoped by the
 *   webhook (see webhookDeliveryKey); no header, no key;
 * - `none`: an operator's action (moderation, announcements), stored each time it is made.
 */
export type RetryScope =
  | { readonly by: 'tutorial'; readonly senderKey: string; readonly clientOffset: string | undefined; readonly isIssued: IsIssued }
  | { readonly by: 'room-protocol'; readonly clientId: string; readonly isIssued: IsIssued }
  | { readonly by: 'webhook'; readonly hookId: number; readonly deliveryKey: string | undefined }
  | { readonly by: 'none' };

/** Tells the ids this deployment issued (src/auth/issued-ids.ts) from any other string (see ownerOf). */
type IsIssued = (id: string) => boolean;

/** What a handler asks to store: the call's room, kind and text or target, who writes, and its retry scope. */
export interface DraftRequest {
  readonly roomId: number;
  /** @default 'message' */
  readonly kind?: EventKind;
  /** The message's text; an edit's new text; a reaction's emoji; '' for a deletion. */
  readonly text: string;
  /** Edits, deletions and reactions: the offset of the message they change; a thread reply: its root. */
  readonly target?: number;
  /** The name shown with the message (the tutorial's nickname, else the user's name). */
  readonly author: string;
  readonly authorId: string;
  readonly retry: RetryScope;
}

/**
 * The one way a handler builds the draft it hands to Appends.append, idempotency key
 * included: no handler computes a key itself.
 */
export function draftOf(request: DraftRequest): MessageDraft {
  const { roomId, kind = 'message', text, target, author, authorId, retry } = request;
  const base = { roomId, kind, text, target: target ?? null, author, authorId };
  switch (retry.by) {
    case 'tutorial':
      return { ...base, idempotencyKey: idempotencyKey(retry.senderKey, retry.clientOffset, text, retry.isIssued) };
    case 'room-protocol':
      return { ...base, clientId: retry.clientId, idempotencyKey: roomEventKey(authorId, retry.clientId, retry.isIssued) };
    case 'webhook':
      return { ...base, idempotencyKey: retry.deliveryKey === undefined ? null : webhookDeliveryKey(retry.hookId, retry.deliveryKey) };
    case 'none':
      return { ...base, idempotencyKey: null };
  }
}

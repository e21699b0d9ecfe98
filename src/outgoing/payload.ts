import type { StoredMessage } from '../shared/message.js';
import { storable } from '../shared/protocol/fields.js';
import type { OutboxDelivery, OutgoingWebhookRecord } from '../store/outbox.js';

/**
 * The JSON body of an outgoing webhook's POST (documented in the README's Integrations
 * section). Field names in snake_case, as Slack's and Mattermost's outgoing webhooks send.
 */
export interface OutgoingPayload {
  readonly event: 'message';
  /** The same on every retry and redelivery: a receiver deduplicates on it. */
  readonly event_id: string;
  readonly webhook_id: number;
  readonly room_id: number;
  /** The message's offset in its room. */
  readonly offset: number;
  readonly user_id: string | null;
  readonly user_name: string;
  readonly text: string;
  /** The trigger word it started with; null for a hook without trigger words. */
  readonly trigger_word: string | null;
  /** Milliseconds since the epoch. */
  readonly created_at: number;
}

export function outgoingPayload(hook: OutgoingWebhookRecord, delivery: OutboxDelivery, message: StoredMessage): OutgoingPayload {
  const first = message.text.trimStart().split(/\s/, 1)[0] ?? '';
  const trigger = hook.triggerWords.find((word) => word.toLowerCase() === first.toLowerCase());
  return {
    event: 'message',
    event_id: delivery.eventId,
    webhook_id: hook.id,
    room_id: message.roomId,
    offset: message.offset,
    user_id: message.authorId,
    user_name: message.author,
    text: message.text,
    trigger_word: trigger ?? null,
    created_at: message.createdAt,
  };
}

/** The longest reply taken from a receiver; longer replies are cut (the message limit applies too). */
const MAX_REPLY = 4000;

/**
 * The reply in a receiver's answer: `{"text": "<non-empty string>"}`; undefined for an empty
 * answer, other JSON or no JSON (acknowledged all the same: the delivery succeeded).
 */
export function receiverReply(body: string): string | undefined {
  if (body.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || !('text' in parsed)) return undefined;
    const text = (parsed as { text: unknown }).text;
    if (typeof text !== 'string' || text.trim() === '' || !storable(text)) return undefined;
    return text.slice(0, MAX_REPLY);
  } catch {
    return undefined;
  }
}

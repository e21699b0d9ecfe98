import { messagesStored, storeWriteSeconds } from '../operations/metrics.js';
import type { SentMessage } from '../shared/events.js';
import { mentionedNames } from '../shared/mentions.js';
import type { MessageDraft, Store } from '../store/store.js';
import { isReply } from '../shared/message.js';
import type { Delivery } from './delivery.js';
import type { InFlight } from './in-flight.js';
import type { Origins } from './origins.js';

/** Thrown by `append` once shutdown began: the client should retry (on another server). */
export class ShuttingDownError extends Error {
  constructor() {
    super('the server is shutting down');
    this.name = 'ShuttingDownError';
  }
}

/** The room-protocol socket that sends an event: left out of its delivery (it gets the acknowledgement). */
export interface Sender {
  readonly socketId: string;
  readonly clientId: string;
}

/**
 * The one way a message enters a room: store it (once per idempotency key) with the mentions
 * it makes (src/shared/mentions.ts), deliver it to
 * every follower on every server, and resolve once this server's feed has delivered
 * everything up to it. Waiting for the feed keeps the acknowledgement after every earlier
 * event sent to the sender's socket, so the client may count the acknowledged offset as seen.
 */
export class Appends {
  constructor(
    private readonly store: Store,
    private readonly delivery: Delivery,
    private readonly origins: Origins,
    private readonly inFlight: InFlight,
    /**
     * Called once a deletion of message `target` is stored (and again on its retry): its
     * files go with it (src/files/file-removal.ts). A failure fails the append's answer, so
     * that the retry removes them.
     */
    private readonly onDeleted?: (roomId: number, target: number) => Promise<void>,
  ) {}

  /** False once shutdown began. */
  get accepting(): boolean {
    return this.inFlight.accepting;
  }

  /**
   * Appends `draft`. A `sender` is left out of the live delivery, whichever way this
   * server's feed gets the message (announcement or store read), until it is acknowledged.
   * Rejects with ShuttingDownError, or what the store rejects with.
   */
  async append(draft: MessageDraft, sender?: Sender): Promise<SentMessage> {
    if (!this.inFlight.accepting) throw new ShuttingDownError();
    const forget =
      sender && draft.authorId ? this.origins.register(draft.roomId, draft.authorId, sender.clientId, sender.socketId) : undefined;
    try {
      const startedAt = performance.now();
      const { message, duplicate } = await this.inFlight.track(this.store.appendMessage(draft));
      storeWriteSeconds.observe((performance.now() - startedAt) / 1000);
      // Before the acknowledgement, and again on a retry (recording is idempotent): a message
      // acknowledged is a mention stored, even if the server died between the two writes.
      // The draft's text, not the stored one: a retry finds its message as it reads now,
      // edited perhaps, and edits mention nobody anew.
      //
      // Why a write of its own, not in the append's transaction: the append is one statement
      // for a whole group commit of a room (PostgreSQL's `parley_append`, one round trip per
      // batch; the SQLite writer's batch), and a mention is resolved against the room's
      // members by name, per draft. Carrying the names into the batch would change that
      // function's signature (a migration) and the SQLite writer's, for the few messages that
      // name someone; the others (nearly all) pay nothing here. Two writes lose nothing: the
      // retry of a message whose acknowledgement never came records its mentions again.
      const named = message.kind === 'message' ? mentionedNames(draft.text) : [];
      if (named.length > 0) await this.inFlight.track(this.store.mentions.recordMentions(message.roomId, message.offset, named, message.authorId));
      // A thread reply: after its mentions, so that those it mentions follow the thread too;
      // on a retry as well, for the same reason as the mentions (recording is idempotent).
      if (isReply(message)) await this.inFlight.track(this.store.threads.recordReply(message.roomId, message.target ?? 0, message.offset));
      if (message.kind === 'delete' && message.target !== null && this.onDeleted) await this.inFlight.track(this.onDeleted(message.roomId, message.target));
      if (!duplicate) messagesStored.inc();
      if (duplicate) this.delivery.announceHead(message.roomId, message.offset);
      else this.delivery.announce(sender ? { ...message, origin: sender.socketId } : message);
      await this.delivery.feed(message.roomId).reach(message.offset);
      return { serverOffset: message.offset, duplicate };
    } finally {
      forget?.();
    }
  }
}

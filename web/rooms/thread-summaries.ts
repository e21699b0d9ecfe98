import type { RoomEvent, ThreadSummary } from '../../src/shared/events.js';

/** What a room shows under a message with replies. */
export interface ShownSummary {
  readonly replies: number;
  /** The latest repliers' names, the most recent first. */
  readonly repliers: readonly string[];
  readonly lastReplyAt: number;
}

interface Counted {
  replies: number;
  repliers: string[];
  lastReplyAt: number;
  /** Replies at or below this offset are in the count the server gave (a history page's summary). */
  countedUpTo: number;
}

/** The most repliers a summary names. */
const MAX_REPLIERS = 5;

/**
 * The thread summaries of one room as this tab knows them: the server's (on roots in history
 * pages, counted when it read them) plus the replies that came since as room events, each
 * counted once whatever order pages and live events arrive in; a deleted reply stops counting.
 */
export class ThreadSummaries {
  private readonly byRoot = new Map<number, Counted>();
  /** Each reply this tab saw, to its root: a deletion names only the reply. */
  private readonly rootOf = new Map<number, number>();
  private readonly countedReplies = new Set<number>();

  /**
   * A root came with the server's summary of its thread: a history page's (`fresh` false: an
   * older read than what this tab counted may be), or the thread just opened (`fresh`: read now).
   */
  baseline(summary: ThreadSummary, fresh = false): void {
    const known = this.byRoot.get(summary.root);
    if (!fresh && known && known.countedUpTo >= summary.lastReplyOffset) return;
    // Replies this tab counted above the server's count stay counted; those below are in it.
    const above = [...this.countedReplies].filter((offset) => this.rootOf.get(offset) === summary.root && offset > summary.lastReplyOffset).length;
    this.byRoot.set(summary.root, {
      replies: summary.replies + above,
      repliers: [...(known?.repliers ?? []), ...summary.repliers].filter((name, index, all) => all.indexOf(name) === index).slice(0, MAX_REPLIERS),
      lastReplyAt: Math.max(summary.lastReplyAt, known?.lastReplyAt ?? 0),
      countedUpTo: summary.lastReplyOffset,
    });
  }

  /** A reply arrived (live, replayed, or this tab's own acknowledged); returns its root. */
  reply(event: RoomEvent): number | undefined {
    const root = event.target;
    if (root === undefined) return undefined;
    this.rootOf.set(event.offset, root);
    const counted = this.byRoot.get(root) ?? { replies: 0, repliers: [], lastReplyAt: 0, countedUpTo: 0 };
    if (event.redacted || this.countedReplies.has(event.offset) || event.offset <= counted.countedUpTo) return root;
    this.countedReplies.add(event.offset);
    counted.replies += 1;
    counted.repliers = [event.author.name, ...counted.repliers.filter((name) => name !== event.author.name)].slice(0, MAX_REPLIERS);
    counted.lastReplyAt = Math.max(counted.lastReplyAt, event.createdAt);
    this.byRoot.set(root, counted);
    return root;
  }

  /**
   * Reply `offset` was deleted; returns its root when it was one this tab knows. Only a reply
   * this tab counted itself comes off: whether the server's count still held it is unknown
   * here (the next fresh summary says).
   */
  deleted(offset: number): number | undefined {
    const root = this.rootOf.get(offset);
    const counted = root === undefined ? undefined : this.byRoot.get(root);
    if (counted && this.countedReplies.delete(offset)) counted.replies = Math.max(0, counted.replies - 1);
    return root;
  }

  /** Whether `offset` is a reply this tab knows. */
  isReply(offset: number): boolean {
    return this.rootOf.has(offset);
  }

  of(root: number): ShownSummary | undefined {
    const counted = this.byRoot.get(root);
    return counted && counted.replies > 0 ? counted : undefined;
  }
}

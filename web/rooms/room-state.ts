import type { PublicUser, RoomEvent, RoomSummary } from '../../src/shared/events.js';
import { mentions } from '../../src/shared/mentions.js';
import type { RoomProgress } from './room-progress.js';
import type { RoomTimeline } from './room-timeline.js';

/**
 * Everything the page holds about one room: the server's last summary of it, its log, and
 * how far this tab follows it (once it does).
 *
 * Unread counts stay exact without asking the server again: the summary counts every
 * unread message up to its `head`; the page adds the messages of others it has received
 * above that head, and forgets them once a newer summary covers them.
 */
export class RoomState {
  progress: RoomProgress | undefined;
  /** Settles when this connection follows the room live (the server refuses writes before). */
  joined: Promise<unknown> = Promise.resolve();
  /** Where this tab stopped when it last stopped following: a rejoin resumes there, leaving no gap in the log. */
  resumeAfter: number | undefined;
  /**
   * The history epoch of what this tab holds of the room (its log, `progress`, `resumeAfter`):
   * a summary of another epoch means the history was replaced, and the page reloads the room.
   * Unknown (undefined) for a room the page only heard named (a search hit): the first summary sets it.
   */
  epoch: string | undefined;
  private readonly unreadAboveHead = new Set<number>();
  /** Of those, the ones that mention this user. */
  private readonly mentionsAboveHead = new Set<number>();

  constructor(
    public summary: RoomSummary,
    readonly timeline: RoomTimeline,
  ) {
    this.epoch = summary.epoch === '' ? undefined : summary.epoch;
  }

  /** A newer summary (room list, read marker moved, room added again). */
  update(summary: RoomSummary): void {
    this.summary = summary;
    for (const offset of this.unreadAboveHead) if (offset <= summary.head) this.unreadAboveHead.delete(offset);
    for (const offset of this.mentionsAboveHead) if (offset <= summary.head) this.mentionsAboveHead.delete(offset);
  }

  /**
   * A live or replayed event: counts when it is someone else's message the summary lacks.
   * Resolves whether it is such a message and it mentions this user.
   */
  received(event: RoomEvent, me: PublicUser | undefined): { unread: boolean; mention: boolean } {
    if (event.kind !== 'message' || event.author.id === me?.id || event.offset <= this.summary.readOffset) return { unread: false, mention: false };
    const mention = me !== undefined && mentions(event.text, me.name);
    if (event.offset > this.summary.head) {
      this.unreadAboveHead.add(event.offset);
      if (mention) this.mentionsAboveHead.add(event.offset);
    }
    return { unread: true, mention };
  }

  get unread(): number {
    return this.summary.unread + this.unreadAboveHead.size;
  }

  /** Unread messages that mention this user: shown apart in the room's badge. */
  get mentions(): number {
    return this.summary.mentions + this.mentionsAboveHead.size;
  }

  /** The offset to mark read, when this tab has seen past the read marker. */
  get readTarget(): number | undefined {
    const seen = Math.max(this.progress?.contiguous ?? 0, this.summary.head);
    return seen > this.summary.readOffset ? seen : undefined;
  }

  /** The name to show: a public room's name, or the other person of a direct room. */
  label(me: PublicUser | undefined): string {
    if (this.summary.kind === 'public') return this.summary.name;
    const other = this.summary.participants?.find((user) => user.id !== me?.id) ?? this.summary.participants?.[0];
    return other ? other.name : this.summary.name;
  }
}

import type { Appends } from '../delivery/append.js';
import { draftOf } from '../delivery/drafts.js';
import type { Logger } from '../log.js';
import { OPERATOR_ID_PREFIX } from '../moderation/moderation.js';
import { DAY_MS, type ExpiredMessage } from '../store/retention.js';
import type { Store } from '../store/store.js';

/** Deletions appended per pass at most: a pass never holds the writer for long; the next pass goes on. */
const BATCH = 500;
/** The author id and name retention's deletions carry, in the operator's namespace (no user id starts with it). */
export const RETENTION_ACTOR = { id: `${OPERATOR_ID_PREFIX}retention`, name: 'retention' } as const;

export interface RetentionOptions {
  readonly store: Store;
  readonly appends: Appends;
  readonly log: Logger;
  /** The deployment's rule (config.retentionDays): 0 keeps messages in rooms without a rule of their own. */
  readonly globalDays: number;
  readonly intervalMs: number;
}

/**
 * Erases messages older than their room's retention rule, in the background, in every
 * process of every node. A pass is idempotent: it reads the live messages past their cutoff,
 * re-reads each just before erasing it, and erases it with a `delete` event appended like a
 * moderator's (Appends.append), so the store's redaction erases its text, search entry,
 * mentions, reactions and edits in one transaction, and every client is sent the deletion
 * and served a tombstone by history, search and catch-up. Two processes racing on one message
 * can both append a deletion; the second erases nothing more. Each room's erasures of a pass
 * are one audit entry.
 */
export class RetentionRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: RetentionOptions) {}

  /** Starts the passes: the first after a random share of the interval, so processes started together do not run in step. */
  start(): void {
    const first = Math.floor(Math.random() * Math.min(this.options.intervalMs, 60_000));
    this.timer = setTimeout(() => this.tick(), first);
    this.timer.unref();
  }

  /** One pass now (also what the timer runs); answers how many messages it erased. */
  async runOnce(now = Date.now()): Promise<number> {
    const { store, appends, log, globalDays } = this.options;
    const expired = await store.retention.expiredMessages(globalDays > 0 ? now - globalDays * DAY_MS : null, now, BATCH);
    const byRoom = new Map<number, ExpiredMessage[]>();
    for (const message of expired) byRoom.set(message.roomId, [...(byRoom.get(message.roomId) ?? []), message]);
    let erased = 0;
    for (const [roomId, messages] of byRoom) {
      let inRoom = 0;
      for (const message of messages) {
        if (this.closed) return erased;
        // Another process may have erased it since the scan.
        if (!(await store.rooms.liveMessage(roomId, message.offset))) continue;
        await appends.append(
          draftOf({ roomId, kind: 'delete', target: message.offset, text: '', author: RETENTION_ACTOR.name, authorId: RETENTION_ACTOR.id, retry: { by: 'none' } }),
        );
        inRoom++;
      }
      if (inRoom === 0) continue;
      erased += inRoom;
      await store.moderation.recordAudit({
        at: Date.now(),
        actor: RETENTION_ACTOR.id,
        actorName: RETENTION_ACTOR.name,
        action: 'retention',
        target: null,
        roomId,
        detail: `${inRoom} message(s) past the room's retention erased`,
      });
    }
    if (erased > 0) log.info({ erased }, 'retention erased expired messages');
    return erased;
  }

  /** Stops the passes and waits for one under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    this.running = this.runOnce()
      .then((erased) => {
        // A full batch: more are waiting; go on soon rather than an interval later.
        this.schedule(erased >= BATCH ? 1000 : this.options.intervalMs);
      })
      .catch((error: unknown) => {
        this.options.log.warn({ err: error }, 'retention pass failed; trying again at the next interval');
        this.schedule(this.options.intervalMs);
      });
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }
}

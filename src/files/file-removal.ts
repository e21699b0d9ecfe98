import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { FileStore } from './file-store.js';

/** Files removed per sweep at most, so that a sweep never holds the store for long. */
const SWEEP_BATCH = 200;

export interface FileRemovalOptions {
  readonly store: Store;
  readonly files: FileStore;
  readonly log: Logger;
  /** How long an upload may wait for a message to attach it (PARLEY_FILES_UNATTACHED_MS). */
  readonly unattachedMs: number;
}

/**
 * Where files go away: with the message they are attached to (a deletion by its author, a
 * moderator or retention, all appended through Appends, which calls `messageDeleted`), and
 * when never attached, by a sweep in every process (idempotent, like retention's passes).
 * The metadata goes first, so a fetch answers 404 at once; bytes whose removal failed are
 * left nameless (nobody can fetch them).
 */
export class FileRemoval {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: FileRemovalOptions) {}

  /** Deletes the files of message `offset` of `roomId`, which was just deleted. */
  async messageDeleted(roomId: number, offset: number): Promise<void> {
    const ids = await this.options.store.files.detach(roomId, offset);
    await Promise.all(ids.map((id) => this.options.files.delete(id)));
  }

  /** One sweep now: removes uploads never attached and older than the allowance; answers how many. */
  async sweepOnce(now = Date.now()): Promise<number> {
    const { store, files } = this.options;
    const ids = await store.files.unattached(now - this.options.unattachedMs, SWEEP_BATCH);
    for (const id of ids) {
      if (this.closed) break;
      await store.files.removeFile(id);
      await files.delete(id);
    }
    return ids.length;
  }

  /** Starts the sweeps: about twice per allowance, at most every ten minutes. */
  start(): void {
    this.schedule(Math.floor(Math.random() * this.interval()));
  }

  /** Stops the sweeps and waits for one under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private interval(): number {
    return Math.max(500, Math.min(this.options.unattachedMs / 2, 600_000));
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce()
        .then((removed) => {
          if (removed > 0) this.options.log.info({ removed }, 'uploads never attached to a message removed');
        })
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'sweep of unattached uploads failed; trying again later'))
        .finally(() => this.schedule(this.interval()));
    }, ms);
    this.timer.unref();
  }
}

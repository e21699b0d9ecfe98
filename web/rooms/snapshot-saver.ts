import type { Lifetime } from '../shared/lifetime.js';
import { pageSnapshot, type PageSnapshot } from './page-snapshot.js';

/** How long after a change the page's snapshot is written (./page-snapshot.ts): once per burst. */
const SNAPSHOT_DELAY_MS = 1000;

/**
 * Writes the page's snapshot a moment after things change (once per burst of changes), and
 * at once when the page is hidden or left; stopped, it drops what it had scheduled.
 */
export class SnapshotSaver {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    lifetime: Lifetime,
    private readonly take: () => PageSnapshot,
  ) {
    lifetime.listen(window, 'pagehide', () => this.save());
    lifetime.add(() => this.cancel());
  }

  /** Something the snapshot holds changed: written within SNAPSHOT_DELAY_MS. */
  schedule(): void {
    this.timer ??= setTimeout(() => this.save(), SNAPSHOT_DELAY_MS);
  }

  save(): void {
    this.cancel();
    pageSnapshot.save(this.take());
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

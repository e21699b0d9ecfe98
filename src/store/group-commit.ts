/** How a `GroupCommit` writes and when it looks for the item that failed a batch. */
export interface GroupCommitOptions {
  /** The most items one transaction holds. @default 512 */
  readonly maxBatch?: number;
  /**
   * True when a batch's failure may come from one item's own data (a constraint, a value
   * the database refuses): the batch, rolled back, is then split to find that item, and
   * the others are written after all. False (storage down or busy) fails the whole batch
   * at once, without rewriting it piece by piece against a database that cannot take it.
   * @default () => false
   */
  readonly isolate?: (error: unknown) => boolean;
  /** Called each time the last submitted item is written (or failed) and nothing is queued. */
  readonly onIdle?: () => void;
  /** Told of each batch written (its items and seconds), for the metrics. */
  readonly observe?: (items: number, seconds: number) => void;
}

interface Entry<Item, Outcome> {
  readonly item: Item;
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Batches the items submitted during one turn of the event loop and writes them with one
 * call, so that many concurrent senders share one transaction (and one fsync) instead of
 * queueing one commit each. One batch is written at a time; items submitted meanwhile form
 * the next batch.
 *
 * One bad item must not fail its neighbours (other users' messages): when a batch throws
 * an error that `isolate` accepts, its halves are written again in order, each split again
 * while it fails, so that the item at fault gets the error alone and the rest is written
 * in submission order. With one bad item among n that costs about 2·log2(n) extra
 * transactions, and only on that failure: the normal path is one call per batch.
 */
export class GroupCommit<Item, Outcome> {
  private queue: Entry<Item, Outcome>[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;
  private readonly maxBatch: number;
  private readonly isolate: (error: unknown) => boolean;
  private readonly onIdle: () => void;
  private readonly observe: ((items: number, seconds: number) => void) | undefined;

  /**
   * @param writeBatch writes all items in one transaction and returns one outcome per item
   *   (an `Error` outcome rejects that item alone); a throw means nothing was written.
   */
  constructor(
    private readonly writeBatch: (items: Item[]) => Promise<(Outcome | Error)[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 512;
    this.isolate = options.isolate ?? (() => false);
    this.onIdle = options.onIdle ?? (() => undefined);
    this.observe = options.observe;
  }

  submit(item: Item): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every item submitted so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.writing || this.scheduled) {
      await (this.writing ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: it lets every socket event already read from the
    // network this turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.writing = this.writeNext().finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0) this.schedule();
        else this.onIdle();
      });
    });
  }

  private async writeNext(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    await this.write(batch);
  }

  /** Writes `batch` in one call, or, when it fails because of some item, in halves (recursively). */
  private async write(batch: Entry<Item, Outcome>[]): Promise<void> {
    let outcomes: (Outcome | Error)[];
    const startedAt = performance.now();
    try {
      outcomes = await this.writeBatch(batch.map((entry) => entry.item));
      this.observe?.(batch.length, (performance.now() - startedAt) / 1000);
    } catch (error) {
      if (batch.length > 1 && this.isolate(error)) {
        // Sequential, first half first: offsets stay in submission order.
        const middle = Math.ceil(batch.length / 2);
        await this.write(batch.slice(0, middle));
        await this.write(batch.slice(middle));
      } else {
        for (const entry of batch) entry.reject(error);
      }
      return;
    }
    batch.forEach((entry, index) => {
      const outcome = outcomes[index];
      if (outcome instanceof Error) entry.reject(outcome);
      else if (outcome === undefined) entry.reject(new Error('group commit: no outcome for item'));
      else entry.resolve(outcome);
    });
  }
}

/**
 * One `GroupCommit` per key (a room), so that batches of different keys are written side by
 * side and none waits for another's commit, while each key still has one batch in flight
 * and the next one growing meanwhile. A key's group exists only while it has work: it is
 * dropped when idle, so a server that saw a million rooms holds none of them.
 */
export class KeyedGroupCommit<Key, Item, Outcome> {
  private readonly groups = new Map<Key, GroupCommit<Item, Outcome>>();

  /**
   * @param keyOf the key an item is batched under
   * @param writeBatch writes one key's items in one transaction, as `GroupCommit`'s
   */
  constructor(
    private readonly keyOf: (item: Item) => Key,
    private readonly writeBatch: (key: Key, items: Item[]) => Promise<(Outcome | Error)[]>,
    private readonly options: Omit<GroupCommitOptions, 'onIdle'> = {},
  ) {}

  submit(item: Item): Promise<Outcome> {
    const key = this.keyOf(item);
    let group = this.groups.get(key);
    if (!group) {
      group = new GroupCommit((items) => this.writeBatch(key, items), { ...this.options, onIdle: () => this.groups.delete(key) });
      this.groups.set(key, group);
    }
    return group.submit(item);
  }

  /** Resolves once every item submitted so far, under every key, is written (or failed). */
  async drain(): Promise<void> {
    while (this.groups.size > 0) await Promise.all([...this.groups.values()].map((group) => group.drain()));
  }
}

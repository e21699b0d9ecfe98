/**
 * Batches the items submitted during one turn of the event loop and writes them with one
 * call, so that many concurrent senders share one transaction (and one fsync) instead of
 * queueing one commit each. One batch is written at a time; items submitted meanwhile form
 * the next batch.
 */
export class GroupCommit<Item, Outcome> {
  private queue: { item: Item; resolve: (outcome: Outcome) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;

  /**
   * @param writeBatch writes all items in one transaction and returns one outcome per item
   *   (an `Error` outcome rejects that item alone); a throw rejects the whole batch.
   * @param maxBatch the most items one transaction holds.
   */
  constructor(
    private readonly writeBatch: (items: Item[]) => Promise<(Outcome | Error)[]>,
    private readonly maxBatch = 512,
  ) {}

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
      });
    });
  }

  private async writeNext(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    try {
      const outcomes = await this.writeBatch(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => {
        const outcome = outcomes[index];
        if (outcome instanceof Error) entry.reject(outcome);
        else if (outcome === undefined) entry.reject(new Error('group commit: no outcome for item'));
        else entry.resolve(outcome);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}

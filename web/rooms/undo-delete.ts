import type { Lifetime } from '../shared/lifetime.js';

/** How long a deleted message can be brought back before the deletion is sent. */
export const UNDO_MS = 5000;

interface Pending {
  readonly item: HTMLLIElement | undefined;
  readonly send: () => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Deleting one's own message, with a way back: the message is greyed out at once and a bar
 * says "Message deleted. Undo" for UNDO_MS; only then is the deletion sent (a deletion,
 * once stored, is an event of the room that every reader applies). A second deletion sends
 * the first at once, and so does leaving the page: the outbox keeps what it is given
 * across a reload, so a deletion is never lost by closing the tab.
 */
export class UndoDelete {
  private pending: Pending | undefined;

  constructor(
    lifetime: Lifetime,
    private readonly bar: { readonly element: HTMLElement; readonly undo: HTMLButtonElement },
  ) {
    bar.undo.addEventListener('click', () => this.undo());
    lifetime.listen(window, 'pagehide', () => this.flush());
    // Stopped like the page left: the deletion waiting is sent, and its timer cleared.
    lifetime.add(() => this.flush());
  }

  /** Shows `item` as deleted and calls `send` after UNDO_MS unless the person takes it back. */
  start(item: HTMLLIElement | undefined, send: () => void): void {
    this.flush();
    if (item) item.dataset.deleting = 'true';
    this.pending = { item, send, timer: setTimeout(() => this.flush(), UNDO_MS) };
    this.bar.element.hidden = false;
    this.bar.undo.focus({ preventScroll: true });
  }

  /** Sends the deletion waiting, if any, now. */
  flush(): void {
    const pending = this.end();
    pending?.send();
  }

  private undo(): void {
    const pending = this.end();
    if (pending?.item) delete pending.item.dataset.deleting;
  }

  private end(): Pending | undefined {
    const { pending } = this;
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending = undefined;
    this.bar.element.hidden = true;
    return pending;
  }
}

/** How a message shows: stored (`delivered`), on its way (`pending`), or refused (`failed`). */
export type MessageState = 'delivered' | 'pending' | 'failed';

/** A button shown on a message, e.g. "Retry" on a failed one. */
export interface MessageAction {
  readonly label: string;
  readonly run: () => void;
}

/** Distance from the bottom, in pixels, within which the log keeps following new messages. */
const FOLLOW_THRESHOLD_PX = 48;

/**
 * The chat log on the page: delivered messages in offset order, then this page's messages
 * still on their way, oldest first. Everything received is set as text, never parsed as
 * HTML, so a message can show `<b>` or `<img onerror>` but never run or render them.
 *
 * An item belongs to the ordered (delivered) part exactly when it has `data-offset`; it may
 * still be marked pending there, when its echo came before its acknowledgement.
 */
export class MessageList {
  private readonly byOffset = new Map<number, HTMLLIElement>();
  /** True while the reader is at the bottom; then new messages scroll into view. */
  private following = true;
  private scrollScheduled = false;
  /** Where this list last scrolled itself to: a scroll event above it is the reader's own. */
  private autoScrollTop = 0;
  /** Messages of others placed below the reader while they read further up. */
  private unseen = 0;
  /** Told how many messages wait below the reader (0 once they are at the bottom). */
  onUnseen: (count: number) => void = () => undefined;

  /** `list` is the ordered list shown; `scroller` is the element that scrolls it (the log region around it). */
  constructor(
    readonly list: HTMLOListElement,
    private readonly scroller: HTMLElement,
  ) {
    // Measured on scroll only, so rendering a long history never forces a layout per item.
    // A scroll event of this list's own scrolling arrives a frame late, when a burst may
    // have added items below again: only the reader moving up stops the following.
    scroller.addEventListener(
      'scroll',
      () => {
        if (scroller.querySelector(':scope > ol') !== this.list) return;
        const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < FOLLOW_THRESHOLD_PX;
        const movedUp = scroller.scrollTop < this.autoScrollTop - 2;
        this.following = atBottom || (this.following && !movedUp);
        if (atBottom) this.setUnseen(0);
      },
      { passive: true },
    );
  }

  /** The item shown at `offset`, if any. */
  at(offset: number): HTMLLIElement | undefined {
    return this.byOffset.get(offset);
  }

  /** Shows a stored message at its place in offset order; `author` names who wrote it. */
  addDelivered(text: string, offset: number, author?: string): HTMLLIElement {
    const item = createItem(text, author);
    this.setState(item, 'delivered');
    this.place(item, offset);
    return item;
  }

  /** Shows a message of this page at the bottom, marked pending; the log goes to the bottom to show it. */
  addPending(text: string, author?: string): HTMLLIElement {
    const item = createItem(text, author);
    item.dataset.own = 'true';
    this.setState(item, 'pending');
    this.list.append(item);
    this.jumpToLatest();
    return item;
  }

  /**
   * Scrolls `item` to the middle of the log and stops following the bottom at once, so that
   * nothing arriving meanwhile (a message, a notice) scrolls it away before the scroll
   * event that would have stopped the following is read.
   */
  reveal(item: HTMLLIElement): void {
    this.following = false;
    item.scrollIntoView({ block: 'center' });
    this.autoScrollTop = this.scroller.scrollTop;
  }

  /** Scrolls to the newest message and follows new ones again. */
  jumpToLatest(): void {
    this.following = true;
    this.setUnseen(0);
    this.followBottom();
  }

  /**
   * Shows a line about the room (someone joined or left) after the message at `after`,
   * so later messages still come below it.
   */
  addNotice(text: string, after: number): HTMLLIElement {
    const item = document.createElement('li');
    item.className = 'notice';
    item.textContent = text;
    item.dataset.after = String(after);
    let before: Element | null = null;
    let cursor = this.list.lastElementChild;
    while (cursor instanceof HTMLLIElement && rank(cursor) > after + 0.5) {
      before = cursor;
      cursor = cursor.previousElementSibling;
    }
    this.list.insertBefore(item, before);
    this.followBottom();
    return item;
  }

  /** Moves `item` to the place of `offset` among the delivered messages. */
  place(item: HTMLLIElement, offset: number): void {
    this.detach(item);
    item.remove(); // else the walk below could stop at the item itself
    item.dataset.offset = String(offset);
    this.byOffset.set(offset, item);
    // Walk back past the pending items and any later offsets. Messages nearly always come
    // in order, so this stops at the first step.
    let before: Element | null = null;
    let cursor = this.list.lastElementChild;
    while (cursor instanceof HTMLLIElement && rank(cursor) > offset) {
      before = cursor;
      cursor = cursor.previousElementSibling;
    }
    this.list.insertBefore(item, before);
    if (!this.following && before === null && item.dataset.own !== 'true') this.setUnseen(this.unseen + 1);
    this.followBottom();
  }

  private setUnseen(count: number): void {
    if (count === this.unseen) return;
    this.unseen = count;
    this.onUnseen(count);
  }

  /**
   * Marks `item` with its state. `note` says more to the reader (why it failed, that it is
   * still being retried); `actions` become buttons on it. Both are cleared when omitted.
   */
  setState(item: HTMLLIElement, state: MessageState, note = defaultNote(state), actions: readonly MessageAction[] = []): void {
    item.dataset.state = state;
    const noteElement = item.querySelector('.note');
    if (noteElement) noteElement.textContent = note;
    item.querySelector('.actions')?.remove();
    if (actions.length === 0) return;
    const group = document.createElement('span');
    group.className = 'actions';
    for (const action of actions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.addEventListener('click', action.run, { once: true });
      group.append(button);
    }
    item.append(group);
  }

  /** Marks `item` as this page's own message, or as someone else's. */
  setOwn(item: HTMLLIElement, own: boolean): void {
    if (own) item.dataset.own = 'true';
    else delete item.dataset.own;
    if (item.dataset.state === 'delivered') this.setState(item, 'delivered');
  }

  /** Takes `item` off the page. */
  remove(item: HTMLLIElement): void {
    this.detach(item);
    item.remove();
  }

  private detach(item: HTMLLIElement): void {
    const offset = item.dataset.offset;
    if (offset !== undefined && this.byOffset.get(Number(offset)) === item) this.byOffset.delete(Number(offset));
    delete item.dataset.offset;
  }

  /** Keeps the newest message in view if the reader was at the bottom; once per frame. */
  private followBottom(): void {
    if (!this.following || this.scrollScheduled) return;
    this.scrollScheduled = true;
    requestAnimationFrame(() => {
      this.scrollScheduled = false;
      // Asked again: the reader (or a jump to a search hit) may have scrolled away since.
      if (!this.following || this.scroller.querySelector(':scope > ol') !== this.list) return;
      this.scroller.scrollTop = this.scroller.scrollHeight;
      this.autoScrollTop = this.scroller.scrollTop;
    });
  }
}

/** Where an item sorts: its offset, just after the offset a notice follows, or last when pending. */
function rank(item: HTMLLIElement): number {
  if (item.dataset.offset !== undefined) return Number(item.dataset.offset);
  if (item.dataset.after !== undefined) return Number(item.dataset.after) + 0.5;
  return Infinity;
}

function createItem(text: string, author?: string): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'message';
  if (author !== undefined) {
    const name = document.createElement('span');
    name.className = 'author';
    name.textContent = author;
    item.append(name);
  }
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  const note = document.createElement('span');
  note.className = 'note';
  item.append(body, note);
  return item;
}

function defaultNote(state: MessageState): string {
  if (state === 'pending') return 'Sending…';
  if (state === 'failed') return 'Not sent';
  // Stored is the normal state: only a message still on its way, or refused, says so.
  return '';
}

import type { PinnedMessage, RoomEvent } from '../../src/shared/events.js';
import type { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';

export interface PinnedElements {
  /** "Pinned", in the room's header: opens and closes the list. */
  readonly button: HTMLButtonElement;
  /** The list's panel, under the header. */
  readonly panel: HTMLElement;
  readonly list: HTMLOListElement;
}

export interface PinnedHooks {
  /** The room on screen. */
  activeId(): number | undefined;
  /** Shows message `offset` of the room on screen, scrolled into view and marked. */
  show(roomId: number, offset: number): void;
}

/** How long the list waits for more changes before asking again (a burst of pins is one request). */
const REFRESH_DELAY_MS = 150;
/** The most characters of a message the list shows. */
const PREVIEW_LENGTH = 140;

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

/**
 * "Pinned" in the room's header: the room's pinned messages (`room:pins`), the newest pin
 * first, with who pinned each and when; a click on one shows it in the log. Kept live while
 * open: a pin, unpin, edit or deletion in the room asks for the list again.
 */
export class PinnedView {
  private shownFor: number | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly elements: PinnedElements,
    private readonly hooks: PinnedHooks,
  ) {
    elements.button.addEventListener('click', () => {
      if (elements.panel.hidden) void this.open();
      else this.close();
    });
    lifetime.listen(document, 'keydown', (event) => {
      if (event instanceof KeyboardEvent && event.key === 'Escape' && !elements.panel.hidden) this.close();
    });
  }

  /** Every event applied to a room: one that changes what the list shows refreshes it. */
  observe(event: RoomEvent): void {
    if (this.shownFor !== event.roomId) return;
    if (event.kind !== 'pin' && event.kind !== 'unpin' && event.kind !== 'edit' && event.kind !== 'delete') return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.load(), REFRESH_DELAY_MS);
  }

  /** Another room came on screen: the list, when open, follows it. */
  roomShown(roomId: number | undefined): void {
    if (this.elements.panel.hidden || roomId === this.shownFor) return;
    if (roomId === undefined) this.close();
    else void this.open();
  }

  close(): void {
    this.shownFor = undefined;
    clearTimeout(this.refreshTimer);
    this.elements.panel.hidden = true;
    this.elements.button.setAttribute('aria-expanded', 'false');
  }

  private async open(): Promise<void> {
    const roomId = this.hooks.activeId();
    if (roomId === undefined) return;
    this.shownFor = roomId;
    this.elements.panel.hidden = false;
    this.elements.button.setAttribute('aria-expanded', 'true');
    await this.load();
  }

  private async load(): Promise<void> {
    const roomId = this.shownFor;
    if (roomId === undefined) return;
    const answer = await request(this.socket, 'room:pins', { roomId });
    if (this.shownFor !== roomId) return; // closed, or another room, meanwhile
    const { list } = this.elements;
    if (!answer.ok) {
      list.replaceChildren(this.note(`Pinned messages could not be read: ${answer.message}`));
      return;
    }
    list.replaceChildren(...(answer.data.length === 0 ? [this.note('No pinned messages in this room yet.')] : answer.data.map((pinned) => this.entry(roomId, pinned))));
  }

  private entry(roomId: number, { message, pinnedBy, pinnedAt }: PinnedMessage): HTMLLIElement {
    const item = document.createElement('li');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'pinned-entry';
    open.dataset.offset = String(message.offset);
    const author = document.createElement('span');
    author.className = 'pinned-author';
    author.textContent = message.author.name;
    const text = document.createElement('span');
    text.className = 'pinned-text';
    text.textContent = message.text.length > PREVIEW_LENGTH ? `${message.text.slice(0, PREVIEW_LENGTH)}…` : message.text;
    const by = document.createElement('span');
    by.className = 'pinned-by';
    by.textContent = `Pinned by ${pinnedBy.name} · ${when.format(pinnedAt)}`;
    open.append(author, text, by);
    open.addEventListener('click', () => {
      this.close();
      this.hooks.show(roomId, message.offset);
    });
    item.append(open);
    return item;
  }

  private note(text: string): HTMLLIElement {
    const item = document.createElement('li');
    item.className = 'pinned-note';
    item.textContent = text;
    return item;
  }
}

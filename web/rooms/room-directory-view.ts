import type { DirectoryRoom } from '../../src/shared/events.js';
import type { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';

/** The page's elements of the room directory. */
export interface DirectoryElements {
  readonly form: HTMLFormElement;
  /** A name prefix; empty lists every public room. */
  readonly query: HTMLInputElement;
  readonly list: HTMLUListElement;
  /** Shown while the directory has another page. */
  readonly more: HTMLButtonElement;
}

/** A search waits for the person to stop typing this long, so a word costs one request. */
const SEARCH_DELAY_MS = 250;
/** Rooms asked for per page. */
const PAGE_SIZE = 50;

/**
 * "Browse rooms": public rooms by name from `room:directory`, a page at a time, filtered by
 * what the person types (a name prefix). Rooms the person follows are left out (the sidebar
 * shows them above); each other room has a Join button. Names are shown as text only.
 */
export class RoomDirectoryView {
  private rooms: DirectoryRoom[] = [];
  private next: string | null = null;
  /** Counts searches, so that an answer to an older one is dropped. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly elements: DirectoryElements,
    private readonly actions: { follows(roomId: number): boolean; join(room: DirectoryRoom): void },
  ) {
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search();
    });
    elements.query.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.search(), SEARCH_DELAY_MS);
    });
    elements.more.addEventListener('click', () => void this.loadMore());
    lifetime.add(() => clearTimeout(this.timer));
    // Someone created a public room: the list is asked for again (coalesced over a moment).
    lifetime.on(socket, 'room:created', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.search(), SEARCH_DELAY_MS);
    });
  }

  /** Asks for the first page of the current search again (on start, focus, reconnect). */
  async search(): Promise<void> {
    clearTimeout(this.timer);
    const generation = ++this.generation;
    const query = this.elements.query.value.trim();
    const answer = await request(this.socket, 'room:directory', { query, limit: PAGE_SIZE });
    if (!answer.ok || generation !== this.generation) return;
    this.rooms = [...answer.data.rooms];
    this.next = answer.data.next;
    this.render();
  }

  /** Redraws the list, e.g. after the person joined or left a room. */
  render(): void {
    const focused = document.activeElement instanceof HTMLElement && this.elements.list.contains(document.activeElement) ? document.activeElement.dataset.roomId : undefined;
    this.elements.list.replaceChildren(...this.rooms.filter((room) => !this.actions.follows(room.id)).map((room) => this.item(room)));
    this.elements.more.hidden = this.next === null;
    if (focused) this.elements.list.querySelector<HTMLElement>(`button[data-room-id="${CSS.escape(focused)}"]`)?.focus();
  }

  private async loadMore(): Promise<void> {
    if (this.next === null) return;
    const generation = this.generation;
    const answer = await request(this.socket, 'room:directory', { query: this.elements.query.value.trim(), after: this.next, limit: PAGE_SIZE });
    if (!answer.ok || generation !== this.generation) return;
    this.rooms.push(...answer.data.rooms);
    this.next = answer.data.next;
    this.render();
  }

  private item(room: DirectoryRoom): HTMLLIElement {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = `# ${room.name}`;
    name.title = `${room.members} ${room.members === 1 ? 'member' : 'members'}`;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Join';
    button.dataset.roomId = String(room.id);
    button.setAttribute('aria-label', `Join ${room.name}`);
    button.addEventListener('click', () => this.actions.join(room));
    item.append(name, button);
    return item;
  }
}

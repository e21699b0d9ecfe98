import { unreadLabel } from '../../src/shared/unread.js';

/** A room as the sidebar shows it. */
export interface RoomEntry {
  readonly id: number;
  /** Public rooms: their name; direct rooms: the other person's name. */
  readonly label: string;
  readonly kind: 'public' | 'direct';
  readonly member: boolean;
  readonly unread: number;
  /** Of those, how many mention this person. */
  readonly mentions: number;
}

/**
 * The sidebar's room lists: the public rooms this person follows and their direct
 * conversations, each a button that opens it, with its unread count (other public rooms are
 * browsed in ./room-directory-view.ts). Redrawn whole on every change: they hold the
 * person's own rooms only, and focus is put back on the button that had it.
 */
export class RoomListView {
  constructor(
    private readonly lists: { readonly joined: HTMLUListElement; readonly direct: HTMLUListElement },
    private readonly actions: { open(roomId: number): void },
  ) {}

  render(entries: readonly RoomEntry[], activeId: number | undefined): void {
    const focused = document.activeElement instanceof HTMLElement && this.contains(document.activeElement) ? document.activeElement.dataset.roomId : undefined;
    const sorted = [...entries].sort((a, b) => a.label.localeCompare(b.label));
    this.lists.joined.replaceChildren(...sorted.filter((room) => room.kind === 'public' && room.member).map((room) => this.openItem(room, activeId)));
    this.lists.direct.replaceChildren(...sorted.filter((room) => room.kind === 'direct').map((room) => this.openItem(room, activeId)));
    if (focused) this.find(focused)?.focus();
  }

  private openItem(room: RoomEntry, activeId: number | undefined): HTMLLIElement {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'room';
    button.dataset.roomId = String(room.id);
    if (room.id === activeId) button.setAttribute('aria-current', 'true');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = room.kind === 'public' ? `# ${room.label}` : room.label;
    button.append(name);
    if (room.mentions > 0) {
      const badge = document.createElement('span');
      badge.className = 'mention-count';
      badge.textContent = `@${unreadLabel(room.mentions)}`;
      button.append(badge);
    }
    if (room.unread > 0) {
      const badge = document.createElement('span');
      badge.className = 'unread';
      badge.textContent = unreadLabel(room.unread);
      button.append(badge);
      const mentioned = room.mentions > 0 ? `, ${unreadLabel(room.mentions)} mentioning you` : '';
      button.setAttribute('aria-label', `${room.label}, ${unreadLabel(room.unread)} unread${mentioned}`);
    }
    button.addEventListener('click', () => this.actions.open(room.id));
    item.append(button);
    return item;
  }

  private contains(element: Element): boolean {
    return Object.values(this.lists).some((list) => list.contains(element));
  }

  private find(roomId: string): HTMLElement | undefined {
    for (const list of Object.values(this.lists)) {
      const found = list.querySelector<HTMLElement>(`button[data-room-id="${CSS.escape(roomId)}"]`);
      if (found) return found;
    }
    return undefined;
  }
}

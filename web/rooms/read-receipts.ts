import type { Receipt } from '../../src/shared/events.js';
import type { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';

/** The sidebar's switch: "Send read receipts". */
export interface ReceiptElements {
  readonly toggle: HTMLInputElement;
}

/** Where the receipts of a room are drawn: its log. */
export interface ReceiptRooms {
  /** The log of a room this page shows, if any. */
  readonly log: (roomId: number) => HTMLOListElement | undefined;
  /** The room on screen. */
  readonly activeId: () => number | undefined;
}

/**
 * Read receipts on the page (README, "Read receipts"): under the message each other member
 * has read up to, "Seen by ana, bo", kept live from `room:receipt`; and the switch that
 * turns one's own receipts off (then the server sends none, and none are drawn).
 */
export class ReadReceiptsView {
  /** Each room's readers this page knows: user id to name and offset. */
  private readonly rooms = new Map<number, Map<string, Receipt>>();
  private sending = true;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly elements: ReceiptElements,
    private readonly where: ReceiptRooms,
  ) {
    lifetime.on(socket, 'room:receipt', ({ roomId, user, offset }) => {
      const readers = this.rooms.get(roomId);
      if (!readers || !this.sending) return;
      if ((readers.get(user.id)?.offset ?? 0) >= offset) return;
      readers.set(user.id, { user, offset });
      this.render(roomId);
    });
    lifetime.on(socket, 'receipts:setting', ({ enabled }) => this.setSending(enabled));
    lifetime.listen(elements.toggle, 'change', () => void this.choose(elements.toggle.checked));
  }

  /** A room came on screen (or the connection came back): asks for its receipts. */
  async opened(roomId: number): Promise<void> {
    const answer = await request(this.socket, 'receipts:get', { roomId });
    if (!answer.ok) return;
    this.setSending(answer.data.sending);
    this.rooms.set(roomId, new Map(answer.data.receipts.map((receipt) => [receipt.user.id, receipt])));
    this.render(roomId);
  }

  /** Messages were added to a room's log: the receipts move to the messages they now belong under. */
  redraw(roomId: number): void {
    if (this.rooms.has(roomId)) this.render(roomId);
  }

  private async choose(enabled: boolean): Promise<void> {
    const answer = await request(this.socket, 'receipts:set', { enabled });
    if (!answer.ok) {
      this.elements.toggle.checked = this.sending;
      return;
    }
    this.setSending(answer.data.enabled);
    const active = this.where.activeId();
    if (enabled && active !== undefined) await this.opened(active);
  }

  private setSending(enabled: boolean): void {
    this.sending = enabled;
    this.elements.toggle.checked = enabled;
    if (enabled) return;
    // Turned off: none are kept or shown.
    const shown = [...this.rooms.keys()];
    this.rooms.clear();
    for (const roomId of shown) this.render(roomId);
  }

  /** Draws "Seen by …" under the last message of the log at or below each reader's offset. */
  private render(roomId: number): void {
    const log = this.where.log(roomId);
    if (!log) return;
    for (const line of Array.from(log.querySelectorAll('.seen-by'))) line.remove();
    const readers = [...(this.rooms.get(roomId)?.values() ?? [])];
    if (readers.length === 0) return;
    const items = Array.from(log.querySelectorAll<HTMLLIElement>(':scope > li.message[data-offset]'), (item) => ({ item, offset: Number(item.dataset.offset) }))
      .filter(({ offset }) => Number.isFinite(offset))
      .sort((a, b) => a.offset - b.offset);
    const under = new Map<HTMLLIElement, string[]>();
    for (const reader of readers.sort((a, b) => a.user.name.localeCompare(b.user.name))) {
      let last: HTMLLIElement | undefined;
      for (const { item, offset } of items) {
        if (offset > reader.offset) break;
        last = item;
      }
      if (last) under.set(last, [...(under.get(last) ?? []), reader.user.name]);
    }
    for (const [item, names] of under) {
      const line = document.createElement('div');
      line.className = 'seen-by';
      line.textContent = `Seen by ${names.join(', ')}`;
      item.append(line);
    }
  }
}

import type { RoomState } from './room-state.js';
import { request, type ChatSocket } from '../shared/rpc.js';

/** Events asked for per page of older history. */
const PAGE_SIZE = 50;
/** Older history loads once the reader scrolls this close to the top, in pixels. */
const LOAD_MARGIN_PX = 300;

/**
 * Infinite scroll upwards: loads the room on screen's older history page by page
 * (`history:before`), when it is opened and whenever the reader nears the top, keeping
 * what the reader looks at in place as older messages appear above it.
 */
export class HistoryLoader {
  private readonly loading = new Set<number>();
  private readonly failed = new Set<number>();

  constructor(
    private readonly socket: ChatSocket,
    private readonly scroller: HTMLElement,
    private readonly state: HTMLElement,
    private readonly active: () => RoomState | undefined,
  ) {
    scroller.addEventListener('scroll', () => this.fill(), { passive: true });
  }

  /** A room came on screen. */
  opened(): void {
    const room = this.active();
    if (room) this.failed.delete(room.summary.id);
    this.render();
    this.fill();
  }

  /**
   * Loads older pages of the room on screen until `offset` is loaded or the history ends
   * (to show a message found by search); resolves whether it is loaded.
   */
  async loadUntil(offset: number): Promise<boolean> {
    for (let pages = 0; pages < 10_000; pages++) {
      const room = this.active();
      if (!room) return false;
      const { timeline } = room;
      if (timeline.list.at(offset)) return true;
      if (timeline.historyComplete || this.failed.has(room.summary.id)) return false;
      if (this.loading.has(room.summary.id)) await new Promise((resolve) => setTimeout(resolve, 50));
      else await this.load(room);
    }
    return false;
  }

  /** Loads a page if the room on screen has older history and the reader is near its top. */
  private fill(): void {
    // Offline, nothing would answer: the reconnect asks again (RoomsClient.reconnected).
    if (!this.socket.connected) return;
    const room = this.active();
    if (!room || room.timeline.historyComplete || this.loading.has(room.summary.id) || this.failed.has(room.summary.id)) return;
    if (this.scroller.scrollTop > LOAD_MARGIN_PX && this.scroller.scrollHeight > this.scroller.clientHeight + LOAD_MARGIN_PX) return;
    void this.load(room);
  }

  private async load(room: RoomState): Promise<void> {
    const { timeline } = room;
    const roomId = room.summary.id;
    const before = timeline.oldestLoaded ?? Math.max(room.progress?.contiguous ?? 0, room.summary.head) + 1;
    if (before <= 1) {
      timeline.historyComplete = true;
      this.render();
      return;
    }
    this.loading.add(roomId);
    this.render();
    const epoch = room.epoch === undefined ? {} : { epoch: room.epoch };
    const answer = await request(this.socket, 'history:before', { roomId, before, limit: PAGE_SIZE, ...epoch });
    this.loading.delete(roomId);
    if (!answer.ok) {
      // Tried again when the room is opened again, rather than in a loop against a failing server.
      this.failed.add(roomId);
      this.render();
      return;
    }
    const onScreen = this.active() === room;
    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
    for (const event of answer.data) timeline.apply(event);
    timeline.markFirstUnread();
    if (answer.data.length < PAGE_SIZE || (timeline.oldestLoaded ?? before) >= before || timeline.oldestLoaded === 1) timeline.historyComplete = true;
    // Keeps the reader's place: what was on screen stays where it was.
    if (onScreen) this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
    this.render();
    this.fill();
  }

  private render(): void {
    const room = this.active();
    let text = '';
    if (room && this.loading.has(room.summary.id)) text = 'Loading older messages…';
    else if (room && this.failed.has(room.summary.id)) text = 'Older messages could not be loaded.';
    else if (room?.timeline.historyComplete) text = 'This is the start of the conversation.';
    if (this.state.textContent !== text) this.state.textContent = text;
  }
}

import type { Lifetime } from '../shared/lifetime.js';
import type { RoomState } from './room-state.js';
import { request, type ChatSocket } from '../shared/rpc.js';

/** How long a visible room waits before moving its read marker, so a burst makes one request. */
const READ_MARK_DELAY_MS = 300;

/**
 * Moves the read marker of the room on screen up to what this tab has seen, while the
 * page is visible (a room in a hidden tab is not read); the answer's summary clears the
 * room's unread count, here and, through `room:read`, in the person's other tabs.
 */
export class ReadMarker {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly active: () => RoomState | undefined,
    private readonly marked: () => void,
  ) {
    lifetime.listen(document, 'visibilitychange', () => this.schedule());
    lifetime.add(() => clearTimeout(this.timer));
  }

  /** The room on screen got events, or came on screen. */
  schedule(): void {
    if (this.timer !== undefined || document.visibilityState !== 'visible') return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const room = this.active();
      const offset = room?.readTarget;
      // A room read without joining it (a search hit) has no marker to move.
      if (!room?.progress || offset === undefined || document.visibilityState !== 'visible') return;
      const epoch = room.epoch === undefined ? {} : { epoch: room.epoch };
      void request(this.socket, 'read:mark', { roomId: room.summary.id, offset, ...epoch }).then((answer) => {
        if (answer.ok) room.update(answer.data);
        this.marked();
      });
    }, READ_MARK_DELAY_MS);
  }
}

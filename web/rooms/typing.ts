import type { PublicUser } from '../../src/shared/events.js';
import type { Lifetime } from '../shared/lifetime.js';

/** At most one "typing" emit per this interval while a person keeps typing. */
const TYPING_EMIT_INTERVAL_MS = 2000;
/** A typist not heard from for this long is no longer shown (the server expires them too). */
const TYPING_SHOWN_MS = 5000;

/**
 * Tells the room when this person types, throttled: one `typing: true` per interval while
 * keystrokes continue, and `typing: false` once when they send, clear the box or leave it.
 */
export class TypingNotifier {
  private lastEmitAt = 0;
  private typingIn: number | undefined;

  constructor(private readonly emit: (roomId: number, typing: boolean) => void) {}

  /** The message box changed in `roomId`; `hasText` says whether it holds anything. */
  input(roomId: number, hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    if (this.typingIn !== roomId) this.stop();
    const now = Date.now();
    if (this.typingIn === roomId && now - this.lastEmitAt < TYPING_EMIT_INTERVAL_MS) return;
    this.typingIn = roomId;
    this.lastEmitAt = now;
    this.emit(roomId, true);
  }

  /** Sent, blurred, switched room: no longer typing. */
  stop(): void {
    if (this.typingIn === undefined) return;
    this.emit(this.typingIn, false);
    this.typingIn = undefined;
    this.lastEmitAt = 0;
  }
}

/** The "{user} is typing…" line of the room on screen, from the server's typing events. */
export class TypingLine {
  /** Per room, who types and when each entry expires. */
  private readonly typists = new Map<number, Map<string, { user: PublicUser; timer: ReturnType<typeof setTimeout> }>>();
  private shownRoom: number | undefined;

  constructor(
    lifetime: Lifetime,
    private readonly element: HTMLElement,
    private readonly me: () => PublicUser | undefined,
  ) {
    lifetime.add(() => {
      for (const room of this.typists.values()) for (const { timer } of room.values()) clearTimeout(timer);
    });
  }

  received(roomId: number, user: PublicUser, typing: boolean): void {
    if (user.id === this.me()?.id) return; // this person's other tabs
    let room = this.typists.get(roomId);
    if (!room) this.typists.set(roomId, (room = new Map()));
    const previous = room.get(user.id);
    if (previous) clearTimeout(previous.timer);
    room.delete(user.id);
    if (typing) room.set(user.id, { user, timer: setTimeout(() => this.received(roomId, user, false), TYPING_SHOWN_MS) });
    if (roomId === this.shownRoom) this.render();
  }

  /** Someone's message arrived: they stopped typing it. */
  spoke(roomId: number, user: PublicUser): void {
    if (this.typists.get(roomId)?.has(user.id)) this.received(roomId, user, false);
  }

  show(roomId: number | undefined): void {
    this.shownRoom = roomId;
    this.render();
  }

  private render(): void {
    const names = [...(this.typists.get(this.shownRoom ?? -1)?.values() ?? [])].map((entry) => entry.user.name);
    let text = '';
    if (names.length === 1) text = `${names[0]} is typing…`;
    else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
    else if (names.length > 2) text = 'Several people are typing…';
    if (this.element.textContent !== text) this.element.textContent = text;
  }
}

import type { PublicUser } from '../../src/shared/events.js';
import type { Composer } from './composer.js';
import type { HistoryLoader } from './history-loader.js';
import type { ReadMarker } from './read-marker.js';
import type { ReadReceiptsView } from './read-receipts.js';
import { DEFAULT_ROOM, type RoomRegistry } from './room-registry.js';
import type { TypingLine } from './typing.js';

const ACTIVE_KEY = 'parley.active-room';

/** The elements around the log of the room on screen. */
export interface ScreenElements {
  /** Scrolls the log of the room on screen. */
  readonly scroller: HTMLElement;
  readonly title: HTMLElement;
  /** The room's topic (`/topic`), under its title. */
  readonly topic: HTMLElement;
  readonly leave: HTMLButtonElement;
  /** Says that a public room is read without being joined, with its Join button. */
  readonly preview: { readonly element: HTMLElement };
  /** Refusals that belong to no message (an edit not saved, a room not created). */
  readonly alert: HTMLElement;
  /** "Jump to latest (n new)", shown while messages wait below the reader. */
  readonly jump: HTMLButtonElement;
}

/** The parts that follow which room is on screen. */
export interface ScreenParts {
  readonly typingLine: TypingLine;
  readonly composer: Composer;
  readonly history: HistoryLoader;
  readonly readMarker: ReadMarker;
  readonly receipts: ReadReceiptsView;
}

/**
 * The room on screen: its log in the scroller, its title, its Leave button, the "jump to
 * latest" button, and the alert line; which room it is is remembered across reloads of the tab.
 */
export class RoomScreen {
  constructor(
    private readonly registry: RoomRegistry,
    private readonly elements: ScreenElements,
    private readonly parts: ScreenParts,
    private readonly me: () => PublicUser | undefined,
    private readonly changed: () => void,
  ) {
    elements.jump.addEventListener('click', () => registry.active()?.timeline.list.jumpToLatest());
  }

  /** The room this tab had on screen before a reload, if it is known. */
  static remembered(): number {
    return Number(sessionStorage.getItem(ACTIVE_KEY));
  }

  /** Opens the room of a snapshot on the next start, unless this tab remembers one of its own. */
  static rememberOnce(roomId: number | undefined): void {
    try {
      if (roomId !== undefined && sessionStorage.getItem(ACTIVE_KEY) === null) sessionStorage.setItem(ACTIVE_KEY, String(roomId));
    } catch {
      // The default room opens instead.
    }
  }

  /** Puts `roomId` on screen: its log, its typing line, its older history, its read marker. */
  open(roomId: number): void {
    const room = this.registry.get(roomId);
    if (!room) return;
    this.registry.activeId = roomId;
    try {
      sessionStorage.setItem(ACTIVE_KEY, String(roomId));
    } catch {
      // Not remembered across reloads; nothing else depends on it.
    }
    const { scroller, title, leave } = this.elements;
    const shown = scroller.querySelector('ol');
    if (shown !== room.timeline.list.list) {
      shown?.removeAttribute('id');
      shown?.remove();
      room.timeline.list.list.id = 'messages';
      scroller.append(room.timeline.list.list);
      scroller.scrollTop = scroller.scrollHeight;
      room.timeline.list.jumpToLatest();
    }
    this.showJump(0);
    title.textContent = room.summary.kind === 'public' ? `# ${room.label(this.me())}` : room.label(this.me());
    // The style sheet says "private conversation" beside a direct room's name.
    title.dataset.kind = room.summary.kind;
    this.showTopic();
    // A public room this tab does not follow (a search hit) is read, not joined: no Leave, no
    // message box, until the person chooses Join.
    const previewing = room.progress === undefined && room.summary.kind === 'public';
    this.elements.preview.element.hidden = !previewing;
    leave.hidden = previewing || room.summary.kind !== 'public' || room.summary.name === DEFAULT_ROOM;
    this.parts.composer.readOnly(previewing ? `Join # ${room.summary.name} to write here` : undefined);
    this.alert('');
    room.timeline.markFirstUnread(room.summary.readOffset);
    this.parts.typingLine.show(roomId);
    this.parts.composer.roomChanged();
    this.parts.history.opened();
    this.parts.readMarker.schedule();
    void this.parts.receipts.opened(roomId);
    this.changed();
  }

  /** Shows the topic of the room on screen, if it has one. */
  showTopic(): void {
    const topic = this.registry.active()?.summary.topic ?? '';
    this.elements.topic.textContent = topic;
    this.elements.topic.hidden = topic === '';
  }

  /** Shows or hides "Jump to latest (n new)". */
  showJump(count: number): void {
    const { jump } = this.elements;
    jump.hidden = count === 0;
    const text = `Jump to latest (${count} new)`;
    if (jump.textContent !== text) jump.textContent = text;
  }

  /** Says a refusal that belongs to no message on screen ('' clears it). */
  alert(text: string): void {
    this.elements.alert.textContent = text;
  }

  /**
   * Scrolls to message `offset` of the room on screen (loaded already) and marks it as the
   * one found, after the frame in which the log keeps its newest message in view (it did
   * while pages were added above); `reveal` then stops that following.
   */
  async reveal(roomId: number, offset: number): Promise<void> {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const list = this.registry.get(roomId)?.timeline.list;
    const item = list?.at(offset);
    if (!list || !item) return;
    list.reveal(item);
    for (const marked of Array.from(this.elements.scroller.querySelectorAll<HTMLElement>('[data-found]'))) delete marked.dataset.found;
    item.dataset.found = 'true';
  }
}

import type { ComposerElements } from './composer.js';
import type { ReceiptElements } from './read-receipts.js';
import type { DirectoryElements } from './room-directory-view.js';
import type { ThreadElements } from './thread-panel.js';
import type { PinnedElements } from './pinned-view.js';

/** The page's elements that the room protocol drives. */
export interface RoomsElements {
  /** Scrolls the log of the room on screen. */
  readonly scroller: HTMLElement;
  readonly title: HTMLElement;
  readonly leave: HTMLButtonElement;
  /** "Reading without joining. Join room", over a public room opened from a search hit. */
  readonly preview: { readonly element: HTMLElement; readonly join: HTMLButtonElement };
  /** Says when older history loads, or that there is none. */
  readonly historyState: HTMLElement;
  readonly typing: HTMLElement;
  /** Refusals that belong to no message (an edit not saved, a room not created). */
  readonly alert: HTMLElement;
  /** The person's own rooms. */
  readonly rooms: { readonly joined: HTMLUListElement; readonly direct: HTMLUListElement };
  /** Browsing the other public rooms. */
  readonly directory: DirectoryElements;
  readonly online: HTMLUListElement;
  readonly createRoom: HTMLFormElement;
  readonly composer: ComposerElements;
  /** "Jump to latest (n new)", shown while messages wait below the reader. */
  readonly jump: HTMLButtonElement;
  /** The names `@` completes, under the message box. */
  readonly mentionChoices: HTMLUListElement;
  /** The slash commands `/` completes, under the message box. */
  readonly commandChoices: HTMLUListElement;
  /** The topic of the room on screen, under its title. */
  readonly topic: HTMLElement;
  /** "Notify me of mentions and direct messages", while the browser has not asked the person yet. */
  readonly enableNotifications: HTMLButtonElement;
  /** "Send read receipts". */
  readonly receipts: ReceiptElements;
  /** "Message deleted. Undo", for a few seconds after a deletion. */
  readonly undoDelete: { readonly element: HTMLElement; readonly undo: HTMLButtonElement };
  /** The thread beside the room, and "Threads" in the sidebar. */
  readonly threads: ThreadElements;
  /** "Pinned" in the room's header, and the list it opens. */
  readonly pinned: PinnedElements;
}

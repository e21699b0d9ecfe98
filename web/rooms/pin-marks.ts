import type { PublicUser, RoomEvent } from '../../src/shared/events.js';

interface PinState {
  /** The offset of the latest pin/unpin of the message: the latest wins. */
  readonly offset: number;
  readonly on: boolean;
  readonly by: PublicUser;
}

/**
 * Which messages of one room are pinned, derived from its `pin` / `unpin` events: for each
 * message the event with the highest offset decides, so events applied in any order (live,
 * replayed, or loaded page by page) converge. A deleted message shows no pin (the server
 * lists it no longer either).
 */
export class PinMarks {
  private readonly pins = new Map<number, PinState>();

  /** Applies one `pin` or `unpin` event; true when it changed what is shown. */
  apply(event: RoomEvent): boolean {
    if (event.target === undefined || (event.kind !== 'pin' && event.kind !== 'unpin')) return false;
    const previous = this.pins.get(event.target);
    if (previous && previous.offset >= event.offset) return false;
    this.pins.set(event.target, { offset: event.offset, on: event.kind === 'pin', by: event.author });
    return true;
  }

  /** Who pinned message `target`, when it is pinned. */
  pinnedBy(target: number): PublicUser | undefined {
    const state = this.pins.get(target);
    return state?.on ? state.by : undefined;
  }
}

/** The link to message `offset` of `roomId` that "Copy link" gives: `<origin>/#room=<id>&message=<offset>`. */
export const messageLink = (roomId: number, offset: number): string => `${location.origin}/#room=${roomId}&message=${offset}`;

/** Reads a message link's fragment (`#room=<id>&message=<offset>`); undefined for any other. */
export function parseMessageLink(hash: string): { roomId: number; offset: number } | undefined {
  const match = /^#room=(\d{1,10})&message=(\d{1,15})$/.exec(hash);
  if (!match) return undefined;
  const [roomId, offset] = [Number(match[1]), Number(match[2])];
  return roomId >= 1 && offset >= 1 ? { roomId, offset } : undefined;
}

/** The small pin mark beside a pinned message's author: says who pinned it. */
export function pinMark(by: PublicUser): HTMLElement {
  const mark = document.createElement('span');
  mark.className = 'pin-mark';
  mark.textContent = '📌';
  mark.title = `Pinned by ${by.name}`;
  mark.setAttribute('aria-label', `Pinned by ${by.name}`);
  return mark;
}

/**
 * "⋯" (More actions) in a message's toolbar, opening `actions` in line: the toolbar floats
 * over the message's text, so it stays as narrow as it was before pins and links.
 */
export function moreActions(...actions: HTMLElement[]): HTMLDetailsElement {
  const details = document.createElement('details');
  details.className = 'more-actions';
  const summary = document.createElement('summary');
  summary.textContent = '⋯';
  summary.setAttribute('aria-label', 'More actions');
  // A pin redraws the message, closing it; "Link copied" stays in view.
  details.append(summary, ...actions);
  return details;
}

/** "Pin" or "Unpin", for a message's toolbar. */
export function pinButton(pinned: boolean, toggle: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'pin-button';
  button.textContent = pinned ? 'Unpin' : 'Pin';
  button.setAttribute('aria-label', pinned ? 'Unpin this message' : 'Pin this message to the room');
  button.addEventListener('click', toggle);
  return button;
}

/** How long "Copy link" says "Link copied". */
const COPIED_SHOWN_MS = 2000;

/**
 * "Copy link", for a message's toolbar: a real link to the message (so the browser's own
 * "copy link address" works too); a click copies it and says so instead of following it.
 */
export function linkButton(href: string, copied: (ok: boolean) => void): HTMLAnchorElement {
  const link = document.createElement('a');
  link.className = 'copy-link';
  link.href = href;
  link.textContent = 'Copy link';
  link.setAttribute('aria-label', 'Copy a link to this message');
  link.addEventListener('click', (event) => {
    event.preventDefault();
    // Absent outside secure contexts (plain http on another host than localhost).
    if (!('clipboard' in navigator)) {
      copied(false);
      return;
    }
    navigator.clipboard.writeText(href).then(
      () => {
        link.textContent = 'Link copied';
        setTimeout(() => (link.textContent = 'Copy link'), COPIED_SHOWN_MS);
        copied(true);
      },
      () => copied(false),
    );
  });
  return link;
}

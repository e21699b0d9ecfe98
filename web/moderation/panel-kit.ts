import type { RoomSummary } from '../../src/shared/events.js';
import type { ChatSocket, Outcome } from '../shared/rpc.js';

/** What a section of the admin panel needs of it: the socket, the room on screen, and how the panel reports an outcome. */
export interface SectionContext {
  readonly socket: ChatSocket;
  readonly activeRoom: RoomSummary | undefined;
  /** Reports an action's outcome the panel's way (on success the panel is built again). */
  readonly report: (what: string, answer: Outcome<unknown>) => Promise<void>;
}

/** Builds an element with text (never markup) and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text) element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/** A time in the reader's own zone and words; nothing for no time. */
export const when = (at: number | null): string => (at === null ? '' : new Date(at).toLocaleString());

/** A section: its heading (with `id`, which labels it) and what follows. */
export function section(id: string, heading: string): HTMLElement {
  const element = el('section', '', { 'aria-labelledby': id });
  element.append(el('h3', heading, { id }));
  return element;
}

/** A button that runs a call of the server and reports its outcome under `accessible`, its name for screen readers. */
export function actionButton(label: string, accessible: string, run: () => Promise<Outcome<unknown>>, report: SectionContext['report']): HTMLButtonElement {
  const button = el('button', label, { type: 'button', 'aria-label': accessible });
  button.addEventListener('click', () => void run().then((answer) => report(accessible, answer)));
  return button;
}

/** A labelled list of `items`, each drawn by `item`, or one line saying there are none. */
export function listOf<T>(id: string, label: string, items: readonly T[], item: (value: T) => HTMLLIElement, none: string): HTMLUListElement {
  const list = el('ul', '', { id, 'aria-label': label });
  for (const value of items) list.append(item(value));
  if (items.length === 0) list.append(el('li', none));
  return list;
}

/** A form that runs `submit` instead of navigating. */
export function form(label: string, fields: readonly (HTMLElement | string)[], submitLabel: string, submit: () => void): HTMLFormElement {
  const element = el('form', '', { 'aria-label': label });
  element.append(...fields, el('button', submitLabel, { type: 'submit' }));
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  return element;
}

/** Fills a room-id field with the public room on screen, the one an admin most likely means. */
export function presetRoom(field: HTMLInputElement, activeRoom: RoomSummary | undefined): HTMLInputElement {
  if (activeRoom?.kind === 'public') field.value = String(activeRoom.id);
  return field;
}

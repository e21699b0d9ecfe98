import type { RoomSummary } from '../../src/shared/events.js';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text) element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/**
 * The admin panel's exports (admins only, checked again by the server, which audits each):
 * the room on screen as NDJSON (`GET /export/rooms/<id>`) and the whole deployment
 * (`GET /export/all`). Plain download links: the browser's session cookie proves who asks,
 * and the file streams to disk however large it is.
 */
export function exportSection(activeRoom: RoomSummary | undefined): HTMLElement {
  const section = el('section', '', { 'aria-labelledby': 'admin-exports' });
  section.append(el('h3', 'Exports', { id: 'admin-exports' }));
  const links = el('p', '', { class: 'admin-actions' });
  if (activeRoom) {
    links.append(el('a', `Export ${activeRoom.kind === 'direct' ? 'this conversation' : activeRoom.name}`, { id: 'admin-export-room', href: `/export/rooms/${activeRoom.id}`, download: '' }), ' ');
  }
  links.append(el('a', 'Export everything', { id: 'admin-export-all', href: '/export/all', download: '' }));
  section.append(links, el('p', 'Each export is recorded in the audit log.', { class: 'hint' }));
  return section;
}

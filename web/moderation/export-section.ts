import type { RoomSummary } from '../../src/shared/events.js';
import { el, section } from './panel-kit.js';

/**
 * The admin panel's exports (admins only, checked again by the server, which audits each):
 * the room on screen as NDJSON (`GET /export/rooms/<id>`) and the whole deployment
 * (`GET /export/all`). Plain download links: the browser's session cookie proves who asks,
 * and the file streams to disk however large it is.
 */
export function exportSection(activeRoom: RoomSummary | undefined): HTMLElement {
  const element = section('admin-exports', 'Exports');
  const links = el('p', '', { class: 'admin-actions' });
  if (activeRoom) {
    links.append(el('a', `Export ${activeRoom.kind === 'direct' ? 'this conversation' : activeRoom.name}`, { id: 'admin-export-room', href: `/export/rooms/${activeRoom.id}`, download: '' }), ' ');
  }
  links.append(el('a', 'Export everything', { id: 'admin-export-all', href: '/export/all', download: '' }));
  element.append(links, el('p', 'Each export is recorded in the audit log.', { class: 'hint' }));
  return element;
}

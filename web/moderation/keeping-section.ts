import type { RoomSummary } from '../../src/shared/events.js';
import { request, type ChatSocket, type Outcome } from '../shared/rpc.js';
import { showSecretOnce } from './secret-shown.js';

/** What the section needs of the panel: the socket, the room on screen, and how the panel reports an outcome. */
export interface KeepingContext {
  readonly socket: ChatSocket;
  readonly activeRoom: RoomSummary | undefined;
  /** Reports an action's outcome the panel's way (on success the panel is built again). */
  readonly report: (what: string, answer: Outcome<unknown>) => Promise<void>;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text) element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/**
 * Asks for a one-time reset link for the account `username` and shows it once, with a Copy
 * button (the server keeps only its hash: this is the only time anyone sees it).
 */
export async function issueResetLink(context: Pick<KeepingContext, 'socket' | 'report'>, username: string): Promise<void> {
  const answer = await request(context.socket, 'mod:password-reset', { username });
  await context.report('Reset link', answer);
  if (answer.ok) showSecretOnce(`Reset link for ${username}, until ${new Date(answer.data.expiresAt).toLocaleString()}`, `${location.origin}${answer.data.path}`);
}

/**
 * The admin panel's password resets and room retention (admins only, checked again by the
 * server): a reset link for an account, shown once, and the retention of the room on screen.
 */
export function keepingSection(context: KeepingContext): HTMLElement {
  const section = el('section', '', { 'aria-labelledby': 'admin-keeping' });
  section.append(el('h3', 'Password resets and retention', { id: 'admin-keeping' }));

  const username = el('input', '', { 'aria-label': 'Account to reset', placeholder: 'username', id: 'admin-reset-username' });
  const issue = el('button', 'Issue reset link', { type: 'button', id: 'admin-reset-issue' });
  issue.addEventListener('click', () => void issueResetLink(context, username.value.trim()));
  section.append(el('p', '', {}), username, issue);

  const room = context.activeRoom;
  if (room) {
    const days = el('input', '', { 'aria-label': `Retention of ${room.name} in days`, type: 'number', min: '1', placeholder: 'days (empty: the deployment’s)' });
    const set = el('button', 'Set retention', { type: 'button' });
    set.addEventListener('click', () => {
      const value = days.value.trim();
      void request(context.socket, 'mod:retention', { roomId: room.id, days: value === '' ? null : Number(value) }).then((answer) => context.report('Retention', answer));
    });
    section.append(el('p', `Delete messages of ${room.name} older than:`), days, set);
  }
  return section;
}

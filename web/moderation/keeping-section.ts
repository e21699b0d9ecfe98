import { request } from '../shared/rpc.js';
import { el, section, type SectionContext } from './panel-kit.js';
import { showSecretOnce } from './secret-shown.js';

/**
 * Asks for a one-time reset link for the account `username` and shows it once, with a Copy
 * button (the server keeps only its hash: this is the only time anyone sees it).
 */
export async function issueResetLink(context: Pick<SectionContext, 'socket' | 'report'>, username: string): Promise<void> {
  const answer = await request(context.socket, 'mod:password-reset', { username });
  await context.report('Reset link', answer);
  if (answer.ok) showSecretOnce(`Reset link for ${username}, until ${new Date(answer.data.expiresAt).toLocaleString()}`, `${location.origin}${answer.data.path}`);
}

/**
 * The admin panel's password resets and room retention (admins only, checked again by the
 * server): a reset link for an account, shown once, and the retention of the room on screen.
 */
export function keepingSection(context: SectionContext): HTMLElement {
  const element = section('admin-keeping', 'Password resets and retention');

  const username = el('input', '', { 'aria-label': 'Account to reset', placeholder: 'username', id: 'admin-reset-username' });
  const issue = el('button', 'Issue reset link', { type: 'button', id: 'admin-reset-issue' });
  issue.addEventListener('click', () => void issueResetLink(context, username.value.trim()));
  element.append(el('p', '', {}), username, issue);

  const room = context.activeRoom;
  if (room) {
    const days = el('input', '', { 'aria-label': `Retention of ${room.name} in days`, type: 'number', min: '1', placeholder: 'days (empty: the deployment’s)' });
    const set = el('button', 'Set retention', { type: 'button' });
    set.addEventListener('click', () => {
      const value = days.value.trim();
      void request(context.socket, 'mod:retention', { roomId: room.id, days: value === '' ? null : Number(value) }).then((answer) => context.report('Retention', answer));
    });
    element.append(el('p', `Delete messages of ${room.name} older than:`), days, set);
  }
  return element;
}

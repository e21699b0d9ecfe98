import type { PublicUser, RoleName, RoomSummary } from '../../src/shared/events.js';
import { readableTimes } from '../shared/readable-times.js';
import { request, type ChatSocket, type Outcome } from '../shared/rpc.js';
import { commandsSection } from './commands-section.js';
import { integrationsSection } from './integrations-section.js';
import { exportSection } from './export-section.js';
import { issueResetLink, keepingSection } from './keeping-section.js';
import { outgoingSection } from './outgoing-section.js';
import { el } from './panel-kit.js';

/** The roles an admin may give, as the role form offers them. */
const ROLES: readonly RoleName[] = ['member', 'moderator', 'admin'];

/** What the panel needs of the page: the room on screen and who is online. */
export interface AdminContext {
  activeRoom(): RoomSummary | undefined;
  onlineUsers(): PublicUser[];
  me(): PublicUser | undefined;
}

export interface AdminElements {
  readonly button: HTMLButtonElement;
  readonly dialog: HTMLDialogElement;
  readonly body: HTMLElement;
}

function button(label: string, run: () => void, attributes: Record<string, string> = {}): HTMLButtonElement {
  const element = el('button', label, { type: 'button', ...attributes });
  element.addEventListener('click', run);
  return element;
}

const time = (at: number): string => new Date(at).toLocaleString();

/**
 * The moderation panel, for moderators and admins only (the server checks every action
 * again): act on someone online (kick, mute or move in the room on screen, ban), lift bans
 * and mutes, post an announcement, give roles, read the audit log and the deployment's
 * figures. Members never see its button.
 */
export class AdminPanel {
  /** This user's role, as the server last said. */
  role: RoleName = 'member';

  constructor(
    private readonly socket: ChatSocket,
    private readonly elements: AdminElements,
    private readonly context: AdminContext,
  ) {
    elements.button.addEventListener('click', () => void this.open());
  }

  /** Asks the server for this user's role (after connecting, and whenever the identity changes). */
  async refresh(): Promise<void> {
    const answer = await request(this.socket, 'mod:me', {});
    if (!answer.ok) return;
    this.role = answer.data.role;
    document.body.dataset.role = this.role;
    this.elements.button.hidden = this.role === 'member';
    if (this.role === 'member' && this.elements.dialog.open) this.elements.dialog.close();
  }

  get canModerate(): boolean {
    return this.role !== 'member';
  }

  /** Opens the panel, built afresh with what is true now; the person chosen stays chosen. */
  async open(): Promise<void> {
    const { body, dialog } = this.elements;
    const chosen = body.querySelector<HTMLSelectElement>('#admin-user')?.value;
    body.replaceChildren();
    const result = el('p', '', { role: 'status', id: 'admin-result' });
    body.append(result, this.people(result));
    if (this.role === 'admin') body.append(this.announcement(result), this.roles(result));
    body.append(await this.restrictions(result));
    if (this.role === 'admin') {
      const report = (what: string, answer: Outcome<unknown>): Promise<void> => this.report(result, what, answer);
      body.append(await integrationsSection({ socket: this.socket, activeRoom: this.context.activeRoom(), report }));
      body.append(await commandsSection({ socket: this.socket, activeRoom: this.context.activeRoom(), report }));
      body.append(await outgoingSection({ socket: this.socket, activeRoom: this.context.activeRoom(), report }));
      body.append(keepingSection({ socket: this.socket, activeRoom: this.context.activeRoom(), report }));
      body.append(exportSection(this.context.activeRoom()));
      body.append(await this.audit(), await this.deployment());
    }
    // Rebuilt after each action: the picker would jump back to the first person otherwise.
    const picker = body.querySelector<HTMLSelectElement>('#admin-user');
    if (picker && chosen !== undefined && Array.from(picker.options).some((option) => option.value === chosen)) picker.value = chosen;
    if (!dialog.open) dialog.showModal();
  }

  /** Shows an action's outcome; on success, the panel is built again (lists change). */
  private async report(result: HTMLElement, what: string, answer: Outcome<unknown>): Promise<void> {
    if (answer.ok) {
      await this.open();
      const shown = this.elements.body.querySelector('#admin-result');
      if (shown) shown.textContent = `${what}: done.`;
    } else {
      result.textContent = `${what}: ${readableTimes(answer.message)}`;
      result.dataset.error = 'true';
    }
  }

  private people(result: HTMLElement): HTMLElement {
    const section = el('section', '', { 'aria-labelledby': 'admin-people' });
    section.append(el('h3', 'Someone online', { id: 'admin-people' }));
    const who = el('select', '', { id: 'admin-user', 'aria-label': 'Person' });
    for (const user of this.context.onlineUsers().filter((user) => user.id !== this.context.me()?.id)) {
      who.append(el('option', `${user.name} (${user.kind})`, { value: user.id }));
    }
    const reason = el('input', '', { id: 'admin-reason', placeholder: 'Reason (optional)', maxlength: '500', 'aria-label': 'Reason' });
    const minutes = el('input', '', { id: 'admin-minutes', type: 'number', min: '1', placeholder: 'Minutes (empty: until lifted)', 'aria-label': 'Minutes' });
    const room = this.context.activeRoom();
    const here = room?.kind === 'public' ? room : undefined;
    const common = () => ({ userId: who.value, reason: reason.value.trim() });
    const duration = () => (minutes.value ? { minutes: Number(minutes.value) } : {});
    const act = (label: string, run: () => Promise<Outcome<unknown>>) => button(label, () => void run().then((answer) => this.report(result, label, answer)));
    const actions = el('div', '', { class: 'admin-actions' });
    actions.append(act('Kick', () => request(this.socket, 'mod:kick', common())));
    if (here) {
      actions.append(
        act(`Mute in ${here.name}`, () => request(this.socket, 'mod:mute', { ...common(), roomId: here.id, ...duration() })),
        act(`Unmute in ${here.name}`, () => request(this.socket, 'mod:unmute', { userId: who.value, roomId: here.id })),
        act(`Move into ${here.name}`, () => request(this.socket, 'mod:move', { userId: who.value, roomId: here.id, to: 'in' })),
        act(`Move out of ${here.name}`, () => request(this.socket, 'mod:move', { userId: who.value, roomId: here.id, to: 'out' })),
      );
    }
    if (this.role === 'admin') actions.append(act('Ban', () => request(this.socket, 'mod:ban', { ...common(), ...duration() })));
    if (this.role === 'admin') {
      const report = (what: string, answer: Outcome<unknown>): Promise<void> => this.report(result, what, answer);
      actions.append(
        button('Issue reset link', () => {
          const person = this.context.onlineUsers().find((user) => user.id === who.value);
          if (person?.kind !== 'account') {
            result.textContent = 'Issue reset link: only an account has a password.';
            result.dataset.error = 'true';
            return;
          }
          void issueResetLink({ socket: this.socket, report }, person.name);
        }),
      );
    }
    if (who.options.length === 0) section.append(el('p', 'Nobody else is online.'));
    else section.append(who, reason, minutes, actions);
    return section;
  }

  private announcement(result: HTMLElement): HTMLElement {
    const form = el('form', '', { 'aria-labelledby': 'admin-announce' });
    form.append(el('h3', 'Announcement to every room', { id: 'admin-announce' }));
    const text = el('textarea', '', { id: 'admin-announcement', required: '', maxlength: '3900', 'aria-label': 'Announcement' });
    form.append(text, el('button', 'Announce', { type: 'submit' }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void request(this.socket, 'mod:announce', { text: text.value.trim() }).then((answer) => this.report(result, 'Announcement', answer));
    });
    return form;
  }

  private roles(result: HTMLElement): HTMLElement {
    const form = el('form', '', { 'aria-labelledby': 'admin-roles' });
    form.append(el('h3', 'Roles', { id: 'admin-roles' }));
    const username = el('input', '', { id: 'admin-role-user', required: '', placeholder: 'Account name', 'aria-label': 'Account name' });
    const role = el('select', '', { id: 'admin-role', 'aria-label': 'Role' });
    for (const name of ROLES) role.append(el('option', name, { value: name }));
    form.append(username, role, el('button', 'Set role', { type: 'submit' }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void request(this.socket, 'mod:role', { username: username.value.trim(), role: role.value as RoleName /* one of ROLES, the select's options */ }).then((answer) => this.report(result, 'Role', answer));
    });
    return form;
  }

  private async restrictions(result: HTMLElement): Promise<HTMLElement> {
    const section = el('section', '', { 'aria-labelledby': 'admin-restrictions' });
    section.append(el('h3', 'Bans and mutes in force', { id: 'admin-restrictions' }));
    const answer = await request(this.socket, 'mod:restrictions', {});
    if (!answer.ok) return section;
    const list = el('ul', '', { id: 'admin-restriction-list' });
    for (const r of answer.data) {
      const where = r.roomName ?? `room ${r.roomId ?? '?'}`;
      const who = r.userName ?? r.userId;
      const by = r.byName === undefined ? '' : `, by ${r.byName}`;
      const item = el('li', `${r.kind === 'ban' ? 'Banned' : `Muted in ${where}`}: ${who}${r.reason ? ` (${r.reason})` : ''}${by}${r.expiresAt ? `, until ${time(r.expiresAt)}` : ''} `, { title: r.userId });
      if (r.kind === 'ban' && this.role === 'admin') {
        item.append(button('Unban', () => void request(this.socket, 'mod:unban', { userId: r.userId }).then((a) => this.report(result, 'Unban', a))));
      } else if (r.kind === 'mute' && r.roomId !== null) {
        const roomId = r.roomId;
        item.append(button('Unmute', () => void request(this.socket, 'mod:unmute', { userId: r.userId, roomId }).then((a) => this.report(result, 'Unmute', a))));
      }
      list.append(item);
    }
    if (answer.data.length === 0) list.append(el('li', 'None.'));
    section.append(list);
    return section;
  }

  private async audit(): Promise<HTMLElement> {
    const section = el('section', '', { 'aria-labelledby': 'admin-audit' });
    section.append(el('h3', 'Audit log', { id: 'admin-audit' }));
    const answer = await request(this.socket, 'mod:audit', { limit: 50 });
    if (!answer.ok) return section;
    const list = el('ol', '', { id: 'admin-audit-list' });
    for (const entry of answer.data) {
      const where = entry.roomName === null ? '' : ` in ${entry.roomName}`;
      const whom = entry.targetName ?? entry.target;
      list.append(el('li', `${time(entry.at)} — ${entry.actorName}: ${entry.action}${whom ? ` ${whom}` : ''}${where}${entry.detail ? ` — ${readableTimes(entry.detail)}` : ''}`));
    }
    section.append(list);
    return section;
  }

  private async deployment(): Promise<HTMLElement> {
    const section = el('section', '', { 'aria-labelledby': 'admin-deployment' });
    section.append(el('h3', 'The deployment', { id: 'admin-deployment' }));
    const answer = await request(this.socket, 'mod:stats', {});
    if (!answer.ok) return section;
    const table = el('table', '', { id: 'admin-servers' });
    const head = el('tr');
    for (const title of ['Node', 'Worker', 'Clients', 'Sockets', 'Rooms', 'Msgs/s', 'Loop p99 ms', 'RSS MB']) head.append(el('th', title, { scope: 'col' }));
    table.append(head);
    for (const s of answer.data.servers) {
      const row = el('tr');
      for (const cell of [s.node, s.worker, s.clients, s.sockets, s.rooms, s.messagesPerSecond, s.eventLoopDelayMs.p99, Math.round(s.memory.rssBytes / 2 ** 20)]) row.append(el('td', String(cell)));
      table.append(row);
    }
    // The table scrolls within its own box on a narrow screen rather than being cut off.
    const scroller = el('div', '', { class: 'admin-table' });
    scroller.append(table);
    section.append(scroller);
    for (const missing of answer.data.missing) section.append(el('p', `Missing: node ${missing.node}${missing.worker === null ? '' : `, worker ${missing.worker}`}`, { class: 'missing' }));
    return section;
  }
}

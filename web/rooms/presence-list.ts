import type { PublicUser } from '../../src/shared/events.js';

/**
 * Who is online, overall: one entry per person (however many tabs they have), each with a
 * button that opens a direct conversation with them.
 */
export class PresenceList {
  private readonly online = new Map<string, PublicUser>();

  constructor(
    private readonly element: HTMLUListElement,
    private readonly me: () => PublicUser | undefined,
    private readonly openDirect: (user: PublicUser) => void,
  ) {}

  /** The whole list, from `presence:list`. */
  reset(users: readonly PublicUser[]): void {
    this.online.clear();
    for (const user of users) this.online.set(user.id, user);
    this.render();
  }

  update(user: PublicUser, online: boolean): void {
    if (online) this.online.set(user.id, user);
    else this.online.delete(user.id);
    this.render();
  }

  /** Someone signed in or out: one person, whose entry now shows who they are. */
  replaced(was: PublicUser, user: PublicUser): void {
    this.online.delete(was.id);
    this.online.set(user.id, user);
    this.render();
  }

  /** Someone online took another name: their entry shows it (nobody new appears). */
  renamed(user: PublicUser): void {
    if (!this.online.has(user.id)) return;
    this.online.set(user.id, user);
    this.render();
  }

  /** Everyone online now, by name. */
  users(): PublicUser[] {
    return [...this.online.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Who is online now, by id. */
  get(userId: string): PublicUser | undefined {
    return this.online.get(userId);
  }

  render(): void {
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.userId : undefined;
    // This person's own entry shows their name as they just chose it.
    const me = this.me();
    const online = new Map(this.online);
    if (me && online.has(me.id)) online.set(me.id, me);
    const items = [...online.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((user) => {
        const item = document.createElement('li');
        item.dataset.userId = user.id;
        const name = document.createElement('span');
        name.className = 'name';
        name.textContent = user.name;
        item.append(name);
        if (user.kind === 'bot') {
          const badge = document.createElement('span');
          badge.className = 'bot-badge';
          badge.textContent = 'bot';
          item.append(badge);
        } else if (user.id === this.me()?.id) {
          const you = document.createElement('span');
          you.className = 'you';
          you.textContent = '(you)';
          item.append(you);
        } else {
          const button = document.createElement('button');
          button.type = 'button';
          button.textContent = 'Message';
          button.dataset.userId = user.id;
          button.setAttribute('aria-label', `Send a direct message to ${user.name}`);
          button.addEventListener('click', () => this.openDirect(user));
          item.append(button);
        }
        return item;
      });
    this.element.replaceChildren(...items);
    if (focused) this.element.querySelector<HTMLElement>(`button[data-user-id="${CSS.escape(focused)}"]`)?.focus();
  }
}

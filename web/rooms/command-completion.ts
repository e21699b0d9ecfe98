import type { CommandHelp } from '../../src/shared/commands.js';
import type { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';

/** A command name being typed at the start of the box: `/` and its first letters, nothing after. */
const TYPED_COMMAND = /^\/([a-z0-9_-]{0,32})$/i;
/** The list of commands is asked again after this long (admins register new ones). */
const KEEP_LIST_MS = 60_000;

/**
 * Offers the slash commands (`command:list`: the built-in ones, then those an admin
 * registered) while a command's name is typed at the start of the message box, each with its
 * usage: arrow keys or the pointer to choose, Enter or Tab to take one, Escape to close, the
 * way `@name` is completed (./mention-completion.ts). Taking one puts `/name ` in the box.
 */
export class CommandCompletion {
  private commands: CommandHelp[] = [];
  private fetchedAt = 0;
  private choices: CommandHelp[] = [];
  private selected = 0;
  /** Answers to older keystrokes are dropped: only the latest question is shown. */
  private asked = 0;
  /** The list the box named as its own before this one opened (the `@name` list's): named again on close. */
  private controlled: string | null = null;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly input: HTMLTextAreaElement,
    private readonly list: HTMLUListElement,
  ) {
    lifetime.listen(input, 'input', () => void this.typed());
    lifetime.listen(input, 'blur', () => this.close());
    // Before the composer sees the key: Enter takes a command rather than sending.
    lifetime.listen(input, 'keydown', (event) => this.key(event));
    // Chosen on mousedown, before the box loses focus (and closes the list).
    lifetime.listen(list, 'mousedown', (event) => {
      const option = event.target instanceof Element ? event.target.closest<HTMLElement>('[role="option"]') : null;
      if (!option) return;
      event.preventDefault();
      this.take(Number(option.dataset.index));
    });
  }

  /** Whether the list is showing. */
  get open(): boolean {
    return !this.list.hidden;
  }

  private async typed(): Promise<void> {
    const match = TYPED_COMMAND.exec(this.input.value);
    if (!match) return this.close();
    const asked = ++this.asked;
    const commands = await this.known();
    if (asked !== this.asked || document.activeElement !== this.input) return;
    const prefix = (match[1] ?? '').toLowerCase();
    this.choices = commands.filter((command) => command.name.startsWith(prefix)).slice(0, 12);
    if (this.choices.length === 0) return this.close();
    this.selected = 0;
    this.render();
  }

  /** The commands, asked once a minute at most. */
  private async known(): Promise<CommandHelp[]> {
    if (Date.now() - this.fetchedAt < KEEP_LIST_MS) return this.commands;
    const answer = await request(this.socket, 'command:list', {});
    if (answer.ok) {
      this.commands = answer.data;
      this.fetchedAt = Date.now();
    }
    return this.commands;
  }

  private key(event: KeyboardEvent): void {
    if (!this.open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.selected = (this.selected + step + this.choices.length) % this.choices.length;
      this.render();
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      event.stopImmediatePropagation();
      this.take(this.selected);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopImmediatePropagation();
      this.close();
    }
  }

  /** Puts `/name ` in the box, caret after it, ready for the arguments. */
  private take(index: number): void {
    const choice = this.choices[index];
    if (!choice) return;
    this.input.value = `/${choice.name} `;
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    this.close();
    this.input.focus();
  }

  private render(): void {
    const options = this.choices.map((command, index) => {
      const option = document.createElement('li');
      option.id = `command-option-${index}`;
      option.setAttribute('role', 'option');
      option.dataset.index = String(index);
      option.dataset.command = command.name;
      option.setAttribute('aria-selected', String(index === this.selected));
      const name = document.createElement('span');
      name.className = 'command-name';
      name.textContent = command.usage ? `/${command.name} ${command.usage}` : `/${command.name}`;
      const description = document.createElement('span');
      description.className = 'command-description';
      description.textContent = command.description;
      option.append(name, description);
      return option;
    });
    this.list.replaceChildren(...options);
    if (this.list.hidden) this.controlled = this.input.getAttribute('aria-controls');
    this.list.hidden = false;
    this.input.setAttribute('aria-controls', this.list.id);
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', `command-option-${this.selected}`);
  }

  private close(): void {
    this.asked++;
    if (this.list.hidden) return;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    if (this.controlled !== null) this.input.setAttribute('aria-controls', this.controlled);
  }
}

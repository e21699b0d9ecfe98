import type { PublicUser } from '../../src/shared/events.js';
import type { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';

/** The `@name` being typed just before the caret: its start (at `@`) and what follows it so far. */
const TYPED_MENTION = /(?:^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]{0,32})$/u;
/** Asked once typing pauses this long, so a fast typist costs one request, not one a key. */
const ASK_AFTER_MS = 120;

/**
 * Completes `@name` in the message box from the members of the room on screen
 * (`room:members`): a list under the caret's word, arrow keys or the pointer to choose,
 * Enter or Tab to take one, Escape to close. The box stays a plain text field: a mention
 * is `@` and the name, as text.
 */
export class MentionCompletion {
  private choices: PublicUser[] = [];
  private selected = 0;
  /** Where the typed `@…` starts in the box, while the list is open. */
  private start: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers to older keystrokes are dropped: only the latest question is shown. */
  private asked = 0;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly input: HTMLTextAreaElement,
    private readonly list: HTMLUListElement,
    private readonly roomId: () => number | undefined,
  ) {
    lifetime.add(() => clearTimeout(this.timer));
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('input', () => this.typed());
    input.addEventListener('blur', () => this.close());
    // Before the composer sees the key: Enter takes a name rather than sending.
    input.addEventListener('keydown', (event) => this.key(event));
    // Chosen on mousedown, before the box loses focus (and closes the list).
    list.addEventListener('mousedown', (event) => {
      const option = event.target instanceof Element ? event.target.closest<HTMLElement>('[role="option"]') : null;
      if (!option) return;
      event.preventDefault();
      this.take(Number(option.dataset.index));
    });
  }

  /** Whether the list is showing (the composer leaves Enter and Escape to it then). */
  get open(): boolean {
    return !this.list.hidden;
  }

  private typed(): void {
    clearTimeout(this.timer);
    const caret = this.input.selectionStart ?? this.input.value.length;
    const match = TYPED_MENTION.exec(this.input.value.slice(0, caret));
    const roomId = this.roomId();
    if (!match || roomId === undefined) {
      this.close();
      return;
    }
    const prefix = match[1] ?? '';
    const start = caret - prefix.length - 1;
    this.timer = setTimeout(() => void this.ask(roomId, prefix, start), ASK_AFTER_MS);
  }

  private async ask(roomId: number, prefix: string, start: number): Promise<void> {
    const asked = ++this.asked;
    const answer = await request(this.socket, 'room:members', { roomId, prefix, limit: 8 });
    if (asked !== this.asked || document.activeElement !== this.input) return;
    if (!answer.ok || answer.data.length === 0) {
      this.close();
      return;
    }
    this.start = start;
    this.choices = answer.data;
    this.selected = 0;
    this.render();
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

  /** Puts `@name ` in place of what was typed after `@`, caret after it. */
  private take(index: number): void {
    const choice = this.choices[index];
    const start = this.start;
    if (!choice || start === undefined) return;
    const caret = this.input.selectionStart ?? this.input.value.length;
    const value = this.input.value;
    const inserted = `@${choice.name} `;
    this.input.value = value.slice(0, start) + inserted + value.slice(caret).replace(/^ /u, '');
    const after = start + inserted.length;
    this.input.setSelectionRange(after, after);
    this.close();
    this.input.focus();
  }

  private render(): void {
    const options = this.choices.map((user, index) => {
      const option = document.createElement('li');
      option.id = `mention-option-${index}`;
      option.setAttribute('role', 'option');
      option.dataset.index = String(index);
      option.setAttribute('aria-selected', String(index === this.selected));
      option.textContent = user.name;
      if (user.kind === 'guest') option.dataset.guest = 'true';
      return option;
    });
    this.list.replaceChildren(...options);
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', `mention-option-${this.selected}`);
  }

  private close(): void {
    clearTimeout(this.timer);
    this.asked++;
    this.start = undefined;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}

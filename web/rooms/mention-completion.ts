import type { PublicUser } from '../../src/shared/events.js';
import type { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import { ChoiceList } from './choice-list.js';

/** The `@name` being typed just before the caret: its start (at `@`) and what follows it so far. */
const TYPED_MENTION = /(?:^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]{0,32})$/u;
/** Asked once typing pauses this long, so a fast typist costs one request, not one a key. */
const ASK_AFTER_MS = 120;

/**
 * Completes `@name` in the message box from the members of the room on screen
 * (`room:members`), in a list under the caret's word (./choice-list.ts: arrow keys or the
 * pointer to choose, Enter or Tab to take one, Escape to close). The box stays a plain text
 * field: a mention is `@` and the name, as text.
 */
export class MentionCompletion {
  /** Where the typed `@…` starts in the box, for the list on show. */
  private start: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers to older keystrokes are dropped: only the latest question is shown. */
  private asked = 0;
  private readonly choices: ChoiceList<PublicUser>;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly input: HTMLTextAreaElement,
    list: HTMLUListElement,
    private readonly roomId: () => number | undefined,
  ) {
    lifetime.add(() => clearTimeout(this.timer));
    // Made first: its keys come before the composer's (Enter takes a name rather than sending).
    this.choices = new ChoiceList(lifetime, input, list, { draw, take: (user) => this.take(user) });
    lifetime.listen(input, 'input', () => this.typed());
  }

  /** Whether the list is showing (the composer leaves Enter and Escape to it then). */
  get open(): boolean {
    return this.choices.open;
  }

  private typed(): void {
    clearTimeout(this.timer);
    this.asked++;
    const caret = this.input.selectionStart ?? this.input.value.length;
    const match = TYPED_MENTION.exec(this.input.value.slice(0, caret));
    const roomId = this.roomId();
    if (!match || roomId === undefined) return this.choices.close();
    const prefix = match[1] ?? '';
    const start = caret - prefix.length - 1;
    this.timer = setTimeout(() => void this.ask(roomId, prefix, start), ASK_AFTER_MS);
  }

  private async ask(roomId: number, prefix: string, start: number): Promise<void> {
    const asked = ++this.asked;
    const answer = await request(this.socket, 'room:members', { roomId, prefix, limit: 8 });
    if (asked !== this.asked || document.activeElement !== this.input) return;
    this.start = start;
    this.choices.show(answer.ok ? answer.data : []);
  }

  /** Puts `@name ` in place of what was typed after `@`, caret after it. */
  private take(user: PublicUser): void {
    const start = this.start;
    if (start === undefined) return;
    this.asked++;
    const caret = this.input.selectionStart ?? this.input.value.length;
    const value = this.input.value;
    const inserted = `@${user.name} `;
    this.input.value = value.slice(0, start) + inserted + value.slice(caret).replace(/^ /u, '');
    const after = start + inserted.length;
    this.input.setSelectionRange(after, after);
  }
}

/** One member as offered: their name (a guest marked by the style sheet). */
function draw(user: PublicUser, option: HTMLLIElement): void {
  option.textContent = user.name;
  if (user.kind === 'guest') option.dataset.guest = 'true';
}

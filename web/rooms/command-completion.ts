import type { CommandHelp } from '../../src/shared/commands.js';
import type { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import { ChoiceList } from './choice-list.js';

/** A command name being typed at the start of the box: `/` and its first letters, nothing after. */
const TYPED_COMMAND = /^\/([a-z0-9_-]{0,32})$/i;
/** The list of commands is asked again after this long (admins register new ones). */
const KEEP_LIST_MS = 60_000;

/**
 * Offers the slash commands (`command:list`: the built-in ones, then those an admin
 * registered) while a command's name is typed at the start of a message box (the room's, or
 * a thread's reply box), each with its usage, in a list (./choice-list.ts) chosen from as
 * `@name` is (./mention-completion.ts). Taking one puts `/name ` in the box.
 */
export class CommandCompletion {
  private commands: CommandHelp[] = [];
  private fetchedAt = 0;
  /** Answers to older keystrokes are dropped: only the latest question is shown. */
  private asked = 0;
  private readonly choices: ChoiceList<CommandHelp>;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly input: HTMLTextAreaElement,
    list: HTMLUListElement,
  ) {
    // Made first: its keys come before the box's own (Enter takes a command rather than sending).
    this.choices = new ChoiceList(lifetime, input, list, { draw, take: (command) => this.take(command) });
    lifetime.listen(input, 'input', () => void this.typed());
  }

  /** Whether the list is showing. */
  get open(): boolean {
    return this.choices.open;
  }

  private async typed(): Promise<void> {
    const asked = ++this.asked;
    const match = TYPED_COMMAND.exec(this.input.value);
    if (!match) return this.choices.close();
    const commands = await this.known();
    if (asked !== this.asked || document.activeElement !== this.input) return;
    const prefix = (match[1] ?? '').toLowerCase();
    this.choices.show(commands.filter((command) => command.name.startsWith(prefix)).slice(0, 12));
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

  /** Puts `/name ` in the box, caret after it, ready for the arguments. */
  private take(command: CommandHelp): void {
    this.asked++;
    this.input.value = `/${command.name} `;
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
  }
}

/** One command as offered: `/name usage`, then what it does. */
function draw(command: CommandHelp, option: HTMLLIElement): void {
  option.dataset.command = command.name;
  const name = document.createElement('span');
  name.className = 'command-name';
  name.textContent = command.usage ? `/${command.name} ${command.usage}` : `/${command.name}`;
  const description = document.createElement('span');
  description.className = 'command-description';
  description.textContent = command.description;
  option.append(name, description);
}

import type { RegisteredCommandView } from '../../src/shared/events.js';
import { request, type ChatSocket, type Outcome } from '../shared/rpc.js';

/** What the section needs of the panel: the socket, and how the panel reports an outcome. */
export interface CommandsContext {
  readonly socket: ChatSocket;
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
 * The admin panel's registered slash commands (admins only, every action checked again by
 * the server): each listed with its URL, a Delete button, and a form to register one. A new
 * command's signing secret is shown once, for its receiver to check signatures with.
 */
export async function commandsSection(context: CommandsContext): Promise<HTMLElement> {
  const section = el('section', '', { 'aria-labelledby': 'admin-commands' });
  section.append(el('h3', 'Slash commands', { id: 'admin-commands' }));
  const commands = await request(context.socket, 'mod:commands', {});
  if (commands.ok) section.append(commandList(context, commands.data));
  section.append(commandForm(context));
  return section;
}

function commandList(context: CommandsContext, commands: readonly RegisteredCommandView[]): HTMLElement {
  const list = el('ul', '', { id: 'admin-command-list', 'aria-label': 'Registered commands' });
  for (const command of commands) {
    const usage = command.usage ? ` ${command.usage}` : '';
    const item = el('li', `/${command.name}${usage} → ${command.url}${command.description ? ` (${command.description})` : ''}, made ${new Date(command.createdAt).toLocaleString()} `);
    const remove = el('button', 'Delete', { type: 'button', 'aria-label': `Delete /${command.name}` });
    remove.addEventListener('click', () => void request(context.socket, 'mod:command-delete', { id: command.id }).then((answer) => context.report(`Delete /${command.name}`, answer)));
    item.append(remove);
    list.append(item);
  }
  if (commands.length === 0) list.append(el('li', 'No registered commands.'));
  return list;
}

function commandForm(context: CommandsContext): HTMLElement {
  const form = el('form', '', { 'aria-label': 'New slash command' });
  const name = el('input', '', { id: 'admin-command-name', required: '', placeholder: 'Trigger word (weather)', maxlength: '32', 'aria-label': 'Trigger word' });
  const url = el('input', '', { id: 'admin-command-url', required: '', type: 'url', placeholder: 'https://…', maxlength: '2000', 'aria-label': 'Receiver URL' });
  const usage = el('input', '', { id: 'admin-command-usage', placeholder: 'Usage ([city])', maxlength: '100', 'aria-label': 'Usage' });
  const description = el('input', '', { id: 'admin-command-description', placeholder: 'What it does', maxlength: '200', 'aria-label': 'Description' });
  form.append(name, url, usage, description, el('button', 'Register command', { type: 'submit' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const payload = { name: name.value.trim().replace(/^\//, '').toLowerCase(), url: url.value.trim(), usage: usage.value.trim(), description: description.value.trim() };
    void request(context.socket, 'mod:command-create', payload).then(async (answer) => {
      await context.report(`New command /${payload.name}`, answer);
      if (!answer.ok) return;
      const result = document.getElementById('admin-result');
      result?.replaceChildren(el('span', `Signing secret of /${answer.data.command.name} (shown once, copy it now): `), el('code', answer.data.secret, { id: 'admin-secret' }));
    });
  });
  return form;
}

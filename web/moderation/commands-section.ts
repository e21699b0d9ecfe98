import type { RegisteredCommandView } from '../../src/shared/events.js';
import { request } from '../shared/rpc.js';
import { actionButton, el, form, listOf, section, when, type SectionContext } from './panel-kit.js';
import { showSecretOnce } from './secret-shown.js';

/**
 * The admin panel's registered slash commands (admins only, every action checked again by
 * the server): each listed with its URL, a Delete button, and a form to register one. A new
 * command's signing secret is shown once, for its receiver to check signatures with.
 */
export async function commandsSection(context: SectionContext): Promise<HTMLElement> {
  const element = section('admin-commands', 'Slash commands');
  const commands = await request(context.socket, 'mod:commands', {});
  if (commands.ok) element.append(commandList(context, commands.data));
  element.append(commandForm(context));
  return element;
}

function commandList(context: SectionContext, commands: readonly RegisteredCommandView[]): HTMLElement {
  return listOf('admin-command-list', 'Registered commands', commands, (command) => {
    const usage = command.usage ? ` ${command.usage}` : '';
    const item = el('li', `/${command.name}${usage} → ${command.url}${command.description ? ` (${command.description})` : ''}, made ${when(command.createdAt)} `);
    item.append(actionButton('Delete', `Delete /${command.name}`, () => request(context.socket, 'mod:command-delete', { id: command.id }), context.report));
    return item;
  }, 'No registered commands.');
}

function commandForm(context: SectionContext): HTMLElement {
  const name = el('input', '', { id: 'admin-command-name', required: '', placeholder: 'Trigger word (weather)', maxlength: '32', 'aria-label': 'Trigger word' });
  const url = el('input', '', { id: 'admin-command-url', required: '', type: 'url', placeholder: 'https://…', maxlength: '2000', 'aria-label': 'Receiver URL' });
  const usage = el('input', '', { id: 'admin-command-usage', placeholder: 'Usage ([city])', maxlength: '100', 'aria-label': 'Usage' });
  const description = el('input', '', { id: 'admin-command-description', placeholder: 'What it does', maxlength: '200', 'aria-label': 'Description' });
  return form('New slash command', [name, url, usage, description], 'Register command', () => {
    const payload = { name: name.value.trim().replace(/^\//, '').toLowerCase(), url: url.value.trim(), usage: usage.value.trim(), description: description.value.trim() };
    void request(context.socket, 'mod:command-create', payload).then(async (answer) => {
      await context.report(`New command /${payload.name}`, answer);
      if (answer.ok) showSecretOnce(`Signing secret of /${answer.data.command.name}`, answer.data.secret);
    });
  });
}

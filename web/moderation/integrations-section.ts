import type { BotView, RoomSummary, WebhookView } from '../../src/shared/events.js';
import { request, type ChatSocket, type Outcome } from '../shared/rpc.js';
import { showSecretOnce } from './secret-shown.js';

/** What the section needs of the panel: the socket, the room on screen, and how the panel reports an outcome. */
export interface IntegrationsContext {
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

/** Room ids as an admin types them: "3, 7 12". */
const roomIds = (text: string): number[] => text.split(/[\s,]+/).filter(Boolean).map(Number);

const when = (at: number | null): string => (at === null ? '' : new Date(at).toLocaleString());


/**
 * The admin panel's bots and incoming webhooks (admins only, every action checked again by
 * the server): each listed with its rooms and whether it was revoked, a Revoke button, and a
 * form to make one. A new bot's token and a new webhook's URL are shown once.
 */
export async function integrationsSection(context: IntegrationsContext): Promise<HTMLElement> {
  const section = el('section', '', { 'aria-labelledby': 'admin-integrations' });
  section.append(el('h3', 'Bots and webhooks', { id: 'admin-integrations' }));
  const [bots, hooks] = await Promise.all([request(context.socket, 'mod:bots', {}), request(context.socket, 'mod:webhooks', {})]);
  if (bots.ok) section.append(botList(context, bots.data));
  section.append(botForm(context));
  if (hooks.ok) section.append(webhookList(context, hooks.data));
  section.append(webhookForm(context));
  return section;
}

function revokeButton(label: string, run: () => Promise<Outcome<unknown>>, report: IntegrationsContext['report']): HTMLButtonElement {
  const revoke = el('button', 'Revoke', { type: 'button', 'aria-label': `Revoke ${label}` });
  revoke.addEventListener('click', () => void run().then((answer) => report(`Revoke ${label}`, answer)));
  return revoke;
}

function botList(context: IntegrationsContext, bots: readonly BotView[]): HTMLElement {
  const list = el('ul', '', { id: 'admin-bot-list', 'aria-label': 'Bots' });
  for (const bot of bots) {
    const state = bot.revokedAt === null ? '' : `, revoked ${when(bot.revokedAt)}`;
    const item = el('li', `${bot.name} (${bot.userId}), rooms ${bot.rooms.join(', ')}, made ${when(bot.createdAt)}${state} `);
    if (bot.revokedAt === null) item.append(revokeButton(bot.name, () => request(context.socket, 'mod:bot-revoke', { botId: bot.id }), context.report));
    list.append(item);
  }
  if (bots.length === 0) list.append(el('li', 'No bots.'));
  return list;
}

function botForm(context: IntegrationsContext): HTMLElement {
  const form = el('form', '', { 'aria-label': 'New bot' });
  const name = el('input', '', { id: 'admin-bot-name', required: '', placeholder: 'Bot name', maxlength: '32', 'aria-label': 'Bot name' });
  const rooms = el('input', '', { id: 'admin-bot-rooms', required: '', placeholder: 'Room ids (3, 7)', 'aria-label': 'Room ids' });
  if (context.activeRoom?.kind === 'public') rooms.value = String(context.activeRoom.id);
  form.append(name, rooms, el('button', 'Create bot', { type: 'submit' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void request(context.socket, 'mod:bot-create', { name: name.value.trim(), rooms: roomIds(rooms.value) }).then(async (answer) => {
      await context.report('New bot', answer);
      if (answer.ok) showSecretOnce(`Token of ${answer.data.bot.name}`, answer.data.token);
    });
  });
  return form;
}

function webhookList(context: IntegrationsContext, hooks: readonly WebhookView[]): HTMLElement {
  const list = el('ul', '', { id: 'admin-webhook-list', 'aria-label': 'Incoming webhooks' });
  for (const hook of hooks) {
    const state = hook.revokedAt === null ? '' : `, revoked ${when(hook.revokedAt)}`;
    const item = el('li', `${hook.name} (w:${hook.id}) posts in room ${hook.roomId}, made ${when(hook.createdAt)}${state} `);
    if (hook.revokedAt === null) item.append(revokeButton(hook.name, () => request(context.socket, 'mod:webhook-revoke', { webhookId: hook.id }), context.report));
    list.append(item);
  }
  if (hooks.length === 0) list.append(el('li', 'No incoming webhooks.'));
  return list;
}

function webhookForm(context: IntegrationsContext): HTMLElement {
  const form = el('form', '', { 'aria-label': 'New incoming webhook' });
  const name = el('input', '', { id: 'admin-webhook-name', required: '', placeholder: 'Shown as (e.g. ci)', maxlength: '32', 'aria-label': 'Webhook name' });
  const room = el('input', '', { id: 'admin-webhook-room', required: '', type: 'number', min: '1', placeholder: 'Room id', 'aria-label': 'Room id' });
  if (context.activeRoom?.kind === 'public') room.value = String(context.activeRoom.id);
  form.append(name, room, el('button', 'Create webhook', { type: 'submit' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void request(context.socket, 'mod:webhook-create', { roomId: Number(room.value), name: name.value.trim() }).then(async (answer) => {
      await context.report('New webhook', answer);
      if (answer.ok) showSecretOnce(`URL of ${answer.data.webhook.name}`, `${location.origin}${answer.data.path}`);
    });
  });
  return form;
}

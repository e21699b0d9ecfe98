import type { BotView, WebhookView } from '../../src/shared/events.js';
import { request } from '../shared/rpc.js';
import { actionButton, el, form, listOf, presetRoom, section, when, type SectionContext } from './panel-kit.js';
import { showSecretOnce } from './secret-shown.js';

/** Room ids as an admin types them: "3, 7 12". */
const roomIds = (text: string): number[] => text.split(/[\s,]+/).filter(Boolean).map(Number);

/**
 * The admin panel's bots and incoming webhooks (admins only, every action checked again by
 * the server): each listed with its rooms and whether it was revoked, a Revoke button, and a
 * form to make one. A new bot's token and a new webhook's URL are shown once.
 */
export async function integrationsSection(context: SectionContext): Promise<HTMLElement> {
  const element = section('admin-integrations', 'Bots and webhooks');
  const [bots, hooks] = await Promise.all([request(context.socket, 'mod:bots', {}), request(context.socket, 'mod:webhooks', {})]);
  if (bots.ok) element.append(botList(context, bots.data));
  element.append(botForm(context));
  if (hooks.ok) element.append(webhookList(context, hooks.data));
  element.append(webhookForm(context));
  return element;
}

function botList(context: SectionContext, bots: readonly BotView[]): HTMLElement {
  return listOf('admin-bot-list', 'Bots', bots, (bot) => {
    const state = bot.revokedAt === null ? '' : `, revoked ${when(bot.revokedAt)}`;
    const item = el('li', `${bot.name} (${bot.userId}), rooms ${bot.rooms.join(', ')}, made ${when(bot.createdAt)}${state} `);
    if (bot.revokedAt === null) item.append(actionButton('Revoke', `Revoke ${bot.name}`, () => request(context.socket, 'mod:bot-revoke', { botId: bot.id }), context.report));
    return item;
  }, 'No bots.');
}

function botForm(context: SectionContext): HTMLElement {
  const name = el('input', '', { id: 'admin-bot-name', required: '', placeholder: 'Bot name', maxlength: '32', 'aria-label': 'Bot name' });
  const rooms = presetRoom(el('input', '', { id: 'admin-bot-rooms', required: '', placeholder: 'Room ids (3, 7)', 'aria-label': 'Room ids' }), context.activeRoom);
  return form('New bot', [name, rooms], 'Create bot', () => {
    void request(context.socket, 'mod:bot-create', { name: name.value.trim(), rooms: roomIds(rooms.value) }).then(async (answer) => {
      await context.report('New bot', answer);
      if (answer.ok) showSecretOnce(`Token of ${answer.data.bot.name}`, answer.data.token);
    });
  });
}

function webhookList(context: SectionContext, hooks: readonly WebhookView[]): HTMLElement {
  return listOf('admin-webhook-list', 'Incoming webhooks', hooks, (hook) => {
    const state = hook.revokedAt === null ? '' : `, revoked ${when(hook.revokedAt)}`;
    const item = el('li', `${hook.name} (w:${hook.id}) posts in room ${hook.roomId}, made ${when(hook.createdAt)}${state} `);
    if (hook.revokedAt === null) item.append(actionButton('Revoke', `Revoke ${hook.name}`, () => request(context.socket, 'mod:webhook-revoke', { webhookId: hook.id }), context.report));
    return item;
  }, 'No incoming webhooks.');
}

function webhookForm(context: SectionContext): HTMLElement {
  const name = el('input', '', { id: 'admin-webhook-name', required: '', placeholder: 'Shown as (e.g. ci)', maxlength: '32', 'aria-label': 'Webhook name' });
  const room = presetRoom(el('input', '', { id: 'admin-webhook-room', required: '', type: 'number', min: '1', placeholder: 'Room id', 'aria-label': 'Room id' }), context.activeRoom);
  return form('New incoming webhook', [name, room], 'Create webhook', () => {
    void request(context.socket, 'mod:webhook-create', { roomId: Number(room.value), name: name.value.trim() }).then(async (answer) => {
      await context.report('New webhook', answer);
      if (answer.ok) showSecretOnce(`URL of ${answer.data.webhook.name}`, `${location.origin}${answer.data.path}`);
    });
  });
}

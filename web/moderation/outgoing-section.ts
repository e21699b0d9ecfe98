import type { OutgoingWebhookView, ParkedDeliveryView } from '../../src/shared/protocol/outgoing.js';
import { request } from '../shared/rpc.js';
import { actionButton, el, form, listOf, presetRoom, section, when, type SectionContext } from './panel-kit.js';
import { showSecretOnce } from './secret-shown.js';

/**
 * The admin panel's outgoing webhooks (admins only, every action checked again by the
 * server and audited): each hook with its room, URL and trigger words, a Delete button (the
 * hook is revoked: nothing more is sent, its undelivered messages are dropped), a form to
 * make one (its signing secret shown once), and the deliveries parked after repeated
 * failure, each with its last error and Retry and Discard buttons.
 */
export async function outgoingSection(context: SectionContext): Promise<HTMLElement> {
  const element = section('admin-outgoing', 'Outgoing webhooks');
  const [hooks, parked] = await Promise.all([request(context.socket, 'mod:outgoing', {}), request(context.socket, 'mod:deliveries-parked', {})]);
  if (hooks.ok) element.append(hookList(context, hooks.data));
  element.append(hookForm(context));
  element.append(el('h3', 'Parked deliveries', { id: 'admin-parked' }));
  if (parked.ok) element.append(parkedList(context, parked.data));
  return element;
}

function hookList(context: SectionContext, hooks: readonly OutgoingWebhookView[]): HTMLElement {
  return listOf('admin-outgoing-list', 'Outgoing webhooks', hooks, (hook) => {
    const words = hook.triggerWords.length === 0 ? 'every message' : `trigger words ${hook.triggerWords.join(', ')}`;
    const state = hook.revokedAt === null ? '' : `, deleted ${when(hook.revokedAt)}`;
    const item = el('li', `${hook.name} (${hook.userId}): room ${hook.roomId} → ${hook.url}, ${words}, made ${when(hook.createdAt)}${state} `);
    if (hook.revokedAt === null) item.append(actionButton('Delete', `Delete ${hook.name}`, () => request(context.socket, 'mod:outgoing-revoke', { hookId: hook.id }), context.report));
    return item;
  }, 'No outgoing webhooks.');
}

function hookForm(context: SectionContext): HTMLElement {
  const name = el('input', '', { id: 'admin-outgoing-name', required: '', placeholder: 'Replies shown as (e.g. echo)', maxlength: '32', 'aria-label': 'Outgoing webhook name' });
  const room = presetRoom(el('input', '', { id: 'admin-outgoing-room', required: '', type: 'number', min: '1', placeholder: 'Room id', 'aria-label': 'Room id of the outgoing webhook' }), context.activeRoom);
  const url = el('input', '', { id: 'admin-outgoing-url', required: '', type: 'url', placeholder: 'https://example.com/hook', maxlength: '2000', 'aria-label': 'URL' });
  const words = el('input', '', { id: 'admin-outgoing-words', placeholder: 'Trigger words (empty: every message)', 'aria-label': 'Trigger words' });
  return form('New outgoing webhook', [name, room, url, words], 'Create outgoing webhook', () => {
    const triggerWords = words.value.split(/[\s,]+/).filter(Boolean);
    void request(context.socket, 'mod:outgoing-create', { roomId: Number(room.value), name: name.value.trim(), url: url.value.trim(), triggerWords }).then(async (answer) => {
      await context.report('New outgoing webhook', answer);
      if (answer.ok) showSecretOnce(`Signing secret of ${answer.data.hook.name}`, answer.data.secret);
    });
  });
}

function parkedList(context: SectionContext, deliveries: readonly ParkedDeliveryView[]): HTMLElement {
  return listOf('admin-parked-list', 'Parked deliveries', deliveries, (delivery) => {
    const item = el('li', `Delivery ${delivery.id} of hook ${delivery.hookId}: room ${delivery.roomId}, message ${delivery.offset}, ${delivery.attempts} attempts, parked ${when(delivery.parkedAt)}: ${delivery.lastError ?? 'no error recorded'} `, {
      'data-delivery': String(delivery.id),
    });
    item.append(
      actionButton('Retry', `Retry delivery ${delivery.id}`, () => request(context.socket, 'mod:delivery-retry', { deliveryId: delivery.id }), context.report),
      ' ',
      actionButton('Discard', `Discard delivery ${delivery.id}`, () => request(context.socket, 'mod:delivery-discard', { deliveryId: delivery.id }), context.report),
    );
    return item;
  }, 'No parked deliveries.');
}

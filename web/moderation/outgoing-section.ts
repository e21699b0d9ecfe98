import type { RoomSummary } from '../../src/shared/events.js';
import type { OutgoingWebhookView, ParkedDeliveryView } from '../../src/shared/protocol/outgoing.js';
import { request, type ChatSocket, type Outcome } from '../shared/rpc.js';
import { showSecretOnce } from './secret-shown.js';

/** What the section needs of the panel: the socket, the room on screen, and how the panel reports an outcome. */
export interface OutgoingContext {
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

const when = (at: number | null): string => (at === null ? '' : new Date(at).toLocaleString());

function action(label: string, accessible: string, run: () => Promise<Outcome<unknown>>, report: OutgoingContext['report']): HTMLButtonElement {
  const element = el('button', label, { type: 'button', 'aria-label': accessible });
  element.addEventListener('click', () => void run().then((answer) => report(accessible, answer)));
  return element;
}

/**
 * The admin panel's outgoing webhooks (admins only, every action checked again by the
 * server and audited): each hook with its room, URL and trigger words, a Delete button (the
 * hook is revoked: nothing more is sent, its undelivered messages are dropped), a form to
 * make one (its signing secret shown once), and the deliveries parked after repeated
 * failure, each with its last error and Retry and Discard buttons.
 */
export async function outgoingSection(context: OutgoingContext): Promise<HTMLElement> {
  const section = el('section', '', { 'aria-labelledby': 'admin-outgoing' });
  section.append(el('h3', 'Outgoing webhooks', { id: 'admin-outgoing' }));
  const [hooks, parked] = await Promise.all([request(context.socket, 'mod:outgoing', {}), request(context.socket, 'mod:deliveries-parked', {})]);
  if (hooks.ok) section.append(hookList(context, hooks.data));
  section.append(hookForm(context));
  section.append(el('h3', 'Parked deliveries', { id: 'admin-parked' }));
  if (parked.ok) section.append(parkedList(context, parked.data));
  return section;
}

function hookList(context: OutgoingContext, hooks: readonly OutgoingWebhookView[]): HTMLElement {
  const list = el('ul', '', { id: 'admin-outgoing-list', 'aria-label': 'Outgoing webhooks' });
  for (const hook of hooks) {
    const words = hook.triggerWords.length === 0 ? 'every message' : `trigger words ${hook.triggerWords.join(', ')}`;
    const state = hook.revokedAt === null ? '' : `, deleted ${when(hook.revokedAt)}`;
    const item = el('li', `${hook.name} (${hook.userId}): room ${hook.roomId} → ${hook.url}, ${words}, made ${when(hook.createdAt)}${state} `);
    if (hook.revokedAt === null) item.append(action('Delete', `Delete ${hook.name}`, () => request(context.socket, 'mod:outgoing-revoke', { hookId: hook.id }), context.report));
    list.append(item);
  }
  if (hooks.length === 0) list.append(el('li', 'No outgoing webhooks.'));
  return list;
}

function hookForm(context: OutgoingContext): HTMLElement {
  const form = el('form', '', { 'aria-label': 'New outgoing webhook' });
  const name = el('input', '', { id: 'admin-outgoing-name', required: '', placeholder: 'Replies shown as (e.g. echo)', maxlength: '32', 'aria-label': 'Outgoing webhook name' });
  const room = el('input', '', { id: 'admin-outgoing-room', required: '', type: 'number', min: '1', placeholder: 'Room id', 'aria-label': 'Room id of the outgoing webhook' });
  if (context.activeRoom?.kind === 'public') room.value = String(context.activeRoom.id);
  const url = el('input', '', { id: 'admin-outgoing-url', required: '', type: 'url', placeholder: 'https://example.com/hook', maxlength: '2000', 'aria-label': 'URL' });
  const words = el('input', '', { id: 'admin-outgoing-words', placeholder: 'Trigger words (empty: every message)', 'aria-label': 'Trigger words' });
  form.append(name, room, url, words, el('button', 'Create outgoing webhook', { type: 'submit' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const triggerWords = words.value.split(/[\s,]+/).filter(Boolean);
    void request(context.socket, 'mod:outgoing-create', { roomId: Number(room.value), name: name.value.trim(), url: url.value.trim(), triggerWords }).then(async (answer) => {
      await context.report('New outgoing webhook', answer);
      if (answer.ok) showSecretOnce(`Signing secret of ${answer.data.hook.name}`, answer.data.secret);
    });
  });
  return form;
}

function parkedList(context: OutgoingContext, deliveries: readonly ParkedDeliveryView[]): HTMLElement {
  const list = el('ul', '', { id: 'admin-parked-list', 'aria-label': 'Parked deliveries' });
  for (const delivery of deliveries) {
    const item = el('li', `Delivery ${delivery.id} of hook ${delivery.hookId}: room ${delivery.roomId}, message ${delivery.offset}, ${delivery.attempts} attempts, parked ${when(delivery.parkedAt)}: ${delivery.lastError ?? 'no error recorded'} `, {
      'data-delivery': String(delivery.id),
    });
    item.append(
      action('Retry', `Retry delivery ${delivery.id}`, () => request(context.socket, 'mod:delivery-retry', { deliveryId: delivery.id }), context.report),
      ' ',
      action('Discard', `Discard delivery ${delivery.id}`, () => request(context.socket, 'mod:delivery-discard', { deliveryId: delivery.id }), context.report),
    );
    list.append(item);
  }
  if (deliveries.length === 0) list.append(el('li', 'No parked deliveries.'));
  return list;
}

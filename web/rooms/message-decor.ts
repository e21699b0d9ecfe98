/**
 * What makes a log readable beyond the text: each message's time (the full date on hover),
 * a day line above the first message of each day, consecutive messages of one author shown
 * as a group (the name once), its Markdown formatting, and web addresses as links that open
 * safely. All of it is built from DOM nodes: a message never becomes markup.
 */

import { mentionSpans } from '../../src/shared/mentions.js';
import { formattedNodes } from './message-format.js';

/** Messages of one author closer together than this are one group. */
const GROUP_GAP_MS = 5 * 60_000;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

/**
 * `text` as the log shows it: its Markdown formatting (message-format.ts: links for web
 * addresses among it), and `<span class="mention">` for each `@name` outside code and links'
 * addresses (also `me` when it names `myName`).
 */
export function messageNodes(text: string, myName: string | undefined): Node[] {
  return formattedNodes(text, (run) => withMentions(run, myName));
}

function withMentions(text: string, myName: string | undefined): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const span of mentionSpans(text)) {
    if (span.index > last) nodes.push(document.createTextNode(text.slice(last, span.index)));
    const mention = document.createElement('span');
    mention.className = 'mention';
    if (myName !== undefined && span.name.toLowerCase() === myName.toLowerCase()) mention.classList.add('me');
    mention.textContent = text.slice(span.index, span.index + span.length);
    nodes.push(mention);
    last = span.index + span.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/** An action message (`/me waves`) as the log shows it: "* alice waves", in italics, its mentions marked. */
export function actionNode(author: string, action: string, myName: string | undefined): HTMLElement {
  const line = document.createElement('em');
  line.className = 'action';
  line.append(document.createTextNode(`* ${author} `), ...withMentions(action, myName));
  return line;
}

/** The `<time>` of a message: hours and minutes, the full date on hover. */
export function timeElement(createdAt: number): HTMLTimeElement {
  const time = document.createElement('time');
  const date = new Date(createdAt);
  time.dateTime = date.toISOString();
  time.textContent = timeFormat.format(date);
  time.title = fullFormat.format(date);
  return time;
}

const dayOf = (createdAt: number): string => dayFormat.format(new Date(createdAt));

/**
 * Marks, in one pass over the log, the first message of each day (`data-day`, shown above
 * it) and messages that continue their author's group (`data-grouped`). Messages carry
 * `data-created` and `data-author-id` once stored; pending ones are left as they are.
 */
export function decorate(list: HTMLOListElement): void {
  let previous: { day: string; author: string; at: number } | undefined;
  for (const item of Array.from(list.querySelectorAll<HTMLLIElement>(':scope > li.message'))) {
    const created = Number(item.dataset.created);
    const author = item.dataset.authorId ?? '';
    if (!item.dataset.created || !Number.isFinite(created)) {
      previous = undefined;
      continue;
    }
    const day = dayOf(created);
    if (previous?.day !== day) item.dataset.day = day;
    else delete item.dataset.day;
    const grouped = previous !== undefined && previous.day === day && previous.author === author && author !== '' && created - previous.at < GROUP_GAP_MS;
    if (grouped) item.dataset.grouped = 'true';
    else delete item.dataset.grouped;
    previous = { day, author, at: created };
  }
}

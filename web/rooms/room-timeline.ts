import type { PublicUser, RoomEvent } from '../../src/shared/events.js';
import { actionOf } from '../../src/shared/commands.js';
import type { FileInfo } from '../../src/shared/protocol/files.js';
import { drawAttachments } from './attachment-view.js';
import { mentions } from '../../src/shared/mentions.js';
import { actionNode, decorate, messageNodes, timeElement } from './message-decor.js';
import type { MessageList } from '../shared/message-list.js';
import { Reactions } from './reactions.js';
import { linkButton, moreActions, PinMarks, pinButton, pinMark } from './pin-marks.js';
import { ThreadSummaries } from './thread-summaries.js';

/** What the reader can do to a message: edit and delete their own, react to any; moderators delete any. */
export interface OwnMessageActions {
  edit(target: number, currentText: string): void;
  delete(target: number): void;
  react(target: number, emoji: string, on: boolean): void;
  /** Whether this reader may delete other people's messages here (a moderator, a public room). */
  canModerate(): boolean;
  /** Deletes someone else's message as a moderator. */
  moderate(target: number): void;
  /** Pins (`on`) or unpins message `target`. */
  pin(target: number, on: boolean): void;
  /** The link to message `target` ("Copy link"). */
  link(target: number): string;
  /** Says whether "Copy link" copied the link (the link itself when it could not). */
  linkCopied(link: string, ok: boolean): void;
  /** Opens the thread of message `root` beside the room. */
  openThread(root: number): void;
  /** Every event applied to the room, for the thread open beside it (./thread-panel.ts). */
  observe(event: RoomEvent): void;
}

/** An event's files, as a stored message of this log keeps them (none: nothing). */
const filesOf = (event: RoomEvent): { attachments?: readonly FileInfo[] } => (event.attachments && event.attachments.length > 0 ? { attachments: event.attachments } : {});

const shortTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

interface StoredMessage {
  readonly author: PublicUser;
  readonly text: string;
  /** Milliseconds since the epoch: the server's time for messages it sent, this page's for its own. */
  readonly createdAt: number;
  readonly attachments?: readonly FileInfo[];
}

/**
 * One room's log as this tab sees it. Messages, edits and deletions are kept apart and the
 * shown text is derived from all three (the latest edit by offset wins, a deletion wins over
 * everything), so events applied in any order — live, replayed after a reconnect, or loaded
 * page by page from older history — converge to the state the room's history describes.
 */
export class RoomTimeline {
  private readonly messages = new Map<number, StoredMessage>();
  private readonly edits = new Map<number, { readonly offset: number; readonly text: string }>();
  private readonly deleted = new Set<number>();
  private readonly reactions = new Reactions();
  /** Which messages are pinned, from the room's pin and unpin events. */
  private readonly pins = new PinMarks();
  /** Reply counts, repliers and last reply of the room's threads: replies show there, not in the log. */
  readonly threads = new ThreadSummaries();
  /** Replies sent also to the room (`share` events), by offset. */
  private readonly shared = new Set<number>();
  /** The text each message body was last drawn from (its formatting makes textContent differ from it). */
  private readonly drawnTexts = new WeakMap<HTMLElement, string>();
  /** Every event applied, by offset: what a snapshot of the room keeps (./page-snapshot.ts). */
  private readonly applied = new Map<number, RoomEvent>();
  /** The lowest offset loaded so far; older history is asked for below it. */
  oldestLoaded: number | undefined;
  /** No history older than `oldestLoaded` is left to load. */
  historyComplete = false;
  /** The read marker when the room last came on screen: messages above it are new. */
  private unreadAfter: number | undefined;

  constructor(
    readonly roomId: number,
    readonly list: MessageList,
    private readonly me: () => PublicUser | undefined,
    private readonly actions: OwnMessageActions,
  ) {}

  /**
   * Applies one event of the room. `pending` is this tab's own item for it, when the event
   * is this tab's message coming back (a replay after its acknowledgement was lost).
   */
  apply(event: RoomEvent, pending?: HTMLLIElement): void {
    if (this.oldestLoaded === undefined || event.offset < this.oldestLoaded) this.oldestLoaded = event.offset;
    this.applied.set(event.offset, event);
    this.actions.observe(event);
    if (event.kind === 'message' && event.target !== undefined) {
      // A thread reply: counted under its root, shown in the thread (and in the log when shared).
      const root = this.threads.reply(event);
      if (root !== undefined) this.render(root);
      if (this.shared.has(event.offset)) this.showInLog(event);
      return;
    }
    if (event.kind === 'share') {
      if (event.target === undefined) return;
      // The sender's own reply may come after its share: its acknowledgement follows the share.
      this.shared.add(event.target);
      const reply = this.applied.get(event.target);
      if (reply) this.showInLog(reply);
      return;
    }
    if (event.kind === 'message') {
      if (event.thread) this.threads.baseline(event.thread);
      // A tombstone: the server erased this message's text; it shows as deleted, here too if it was shown before.
      if (event.redacted) this.erase(event.offset);
      if (this.messages.has(event.offset)) {
        if (event.redacted) this.render(event.offset);
        return;
      }
      this.messages.set(event.offset, { author: event.author, text: event.text, createdAt: event.createdAt, ...filesOf(event) });
      if (!this.list.at(event.offset)) {
        if (pending) this.list.place(pending, event.offset);
        else this.list.addDelivered(event.text, event.offset, event.author.name);
      }
      this.render(event.offset);
      return;
    }
    // An erased edit or reaction (its message was deleted, or a newer edit replaced it) changes nothing.
    if (event.target === undefined || event.redacted) return;
    if (event.kind === 'edit') {
      const previous = this.edits.get(event.target);
      if (!previous || previous.offset < event.offset) this.edits.set(event.target, { offset: event.offset, text: event.text });
    } else if (event.kind === 'delete') {
      this.erase(event.target);
      const root = this.threads.deleted(event.target);
      if (root !== undefined) this.render(root);
    } else if (!this.reactions.apply(event) && !this.pins.apply(event)) {
      return;
    }
    this.render(event.target);
  }

  /** A reply sent also to the room: shown in the log too, at its own offset, marked as in a thread. */
  private showInLog(reply: RoomEvent): void {
    if (reply.kind !== 'message' || this.messages.has(reply.offset)) return;
    this.messages.set(reply.offset, { author: reply.author, text: reply.text, createdAt: reply.createdAt, ...filesOf(reply) });
    if (!this.list.at(reply.offset)) this.list.addDelivered(reply.text, reply.offset, reply.author.name);
    const item = this.list.at(reply.offset);
    if (item && reply.target !== undefined) item.dataset.inThread = String(reply.target);
    if (reply.redacted || this.deleted.has(reply.offset)) this.erase(reply.offset);
    this.render(reply.offset);
  }

  /**
   * The message at `target` is deleted: its text, its edits' and its reactions' are
   * forgotten here too, as the server erased them, so neither this page nor the snapshot it
   * keeps (./page-snapshot.ts) holds them any longer.
   */
  private erase(target: number): void {
    this.deleted.add(target);
    this.edits.delete(target);
    const message = this.messages.get(target);
    if (message) this.messages.set(target, { author: message.author, createdAt: message.createdAt, text: '' });
    for (const [offset, event] of this.applied) {
      const changes = event.kind === 'message' ? offset === target : event.kind !== 'delete' && event.target === target;
      if (changes && event.text !== '') this.applied.set(offset, { ...event, text: '' });
    }
  }

  /** The newest `limit` events applied at or below `upTo`, oldest first. */
  recentEvents(upTo: number, limit: number): RoomEvent[] {
    return [...this.applied.values()]
      .filter((event) => event.offset <= upTo)
      .sort((a, b) => a.offset - b.offset)
      .slice(-limit);
  }

  /** Shows a message of this tab at the bottom, pending. */
  addPending(text: string, attachments: readonly FileInfo[] = []): HTMLLIElement {
    const item = this.list.addPending(text, this.me()?.name ?? 'you');
    drawAttachments(item, attachments);
    return item;
  }

  /**
   * The server stored this tab's message at `offset`: show it there, once, delivered. If the
   * room already shows that offset (replayed after a reconnect), the pending item goes.
   */
  confirm(item: HTMLLIElement, offset: number, text: string, attachments: readonly FileInfo[] = []): void {
    const shown = this.list.at(offset);
    if (shown && shown !== item) this.list.remove(item);
    const author = this.me();
    if (author && !this.messages.has(offset)) {
      const files = attachments.length > 0 ? { attachments } : {};
      this.messages.set(offset, { author, text, createdAt: Date.now(), ...files });
      this.applied.set(offset, { roomId: this.roomId, offset, kind: 'message', author, text, createdAt: Date.now(), ...files });
    }
    if (!shown) this.list.place(item, offset);
    const placed = this.list.at(offset);
    if (!placed) return;
    this.list.setOwn(placed, true);
    this.list.setState(placed, 'delivered');
    this.render(offset);
  }

  /**
   * Marks the first message of someone else above `readOffset` as where the unread part
   * begins (a "New messages" line), as it was when the room came on screen; called again
   * as older pages load, since that message may come with them.
   */
  markFirstUnread(readOffset = this.unreadAfter): void {
    this.unreadAfter = readOffset;
    const first = Array.from(this.list.list.querySelectorAll<HTMLLIElement>('li.message[data-offset]')).find(
      (item) => readOffset !== undefined && Number(item.dataset.offset) > readOffset && item.dataset.own !== 'true',
    );
    for (const marked of Array.from(this.list.list.querySelectorAll<HTMLLIElement>('li[data-first-unread]'))) if (marked !== first) delete marked.dataset.firstUnread;
    if (first) first.dataset.firstUnread = 'true';
  }

  /** Says who joined or left, below what the room had reached. */
  notice(user: PublicUser, verb: 'joined' | 'left', after: number): void {
    const item = this.list.addNotice(`${user.name} ${verb}`, after);
    item.dataset.userId = user.id;
    item.dataset.verb = verb;
  }

  /** Someone signed in or out (`was` is who they were): one person, one line, nobody left. */
  switched(was: PublicUser, user: PublicUser, after: number): void {
    const item = this.list.addNotice(`${was.name} is now ${user.name}`, after);
    item.dataset.userId = user.id;
    item.dataset.was = was.name;
  }

  /** Someone took another name: their notices say the name they go by now (one person, one name). */
  renamed(user: PublicUser): void {
    for (const item of Array.from(this.list.list.querySelectorAll<HTMLLIElement>('li.notice[data-user-id]'))) {
      if (item.dataset.userId !== user.id) continue;
      item.textContent = item.dataset.was === undefined ? `${user.name} ${item.dataset.verb ?? ''}`.trim() : `${item.dataset.was} is now ${user.name}`;
    }
  }

  /** Redraws every message, e.g. once this tab knows who it is (own messages get tools). */
  renderAll(): void {
    for (const offset of this.messages.keys()) this.render(offset);
  }

  private render(offset: number): void {
    const item = this.list.at(offset);
    const message = this.messages.get(offset);
    if (!item || !message) return;
    const deleted = this.deleted.has(offset);
    const edit = this.edits.get(offset);
    const text = deleted ? 'message deleted' : (edit?.text ?? message.text);
    const body = item.querySelector<HTMLElement>('.text');
    const myName = this.me()?.name;
    // Drawn again when the text changes, or whom "me" names does (signed in, renamed).
    const shape = deleted ? 'deleted' : `for:${myName ?? ''}`;
    if (body && (this.drawnTexts.get(body) !== text || body.dataset.shape !== shape)) {
      if (deleted) body.textContent = text;
      else if (actionOf(text) !== undefined) body.replaceChildren(actionNode(message.author.name, actionOf(text) ?? '', myName));
      else body.replaceChildren(...messageNodes(text, myName));
      body.dataset.shape = shape;
      this.drawnTexts.set(body, text);
    }
    // A deleted message's files were deleted with it.
    drawAttachments(item, deleted ? [] : (message.attachments ?? []));
    if (!deleted && myName !== undefined && message.author.id !== this.me()?.id && mentions(text, myName)) item.dataset.mentionsMe = 'true';
    else delete item.dataset.mentionsMe;
    if (item.dataset.created !== String(message.createdAt)) {
      item.dataset.created = String(message.createdAt);
      item.dataset.authorId = message.author.id;
      // A bot's or a webhook's name is theirs to choose (a webhook's `username`): the badge says it is a program.
      if (message.author.kind === 'bot' && !item.querySelector(':scope > .bot-badge')) {
        const badge = document.createElement('span');
        badge.className = 'bot-badge';
        badge.textContent = 'bot';
        item.dataset.bot = 'true';
        item.querySelector(':scope > .author')?.after(badge);
      }
      item.querySelector(':scope > time')?.remove();
      item.prepend(timeElement(message.createdAt));
    }
    // Also when only the order changed (a sent message placed at its offset under later ones).
    this.scheduleDecorate();
    if (deleted) item.dataset.deleted = 'true';
    if (edit && !deleted) item.dataset.edited = 'true';
    else delete item.dataset.edited;
    const own = message.author.id === this.me()?.id;
    if (own !== (item.dataset.own === 'true')) this.list.setOwn(item, own);
    item.querySelector('.toolbar')?.remove();
    item.querySelector('.reactions')?.remove();
    item.querySelector(':scope > .pin-mark')?.remove();
    const pinnedBy = deleted ? undefined : this.pins.pinnedBy(offset);
    if (pinnedBy) item.querySelector(':scope > .author')?.after(pinMark(pinnedBy));
    if (pinnedBy) item.dataset.pinned = 'true';
    else delete item.dataset.pinned;
    // The actions float over the row (shown on hover, focus or a tap), so a message is as
    // tall as its text; only reactions, once there are some, take a line of their own.
    const toolbar = document.createElement('span');
    toolbar.className = 'toolbar';
    if (own && !deleted && item.dataset.state === 'delivered') toolbar.append(this.tools(offset, text));
    else if (!own && !deleted && this.actions.canModerate()) toolbar.append(this.moderatorTools(offset, message.author.name));
    if (!deleted && item.dataset.state !== 'pending' && item.dataset.state !== 'failed') {
      const react = (emoji: string, on: boolean): void => this.actions.react(offset, emoji, on);
      const me = this.me();
      if (me) toolbar.append(this.reactions.picker(offset, me, react));
      const bar = this.reactions.bar(offset, me, react);
      if (bar) item.append(bar);
    }
    item.querySelector('.thread')?.remove();
    if (item.dataset.state !== 'pending' && item.dataset.state !== 'failed') {
      const line = this.threadLine(offset, deleted);
      if (line) item.append(line);
      // Reply is one of the actions over the row: a message without replies takes no line more.
      if (!deleted) toolbar.append(this.replyButton(offset));
      // A reply shown in the log is pinned and linked by its thread's root (the server pins no reply).
      if (!deleted && item.dataset.inThread === undefined) {
        const link = this.actions.link(offset);
        const pin = pinButton(pinnedBy !== undefined, () => this.actions.pin(offset, pinnedBy === undefined));
        toolbar.append(moreActions(pin, linkButton(link, (copied) => this.actions.linkCopied(link, copied))));
      }
    }
    if (toolbar.childElementCount > 0) item.append(toolbar);
  }

  /** Under a message with replies: its thread's summary, a button that opens it. */
  private threadLine(offset: number, deleted: boolean): HTMLElement | undefined {
    const summary = this.threads.of(offset);
    if (!summary) return undefined;
    const line = document.createElement('span');
    line.className = 'thread';
    {
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'thread-summary';
      const count = `${summary.replies} ${summary.replies === 1 ? 'reply' : 'replies'}`;
      open.textContent = `${count} · ${summary.repliers.join(', ')} · last ${shortTime.format(summary.lastReplyAt)}`;
      open.setAttribute('aria-label', `${count} in thread, last at ${shortTime.format(summary.lastReplyAt)}: open thread`);
      open.addEventListener('click', () => this.actions.openThread(offset));
      line.append(open);
    }
    if (deleted) line.dataset.rootDeleted = 'true';
    return line;
  }

  private replyButton(offset: number): HTMLButtonElement {
    const reply = document.createElement('button');
    reply.type = 'button';
    reply.className = 'reply-button';
    reply.textContent = 'Reply';
    reply.setAttribute('aria-label', 'Reply in thread');
    // A reply shown in the log (sent also to the room) opens its root's thread.
    reply.addEventListener('click', () => this.actions.openThread(Number(this.list.at(offset)?.dataset.inThread ?? offset)));
    return reply;
  }

  private decorateScheduled = false;

  /** Day lines and author groups are worked out once per frame, however many messages came. */
  private scheduleDecorate(): void {
    if (this.decorateScheduled) return;
    this.decorateScheduled = true;
    requestAnimationFrame(() => {
      this.decorateScheduled = false;
      decorate(this.list.list);
    });
  }

  private moderatorTools(offset: number, author: string): HTMLElement {
    const group = document.createElement('span');
    group.className = 'tools moderator';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove ${author}'s message (moderator)`);
    remove.addEventListener('click', () => this.actions.moderate(offset));
    group.append(remove);
    return group;
  }

  private tools(offset: number, text: string): HTMLElement {
    const group = document.createElement('span');
    group.className = 'tools';
    const edit = document.createElement('button');
    edit.type = 'button';
    edit.textContent = 'Edit';
    edit.setAttribute('aria-label', `Edit message: ${text.slice(0, 40)}`);
    edit.addEventListener('click', () => this.actions.edit(offset, text));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete message: ${text.slice(0, 40)}`);
    remove.addEventListener('click', () => this.actions.delete(offset));
    group.append(edit, remove);
    return group;
  }
}

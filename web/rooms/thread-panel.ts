import type { FollowedThread, PublicUser, RoomEvent } from '../../src/shared/events.js';
import { readableText } from '../../src/shared/commands.js';
import type { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import { messageNodes, timeElement } from './message-decor.js';
import { drawAttachments } from './attachment-view.js';
import type { ThreadSummaries } from './thread-summaries.js';

/** The panel beside the room (over it on a phone) that shows one thread or the threads one follows. */
export interface ThreadElements {
  readonly panel: HTMLElement;
  readonly title: HTMLElement;
  readonly close: HTMLButtonElement;
  readonly root: HTMLElement;
  readonly replies: HTMLOListElement;
  /** The threads the person follows ("Threads" view). */
  readonly followed: HTMLUListElement;
  readonly form: HTMLFormElement;
  readonly input: HTMLTextAreaElement;
  /** The slash commands `/` completes in the reply box (./command-completion.ts, made before the panel). */
  readonly commandChoices: HTMLUListElement;
  /** "Also send to the room". */
  readonly alsoToRoom: HTMLInputElement;
  /** "Threads" in the sidebar, and its unread count. */
  readonly button: HTMLButtonElement;
  readonly badge: HTMLElement;
}

/** What the panel needs of the rest of the page. */
export interface ThreadHooks {
  me(): PublicUser | undefined;
  /**
   * Sends what was typed in the reply box: a reply through the room's writer (its outbox:
   * once, in order, across reconnects), or a slash command run in the thread (./command-runner.ts).
   */
  reply(roomId: number, root: number, text: string, alsoToRoom: boolean): void;
  /** The room's thread summaries, to refresh from what the server counts now. */
  summaries(roomId: number): ThreadSummaries | undefined;
}

/** How long after a reply the "Threads" count is asked for again: a burst of replies asks once. */
const BADGE_REFRESH_MS = 400;

/**
 * One thread beside its room: the root, its replies as they come (room events the timeline
 * passes on, ./room-timeline.ts), a box to reply; or the list of followed threads with their
 * unread and mention counts. Reading a thread moves the person's thread read marker.
 */
export class ThreadPanel {
  private showing: { readonly roomId: number; readonly root: number } | undefined;
  private readonly shownReplies = new Map<number, HTMLLIElement>();
  private badgeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    lifetime: Lifetime,
    private readonly socket: ChatSocket,
    private readonly elements: ThreadElements,
    private readonly hooks: ThreadHooks,
  ) {
    listenOn(lifetime, elements.close, 'click', () => this.close());
    listenOn(lifetime, elements.button, 'click', () => void this.showFollowed());
    listenOn(lifetime, elements.form, 'submit', (event) => {
      event.preventDefault();
      this.send();
    });
    listenOn(lifetime, elements.input, 'keydown', (event) => {
      const key = event as KeyboardEvent;
      if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
        key.preventDefault();
        this.send();
      } else if (key.key === 'Escape') this.close();
    });
    lifetime.add(() => clearTimeout(this.badgeTimer));
  }

  /** Opens the thread of message `root` of `roomId`. */
  async open(roomId: number, root: number): Promise<void> {
    this.showing = { roomId, root };
    this.shownReplies.clear();
    const { elements } = this;
    elements.panel.hidden = false;
    elements.panel.dataset.view = 'thread';
    elements.title.textContent = 'Thread';
    elements.followed.replaceChildren();
    elements.replies.replaceChildren();
    elements.root.replaceChildren();
    elements.form.hidden = false;
    const answer = await request(this.socket, 'thread:open', { roomId, root, limit: 200 });
    if (this.showing?.root !== root || this.showing.roomId !== roomId) return;
    if (!answer.ok) {
      elements.root.textContent = `This thread cannot be opened: ${answer.message}`;
      elements.form.hidden = true;
      return;
    }
    if (answer.data.root.thread) this.hooks.summaries(roomId)?.baseline(answer.data.root.thread, true);
    elements.root.replaceChildren(this.item(answer.data.root, 'div'));
    for (const reply of answer.data.replies) this.add(reply);
    elements.input.focus();
    this.markRead();
  }

  /** Shows the threads the person follows, the latest reply first. */
  async showFollowed(): Promise<void> {
    this.showing = undefined;
    const { elements } = this;
    elements.panel.hidden = false;
    elements.panel.dataset.view = 'threads';
    elements.title.textContent = 'Threads';
    elements.root.replaceChildren();
    elements.replies.replaceChildren();
    elements.form.hidden = true;
    const answer = await request(this.socket, 'thread:list', {});
    if (!answer.ok || this.showing) return;
    this.showBadge(answer.data);
    if (answer.data.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = 'No threads yet: reply to a message, or be mentioned in a reply, to follow its thread.';
      elements.followed.replaceChildren(empty);
      return;
    }
    elements.followed.replaceChildren(...answer.data.map((thread) => this.followedItem(thread)));
  }

  /** Every event of every room this tab follows: a reply or a change to one of the open thread. */
  observe(event: RoomEvent): void {
    if (event.kind === 'message' && event.target !== undefined) this.scheduleBadge();
    const open = this.showing;
    if (!open || event.roomId !== open.roomId) return;
    if (event.kind === 'message' && event.target === open.root) {
      this.add(event);
      this.markRead();
    } else if ((event.kind === 'edit' || event.kind === 'delete') && event.target !== undefined && !event.redacted) {
      const shown = this.shownReplies.get(event.target);
      const body = shown?.querySelector<HTMLElement>('.text');
      if (!shown || !body) return;
      if (event.kind === 'delete') {
        shown.dataset.deleted = 'true';
        body.textContent = 'message deleted';
        drawAttachments(shown, []);
      } else body.replaceChildren(...messageNodes(event.text, this.hooks.me()?.name));
    }
  }

  /** Asks for the "Threads" count again (at start, after a reconnect). */
  refresh(): void {
    this.scheduleBadge(0);
  }

  /** Whether the thread of `root` is the one open (in the room it was opened in). */
  shows(root: number): boolean {
    return this.showing?.root === root;
  }

  close(): void {
    this.showing = undefined;
    this.elements.panel.hidden = true;
  }

  private send(): void {
    const open = this.showing;
    const text = this.elements.input.value;
    if (!open || text.trim() === '') return;
    this.hooks.reply(open.roomId, open.root, text, this.elements.alsoToRoom.checked);
    this.elements.input.value = '';
    this.elements.alsoToRoom.checked = false;
  }

  private add(reply: RoomEvent): void {
    if (this.shownReplies.has(reply.offset)) return;
    const item = this.item(reply, 'li') as HTMLLIElement;
    // In offset order, whichever way it came (the page, live, this tab's own acknowledgement).
    const after = [...this.shownReplies.entries()].filter(([offset]) => offset < reply.offset).sort((a, b) => b[0] - a[0])[0]?.[1];
    if (after) after.after(item);
    else this.elements.replies.prepend(item);
    this.shownReplies.set(reply.offset, item);
    item.scrollIntoView({ block: 'nearest' });
  }

  private item(event: RoomEvent, tag: 'li' | 'div'): HTMLElement {
    const item = document.createElement(tag);
    item.className = 'thread-message';
    item.dataset.offset = String(event.offset);
    const author = document.createElement('span');
    author.className = 'author';
    author.textContent = event.author.name;
    const body = document.createElement('span');
    body.className = 'text';
    if (event.redacted) {
      item.dataset.deleted = 'true';
      body.textContent = 'message deleted';
    } else body.replaceChildren(...messageNodes(event.text, this.hooks.me()?.name));
    item.append(timeElement(event.createdAt), author, body);
    drawAttachments(item, event.redacted ? [] : (event.attachments ?? []));
    return item;
  }

  private followedItem(thread: FollowedThread): HTMLLIElement {
    const item = document.createElement('li');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'followed-thread';
    const where = document.createElement('span');
    where.className = 'where';
    where.textContent = `# ${thread.roomName} · ${thread.root.author.name}`;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = thread.root.redacted ? 'message deleted' : readableText(thread.root.text, thread.root.author.name);
    const counts = document.createElement('span');
    counts.className = 'counts';
    counts.textContent = `${thread.replies} ${thread.replies === 1 ? 'reply' : 'replies'}`;
    open.append(where, text, counts);
    if (thread.unread > 0) open.append(badge('unread', String(thread.unread), `${thread.unread} unread`));
    if (thread.mentions > 0) open.append(badge('mention-count', `@${thread.mentions}`, `${thread.mentions} mentioning you`));
    open.addEventListener('click', () => void this.open(thread.roomId, thread.root.offset));
    item.append(open);
    return item;
  }

  /** Moves the thread read marker to the newest reply shown, then counts again. */
  private markRead(): void {
    const open = this.showing;
    const newest = Math.max(0, ...this.shownReplies.keys());
    if (!open || newest === 0 || document.visibilityState !== 'visible') return;
    void request(this.socket, 'thread:read', { roomId: open.roomId, root: open.root, offset: newest }).then(() => this.scheduleBadge());
  }

  private scheduleBadge(delayMs = BADGE_REFRESH_MS): void {
    clearTimeout(this.badgeTimer);
    this.badgeTimer = setTimeout(() => {
      void request(this.socket, 'thread:list', {}).then((answer) => {
        if (answer.ok) this.showBadge(answer.data);
      });
    }, delayMs);
  }

  private showBadge(threads: readonly FollowedThread[]): void {
    const unread = threads.reduce((sum, thread) => sum + thread.unread, 0);
    const mentions = threads.reduce((sum, thread) => sum + thread.mentions, 0);
    const { badge: element, button } = this.elements;
    element.hidden = unread === 0;
    element.textContent = mentions > 0 ? `${unread} @${mentions}` : String(unread);
    button.setAttribute('aria-label', unread === 0 ? 'Threads' : `Threads, ${unread} unread${mentions > 0 ? `, ${mentions} mentioning you` : ''}`);
  }
}

/** Listens on one of the page's elements until `lifetime` stops (a later client listens anew). */
function listenOn(lifetime: Lifetime, target: EventTarget, type: string, listener: (event: Event) => void): void {
  target.addEventListener(type, listener);
  lifetime.add(() => target.removeEventListener(type, listener));
}

function badge(className: string, text: string, label: string): HTMLElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  element.setAttribute('aria-label', label);
  return element;
}

import type { Browser, BrowserContext, BrowserContextOptions, Page, Response } from 'playwright-core';
import { pace } from '../helpers/waits.js';

/** A message as the page shows it. */
export interface ShownMessage {
  readonly text: string;
  /** `delivered`, `pending` or `failed` (the item's data-state). */
  readonly state: string;
  /** Its offset in the room, once the page knows it. */
  readonly offset: number | undefined;
  /** Marked as sent from this page. */
  readonly own: boolean;
  /** Who wrote it (room protocol only). */
  readonly author?: string | undefined;
  /** Changed by its author since it was sent. */
  readonly edited?: boolean;
  /** Deleted by its author (then its text says so). */
  readonly deleted?: boolean;
}

const TIMEOUT_MS = 20_000;

/**
 * One user with the chat page open in a browser context of their own (own cookies, so
 * their own browser session), driven the way a person would: type, press Enter, read.
 */
export class ChatPage {
  /** Content Security Policy violations and uncaught errors seen on the page. */
  readonly problems: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) this.problems.push(message.text());
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
  }

  /** Opens the page at `url` in a new context and waits until it is online. */
  static async open(
    browser: Browser,
    url: string,
    contextOptions: BrowserContextOptions = { viewport: { width: 900, height: 600 } },
  ): Promise<{ chat: ChatPage; response: Response | null }> {
    const context = await browser.newContext(contextOptions);
    const chat = new ChatPage(context, await context.newPage());
    const response = await chat.page.goto(url);
    await chat.waitForStatus('online');
    return { chat, response };
  }

  /** Opens the page again in another tab of the same context (the same browser session). */
  async openTab(): Promise<ChatPage> {
    const tab = new ChatPage(this.context, await this.context.newPage());
    await tab.page.goto(this.page.url());
    await tab.waitForStatus('online');
    return tab;
  }

  /** Types `text` into the message box and presses Enter. */
  async send(text: string): Promise<void> {
    await this.page.fill('#input', text);
    await this.page.press('#input', 'Enter');
  }

  /**
   * Every message shown, top to bottom. Queried and read in one evaluation: `$$eval` finds
   * the elements first and reads them in a second round trip, so an item moved in between
   * (a pending message placed at its offset) would be read in its old position.
   */
  messages(): Promise<ShownMessage[]> {
    return this.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLLIElement>('#messages > li.message'), (item) => ({
        text: item.querySelector('.text')?.textContent ?? '',
        state: item.dataset.state ?? '',
        offset: item.dataset.offset === undefined ? undefined : Number(item.dataset.offset),
        own: item.dataset.own === 'true',
        author: item.querySelector('.author')?.textContent ?? undefined,
        edited: item.dataset.edited === 'true',
        deleted: item.dataset.deleted === 'true',
      })),
    );
  }

  /** Polls the shown messages until `done` holds; fails with what the page shows. */
  async waitForMessages(what: string, done: (messages: ShownMessage[]) => boolean): Promise<ShownMessage[]> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const messages = await this.messages();
      if (done(messages)) return messages;
      if (Date.now() > deadline) throw new Error(`timed out: ${what}; the page shows ${JSON.stringify(messages.slice(-12))}`);
      await pace(25, what);
    }
  }

  /** Waits until every text of `texts` is shown and delivered. */
  waitForDelivered(texts: readonly string[]): Promise<ShownMessage[]> {
    return this.waitForMessages(`${JSON.stringify(texts)} delivered`, (messages) =>
      texts.every((text) => messages.some((message) => message.text === text && message.state === 'delivered')),
    );
  }

  /** The status line's state (`online`, `offline`, …) and text. */
  async status(): Promise<{ state: string; text: string }> {
    return this.page.$eval('#status', (element) => ({ state: element.dataset.state ?? '', text: element.textContent ?? '' }));
  }

  waitForStatus(state: string): Promise<unknown> {
    return this.page.waitForSelector(`#status[data-state="${state}"]`, { timeout: TIMEOUT_MS });
  }

  /**
   * Cuts the network: new requests fail (offline emulation) and the open connection is
   * closed, since offline emulation alone leaves an open WebSocket alone.
   */
  async goOffline(): Promise<void> {
    await this.context.setOffline(true);
    await this.page.evaluate(() => window.parley?.socket.io.engine.close());
    await this.waitForStatus('offline');
  }

  /** Restores the network and waits for the page to reconnect on its own. */
  async goOnline(): Promise<void> {
    await this.context.setOffline(false);
    await this.waitForStatus('online');
  }

  /**
   * Records, for every message item, each state it shows (`pending`, `delivered`, …), to
   * check transitions too quick to poll. Read with `stateHistory`.
   */
  async recordStates(): Promise<void> {
    // No named functions in here: tsx would wrap them in a helper the page lacks.
    await this.page.evaluate(() => {
      const history: Record<string, string[]> = {};
      new MutationObserver((records) => {
        for (const record of records) {
          const items = record.type === 'attributes' ? [record.target] : Array.from(record.addedNodes);
          for (const item of items) {
            if (!(item instanceof HTMLLIElement)) continue;
            const states = (history[item.querySelector('.text')?.textContent ?? ''] ??= []);
            const state = item.dataset.state ?? '';
            if (states.at(-1) !== state) states.push(state);
          }
        }
      }).observe(document.getElementById('messages') as HTMLElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
      Object.assign(window, { stateHistory: history });
    });
  }

  /** The states the item of `text` went through since `recordStates`. */
  stateHistory(text: string): Promise<string[]> {
    return this.page.evaluate((wanted) => (window as unknown as { stateHistory: Record<string, string[]> }).stateHistory[wanted] ?? [], text);
  }

  close(): Promise<void> {
    return this.context.close();
  }

  /** The protocol the page chose: `rooms` when the server speaks the room protocol. */
  mode(): Promise<string | undefined> {
    return this.page.evaluate(() => window.parley?.mode);
  }

  /** The index of the cluster worker that holds this page's connection (from its session id). */
  worker(): Promise<string | undefined> {
    return this.page.evaluate(() => window.parley?.socket.io.engine.id.split('.')[0]);
  }

  /** Waits until `selector`'s text is `text` exactly. */
  async waitForText(selector: string, text: string): Promise<void> {
    await this.page.waitForFunction(
      ([wanted, expected]) => document.querySelector(wanted)?.textContent === expected,
      [selector, text] as const,
      { timeout: TIMEOUT_MS },
    );
  }

  /** Creates an account through the identity dialog and waits until signed in. */
  async register(username: string, password: string): Promise<void> {
    await this.page.click('#identity-button');
    await this.page.fill('#username', username);
    await this.page.fill('#password', password);
    await this.page.click('#account-form button[value="register"]');
    await this.waitForText('#me', `Signed in as ${username}`);
    await this.identityDialogClosed();
  }

  /** Picks a guest nickname through the identity dialog and waits until it is taken. */
  async pickNickname(nickname: string): Promise<void> {
    await this.page.click('#identity-button');
    await this.page.fill('#nickname', nickname);
    await this.page.click('#guest-form button[type="submit"]');
    await this.waitForText('#me', `Guest: ${nickname}`);
    await this.identityDialogClosed();
  }

  /**
   * The name changes on `session:user`, which comes before the request's acknowledgement,
   * and the modal dialog closes on the acknowledgement: until then it takes every key and
   * click, so the next step of a test would type into nothing.
   */
  private async identityDialogClosed(): Promise<void> {
    await this.page.waitForFunction(() => !document.querySelector<HTMLDialogElement>('#identity-dialog')?.open, undefined, { timeout: TIMEOUT_MS });
  }

  /** Creates a public room from the sidebar; it opens. */
  async createRoom(name: string): Promise<void> {
    await this.page.fill('#room-name', name);
    await this.page.press('#room-name', 'Enter');
    await this.waitForText('#room-title', `# ${name}`);
  }

  /** Joins a public room listed under "Other rooms"; it opens. */
  async joinRoom(name: string): Promise<void> {
    await this.page.click(`#other-rooms button[aria-label="Join ${name}"]`, { timeout: TIMEOUT_MS });
    await this.waitForText('#room-title', `# ${name}`);
  }

  /** Opens a followed room or direct conversation by the name the sidebar shows. */
  async openRoom(label: string, kind: 'public' | 'direct' = 'public'): Promise<void> {
    const shown = kind === 'public' ? `# ${label}` : label;
    const list = kind === 'public' ? '#joined-rooms' : '#direct-rooms';
    await this.page.locator(`${list} button.room`).filter({ has: this.page.locator('.name', { hasText: new RegExp(`^${escapeRegExp(shown)}$`) }) }).click({ timeout: TIMEOUT_MS });
    await this.waitForText('#room-title', shown);
  }

  /** Opens the direct conversation with `name` from the online list. */
  async messagePerson(name: string): Promise<void> {
    await this.page.click(`#online button[aria-label="Send a direct message to ${name}"]`, { timeout: TIMEOUT_MS });
    await this.waitForText('#room-title', name);
  }

  /** The sidebar's rooms and direct conversations with their unread counts, by shown name. */
  unreadCounts(): Promise<Record<string, number>> {
    return this.page.evaluate(() =>
      Object.fromEntries(Array.from(document.querySelectorAll('#sidebar button.room')).map((button) => [button.querySelector('.name')?.textContent ?? '', Number(button.querySelector('.unread')?.textContent ?? 0)])),
    );
  }

  /** Polls the sidebar until `done` holds for its unread counts. */
  async waitForUnread(what: string, done: (counts: Record<string, number>) => boolean): Promise<Record<string, number>> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const counts = await this.unreadCounts();
      if (done(counts)) return counts;
      if (Date.now() > deadline) throw new Error(`timed out: ${what}; the sidebar shows ${JSON.stringify(counts)}`);
      await pace(25, what);
    }
  }

  /** Names in the online list. */
  online(): Promise<string[]> {
    return this.page.evaluate(() => Array.from(document.querySelectorAll('#online li .name'), (name) => name.textContent ?? ''));
  }

  /** The join and leave notices of the room on screen, top to bottom. */
  notices(): Promise<string[]> {
    return this.page.evaluate(() => Array.from(document.querySelectorAll('#messages > li.notice'), (item) => item.textContent ?? ''));
  }

  /** Edits this person's message `text` to `newText` with its Edit button. */
  async edit(text: string, newText: string): Promise<void> {
    await this.ownMessage(text).getByRole('button', { name: /^Edit message/ }).click();
    await this.page.fill('#input', newText);
    await this.page.press('#input', 'Enter');
  }

  /** Deletes this person's message `text` with its Delete button; it is sent once the time to undo it has passed. */
  async delete(text: string): Promise<void> {
    await this.ownMessage(text).getByRole('button', { name: /^Delete message/ }).click();
  }

  /** Takes back the deletion still waiting to be sent. */
  async undoDelete(): Promise<void> {
    await this.page.click('#undo-delete-button');
  }

  private ownMessage(text: string) {
    return this.page.locator('#messages > li.message[data-own]').filter({ has: this.page.locator('.text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Texts of the delivered messages in page order, with their offsets. */
export function deliveredLog(messages: readonly ShownMessage[]): [number | undefined, string][] {
  return messages.filter((message) => message.state === 'delivered').map((message) => [message.offset, message.text]);
}

/** How many times `text` is shown. */
export function countOf(messages: readonly ShownMessage[], text: string): number {
  return messages.filter((message) => message.text === text).length;
}

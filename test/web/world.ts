// The world browser tests share: one server and one Chromium per file, started before the
// first test and stopped after the last; a fresh browser context for every page a test
// opens, closed after that test (Playwright's worker-scoped browser, test-scoped context).
import { after, afterEach, before, type TestContext } from 'node:test';
import type { Browser, BrowserContextOptions, Response } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer, type StartOptions } from '../helpers/server.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { ChatPage } from './chat-page.js';

export interface ChatWorld {
  /** The skip reason of every test in the file: false when Chromium is there. */
  readonly skip: string | false;
  /** The running server (the new one after `restart`). */
  readonly server: RunningServer;
  readonly url: string;
  readonly browser: Browser;
  /** Opens the chat page in a context of its own (a person of their own), closed after the test. */
  open(contextOptions?: BrowserContextOptions): Promise<ChatPage>;
  /** `open`, with the response to the page's request. */
  openWithResponse(contextOptions?: BrowserContextOptions): Promise<{ chat: ChatPage; response: Response | null }>;
  /** A tab of another browser session speaking the room protocol over Socket.IO, closed after the test. */
  tab(): Promise<Tab>;
  /** Starts the server again on the same port and database, once the test has stopped it. */
  restart(): Promise<RunningServer>;
}

/**
 * Registers the file's hooks and returns the world they run. Call it once, at the top of
 * the file or of its `describe`; tests take `{ skip: world.skip }`.
 */
export function chatWorld(options: StartOptions = { workers: 2 }): ChatWorld {
  const skip = chromiumSkipReason();
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const opened: { close(): unknown }[] = [];

  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer(options), launchChromium()]);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  const running = (): RunningServer => {
    if (!server) throw new Error('the chat world is not started (Chromium missing?)');
    return server;
  };
  const world: ChatWorld = {
    skip,
    get server() {
      return running();
    },
    get url() {
      return running().url;
    },
    get browser() {
      if (!browser) throw new Error('the chat world is not started (Chromium missing?)');
      return browser;
    },
    async openWithResponse(contextOptions) {
      const shown = await ChatPage.open(world.browser, world.url, contextOptions);
      opened.push(shown.chat);
      return shown;
    },
    async open(contextOptions) {
      return (await world.openWithResponse(contextOptions)).chat;
    },
    async tab() {
      const tab = await Tab.open(world.url, { browser: newBrowser() });
      opened.push(tab);
      return tab;
    },
    async restart() {
      const first = running();
      server = await startServer({ ...options, databaseFile: first.databaseFile, env: { ...options.env, PORT: String(first.port) } });
      return server;
    },
  };
  return world;
}

/** Skips the rest of a test when the server does not speak the room protocol yet. */
export async function roomProtocolOrSkip(t: TestContext, chat: ChatPage): Promise<boolean> {
  if ((await chat.mode()) === 'rooms') return true;
  t.skip('the server does not answer room:list yet (room protocol not built)');
  return false;
}

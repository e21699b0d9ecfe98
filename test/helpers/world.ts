// The world a test file shares: one real server, started before its first test and stopped
// after its last, and the tabs its tests open, closed before the server stops. Browser
// tests add Chromium to it (test/web/world.ts).
import { after, before } from 'node:test';
import { following, openTab, type Tab as PresenceTab, type TabOptions as PresenceTabOptions } from '../presence/tabs.js';
import { newBrowser, Tab, type TabOptions } from '../rooms/room-client.js';
import { startServer, type RunningServer, type StartOptions } from './server.js';

export interface ServerWorld {
  /** The file's server (throws before the first test starts it). */
  readonly server: RunningServer;
  readonly url: string;
}

export interface TabWorld extends ServerWorld {
  /** A tab speaking the room protocol, of `browser` (a browser session of its own by default). */
  open(browser?: string, options?: Omit<TabOptions, 'browser'>): Promise<Tab>;
  /** A tab of `browser` on `worker` that follows the general room live (presence and typing). */
  openOn(browser: string, worker: number | 'any', options?: PresenceTabOptions): Promise<PresenceTab>;
  /** Closes `tab` (opened some other way) with the others. */
  track<T extends { close(): void }>(tab: T): T;
}

/** Registers the hooks that start one server for the file (or `describe`) and stop it. */
export function serverWorld(options: StartOptions = { workers: 2 }): ServerWorld {
  return tabWorld(options);
}

/** `serverWorld`, and the tabs its tests open, all closed after the last test. */
export function tabWorld(options: StartOptions = { workers: 2 }): TabWorld {
  let server: RunningServer | undefined;
  const tabs: { close(): void }[] = [];
  before(async () => {
    server = await startServer(options);
  });
  after(async () => {
    for (const tab of tabs.splice(0)) tab.close();
    await server?.stop();
  });
  const world: TabWorld = {
    get server() {
      if (!server) throw new Error('the server is not started yet');
      return server;
    },
    get url() {
      return world.server.url;
    },
    async open(browser = newBrowser(), tabOptions = {}) {
      const tab = await Tab.open(world.url, { ...tabOptions, browser });
      tabs.push(tab);
      return tab;
    },
    track(tab) {
      tabs.push(tab);
      return tab;
    },
    async openOn(browser, worker, tabOptions) {
      const tab = await openTab(world.url, browser, worker, tabOptions);
      tabs.push(tab);
      await following(tab);
      return tab;
    },
  };
  return world;
}

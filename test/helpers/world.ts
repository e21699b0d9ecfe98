// The world a test file shares: one real server, started before its first test and stopped
// after its last, and the tabs its tests open, closed before the server stops. Browser
// tests add Chromium to it (test/web/world.ts).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { following, openTab, type Tab as PresenceTab, type TabOptions as PresenceTabOptions } from '../presence/tabs.js';
import { newBrowser, Tab, type TabOptions } from './room-client.js';
import { startServer, type RunningServer, type StartOptions } from './server.js';

export interface ServerWorld {
  /** The file's server (throws before the first test starts it). */
  readonly server: RunningServer;
  readonly url: string;
  /** Closes `socket` (a tab, a client) after the last test, before the server stops. */
  track<T extends { close(): void }>(socket: T): T;
}

export interface TabWorld extends ServerWorld {
  /** A tab speaking the room protocol, of `browser` (a browser session of its own by default). */
  open(browser?: string, options?: Omit<TabOptions, 'browser'>): Promise<Tab>;
  /** A tab of `browser` on `worker` that follows the general room live (presence and typing). */
  openOn(browser: string, worker: number | 'any', options?: PresenceTabOptions): Promise<PresenceTab>;
}

/** What the world checks when it stops its server, after the last test. */
export interface StopChecks {
  /** Asserted before the server stops (its logs, say). */
  readonly beforeStop?: (server: RunningServer) => void;
  /** The exit code the server's process must stop with. @default not checked */
  readonly exitCode?: number;
}

/** Registers the hooks that start one server for the file (or `describe`) and stop it. */
export function serverWorld(options: StartOptions = { workers: 2 }, checks: StopChecks = {}): ServerWorld {
  return tabWorld(options, checks);
}

/** `serverWorld`, and the tabs its tests open, all closed after the last test. */
export function tabWorld(options: StartOptions = { workers: 2 }, checks: StopChecks = {}): TabWorld {
  let server: RunningServer | undefined;
  const tabs: { close(): void }[] = [];
  // Node 20 runs a file's top-level `before` hooks side by side: the tabs wait for the server.
  let started: (running: Promise<RunningServer>) => void = () => undefined;
  const running = new Promise<RunningServer>((resolve) => (started = resolve));
  before(async () => {
    const starting = startServer(options);
    started(starting);
    server = await starting;
  });
  after(async () => {
    for (const tab of tabs.splice(0)) tab.close();
    if (!server) return;
    checks.beforeStop?.(server);
    const code = await server.stop();
    if (checks.exitCode !== undefined) assert.equal(code, checks.exitCode, 'the server stopped with its exit code');
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
      const tab = await Tab.open((await running).url, { ...tabOptions, browser });
      tabs.push(tab);
      return tab;
    },
    track(tab) {
      tabs.push(tab);
      return tab;
    },
    async openOn(browser, worker, tabOptions) {
      const tab = await openTab((await running).url, browser, worker, tabOptions);
      tabs.push(tab);
      await following(tab);
      return tab;
    },
  };
  return world;
}

import type { Ack } from '../../src/shared/errors.js';
import type { ModerationNotice } from '../../src/shared/events.js';
import { ackOf } from '../helpers/ack.js';
import { connected, eventually, openSocket, workerOf, type ChatSocket } from '../helpers/clients.js';
import { newBrowser, Tab } from '../helpers/room-client.js';

export const PASSWORD = 'correct horse battery staple';

/** Like ackOf, but fails unless the acknowledgement is a success; resolves with its data. */
export async function must<T = unknown>(socket: ChatSocket, event: string, payload: unknown): Promise<T> {
  const ack = await ackOf(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error} ${ack.message}`);
  return ack.data as T;
}

/** A tab that records every moderation notice and how it was disconnected. */
export interface WatchedTab {
  readonly tab: Tab;
  readonly notices: ModerationNotice[];
  readonly disconnects: string[];
}

/** Opens a room-protocol tab of `browser` that records moderation notices and disconnect reasons. */
export async function watchedTab(url: string, browser = newBrowser()): Promise<WatchedTab> {
  const tab = new Tab(url, { browser });
  const notices: ModerationNotice[] = [];
  const disconnects: string[] = [];
  tab.socket.on('moderation', (notice) => notices.push(notice));
  tab.socket.on('disconnect', (reason) => disconnects.push(reason));
  await connected(tab.socket);
  return { tab, notices, disconnects };
}

/** The worker a tab's session lives on (the index its engine.io id starts with). */
export const workerOfTab = (tab: Tab): number => workerOf(tab.socket);

/** Tabs of one browser until both workers of a 2-worker node hold one (bounded). */
export async function tabsOnBothWorkers(url: string, browser: string): Promise<WatchedTab[]> {
  const tabs: WatchedTab[] = [];
  for (let attempt = 0; attempt < 16; attempt++) {
    tabs.push(await watchedTab(url, browser));
    const workers = new Set(tabs.map((watched) => workerOfTab(watched.tab)));
    if (workers.size === 2) return tabs;
  }
  throw new Error('16 tabs, all on one worker');
}

/** Registers an account on a new tab, which is signed in to it; resolves with the tab and the user id. */
export async function accountTab(url: string, username: string): Promise<{ watched: WatchedTab; userId: string }> {
  const watched = await watchedTab(url);
  const session = await must<{ user: { id: string } }>(watched.tab.socket, 'account:register', { username, password: PASSWORD });
  return { watched, userId: session.user.id };
}

/** A handshake of `browser` that is refused: resolves with the error's message and data. */
export async function refusedHandshake(url: string, browser: string): Promise<{ message: string; data: unknown; worker: number }> {
  const socket = openSocket(url, { auth: { rooms: {} }, browser, reconnection: false });
  // The engine.io session (and so the worker) exists before Socket.IO's handshake is refused.
  let engineId = '';
  socket.io.on('open', () => (engineId = socket.io.engine.id ?? ''));
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to the handshake')), 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        reject(new Error('the handshake was let in'));
      });
      socket.once('connect_error', (error: Error & { data?: unknown }) => {
        clearTimeout(timer);
        resolve({ message: error.message, data: error.data, worker: Number(engineId.split('.')[0]) });
      });
    });
  } finally {
    socket.close();
  }
}

/** Calls the HTTP admin API with `token`. */
export async function adminApi(url: string, token: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Ack<unknown> }> {
  const response = await fetch(`${url}/admin/api/${path}`, {
    method,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Ack<unknown> };
}

export { eventually };

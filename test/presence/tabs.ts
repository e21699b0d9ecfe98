import { createHash } from 'node:crypto';
import type { PresenceNotice, PublicUser } from '../../src/shared/events.js';
import type { Ack } from '../../src/shared/errors.js';
import { connected, newBrowser, openSocket, type ChatSocket } from '../helpers/clients.js';
import { jitter, pace } from '../helpers/waits.js';

/** The tutorial's room: created first by the migrations, so its id is 1. */
export const GENERAL = 1;

export { newBrowser };

/** A tab: what it has been told about presence and typing, in order. */
export interface Tab {
  readonly socket: ChatSocket;
  readonly notices: PresenceNotice[];
  readonly typing: { roomId: number; user: PublicUser; typing: boolean }[];
  /** The worker that holds the session (engine ids start with the worker index); 'any' outside a cluster. */
  readonly worker: number | 'any';
  close(): void;
}

export interface TabOptions {
  /** Do not come back after a disconnect (as if the browser went away). @default true */
  readonly reconnection?: boolean;
  /**
   * `room`: the room protocol (auth.rooms, room:join general, presence:list {} so that it
   * gets online/offline too). `tutorial`: the tutorial's page, which follows general by
   * itself. @default room
   */
  readonly protocol?: 'room' | 'tutorial';
}

/**
 * Opens a tab of `browser` on worker `worker` (new sessions go round-robin, so it opens
 * until one lands there, closing the others; 'any' takes the first) and follows the general room; call
 * `following` to wait until it is live there.
 */
export async function openTab(url: string, browser: string, worker: number | 'any', options: TabOptions = {}): Promise<Tab> {
  const roomProtocol = (options.protocol ?? 'room') === 'room';
  for (let attempt = 0; attempt < 20; attempt++) {
    const socket = openSocket(url, { auth: roomProtocol ? { rooms: {} } : { serverOffset: 0 }, browser, reconnection: options.reconnection ?? true });
    await connected(socket);
    const engineId = socket.io.engine.id ?? '';
    if (worker !== 'any' && !engineId.startsWith(`${worker}.`)) {
      socket.disconnect();
      // The router alternates between workers: tabs opened together can retry in lock-step
      // and one of them always land on the other worker. A random pause breaks the step.
      await jitter(25);
      continue;
    }
    const tab: Tab = { socket, notices: [], typing: [], worker, close: () => socket.disconnect() };
    socket.on('presence', (notice) => tab.notices.push(notice));
    socket.on('typing', (roomId, user, typing) => tab.typing.push({ roomId, user, typing }));
    if (roomProtocol) {
      const joined = (await socket.timeout(10_000).emitWithAck('room:join', { roomId: GENERAL, after: 0 })) as Ack<unknown>;
      if (!joined.ok) throw new Error(`room:join refused: ${joined.error} ${joined.message}`);
      const listed = (await socket.timeout(10_000).emitWithAck('presence:list', {})) as Ack<unknown>;
      if (!listed.ok) throw new Error(`presence:list refused: ${listed.error} ${listed.message}`);
    }
    return tab;
  }
  throw new Error(`no session landed on worker ${worker} in 20 attempts`);
}

/** Asks with an acknowledgement and resolves with it. */
export function ask<T>(socket: ChatSocket, event: 'presence:list' | 'typing', payload: unknown, timeoutMs = 15_000): Promise<Ack<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event as 'presence:list', payload as never) as unknown as Promise<Ack<T>>;
}

/** The ids presence:list answers (throws on an error ack). */
export async function onlineIds(socket: ChatSocket, roomId?: number): Promise<string[]> {
  const answer = await ask<PublicUser[]>(socket, 'presence:list', roomId === undefined ? {} : { roomId });
  if (!answer.ok) throw new Error(`presence:list refused: ${answer.error} ${answer.message}`);
  return answer.data.map((user) => user.id);
}

/** Polls presence:list until `condition` holds for its ids; rejects after `timeoutMs`. */
export async function listEventually(socket: ChatSocket, roomId: number | undefined, condition: (ids: string[]) => boolean, what: string, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await onlineIds(socket, roomId);
    if (condition(last)) return last;
    await pace(200, 'the next presence:list');
  }
  throw new Error(`timed out: ${what}; last list: ${JSON.stringify(last)}`);
}

/** The guest user id of a browser session: a hash of its cookie (src/accounts/identities.ts). */
export const userIdOf = (browser: string): string => `g:${createHash('sha256').update(`browser:${browser}`).digest('base64url').slice(0, 16)}`;


/** Resolves once the general room is followed live by this tab (catch-up finished). */
export async function following(tab: Tab, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = await ask<PublicUser[]>(tab.socket, 'presence:list', { roomId: GENERAL });
    if (answer.ok) return;
    await pace(50, 'the next look at the general room');
  }
  throw new Error('the tab never followed the general room');
}

/** The notices a tab was told about one user, as `status@room` strings in order. */
export const noticesAbout = (tab: Tab, userId: string): string[] =>
  tab.notices.filter((notice) => notice.user.id === userId).map((notice) => `${notice.status}@${notice.roomId ?? 'all'}`);

/** Polls until `condition` holds; rejects after `timeoutMs` with `what`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out: ${what}`);
    await pace(25, 'the next look at the condition');
  }
  return Date.now() - started;
}

import type { PublicUser } from '../../src/shared/events.js';
import { eventually, newBrowser, openSocket, workerOf, type ChatSocket } from '../helpers/clients.js';

/** A client that records every `session:user` it is told, newest last. */
export type IdentityClient = ChatSocket & { users: PublicUser[] };

export interface IdentityClientOptions {
  /** `auth.token`. */
  readonly token?: unknown;
  /** A `parley_session` cookie value: clients with the same one are tabs of one browser. */
  readonly cookie?: string;
  /** Connect to this worker (the index in the session id), retrying a bounded number of times. */
  readonly worker?: number;
}

/** A fresh browser session id, as the server's cookie would carry it. */
export const newCookie = newBrowser;
export { workerOf };

function open(url: string, options: IdentityClientOptions): IdentityClient {
  const socket = openSocket(url, {
    auth: { serverOffset: 0, ...(options.token === undefined ? {} : { token: options.token }) },
    browser: options.cookie,
    reconnection: false,
  }) as IdentityClient;
  socket.users = [];
  socket.on('session:user', (user) => socket.users.push(user));
  return socket;
}

/** Resolves once connected and told who it is; rejects with the server's reason when refused. */
function ready(socket: IdentityClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 10_000);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('session:user', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Connects a client (on `options.worker` if given) and waits until it knows its user. */
export async function connectClient(url: string, options: IdentityClientOptions = {}): Promise<IdentityClient> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const socket = open(url, options);
    try {
      await ready(socket);
    } catch (error) {
      socket.close();
      throw error;
    }
    if (options.worker === undefined || workerOf(socket) === options.worker) return socket;
    socket.close();
  }
  throw new Error(`no connection landed on worker ${options.worker}`);
}

/** The connect_error message a handshake is refused with. */
export async function refusal(url: string, options: IdentityClientOptions): Promise<string> {
  const socket = open(url, options);
  try {
    await ready(socket);
    return 'connected';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    socket.close();
  }
}

/** The user of the latest `session:user`. */
export const currentUser = (socket: IdentityClient): PublicUser | undefined => socket.users.at(-1);

/** Waits until the client has been told that it is `name`. */
export const becomes = (socket: IdentityClient, name: string): Promise<void> =>
  eventually(() => currentUser(socket)?.name === name, `client becomes ${name}`);

import { randomUUID } from 'node:crypto';
import { newBrowser, Tab } from '../helpers/room-client.js';

/** A file doorway's answer: its status and its JSON body. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A tab of a new account on the server at `url`, with the token its HTTP calls carry. */
export async function signedIn(url: string): Promise<{ tab: Tab; token: string; userId: string }> {
  const tab = await Tab.open(url, { browser: newBrowser() });
  const session = await tab.must('account:register', { username: `u${randomUUID().slice(0, 8)}`, password: 'correct horse battery' });
  return { tab, token: session.token, userId: session.user.id };
}

/** `POST /files?roomId=&name=` with `bytes` as the body, as `token`'s account. */
export async function upload(url: string, token: string, roomId: number, name: string, bytes: Buffer): Promise<Answer> {
  const response = await fetch(`${url}/files?roomId=${roomId}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** `GET <path>` (a file's `url`, `/files/<id>`) on the server at `url`, as `token`'s account. */
export const fetchFile = (url: string, token: string, path: string): Promise<Response> => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });

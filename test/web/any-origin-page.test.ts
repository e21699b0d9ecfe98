// Issue 22, defects 6 and 14, in a real browser: with PARLEY_ALLOWED_ORIGINS=*, a page of
// another origin (here another port of the same host, so the same site: the browser sends
// the SameSite=Lax cookie along with its WebSocket) can chat over long-polling, and its
// WebSocket carrying the visitor's cookie is a guest of its own, never the visitor.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const clientBundle = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/socket.io-client/dist/socket.io.min.js');

/** Another site's server: a page that loads the Socket.IO client (its own copy) and nothing else. */
async function otherOrigin(): Promise<{ url: string; close(): Promise<void> }> {
  const bundle = fs.readFileSync(clientBundle);
  const server = http.createServer((request, response) => {
    if (request.url === '/socket.io.min.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>another origin</title><script src="/socket.io.min.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Outcome {
  readonly user?: { id: string; name: string; kind: string };
  readonly echoed?: string;
  readonly error?: string;
}

describe('a page of another origin, with PARLEY_ALLOWED_ORIGINS=*', () => {
  const world = chatWorld({ workers: 2, env: { PARLEY_ALLOWED_ORIGINS: '*' } });
  let foreign: Awaited<ReturnType<typeof otherOrigin>> | undefined;
  before(async () => {
    if (world.skip) return;
    foreign = await otherOrigin();
  });
  after(async () => {
    await foreign?.close();
  });

  /**
   * The visitor signs in on Parley's own page (the browser then holds the account's cookie),
   * and the same browser opens the other origin's page: `connect` runs its Socket.IO client.
   */
  async function visitorOnOtherPage(username: string): Promise<{ chat: ChatPage; connect: (transport: string) => Promise<Outcome> }> {
    const parley = world.url;
    const chat = await world.open();
    await chat.register(username, 'correct horse battery staple');
    const cookies = await chat.context.cookies(parley);
    assert.ok(cookies.some((cookie) => cookie.name === 'parley_session'), 'the visitor holds a session cookie');
    const evil = await chat.context.newPage();
    await evil.goto(foreign?.url ?? '');
    const connect = (transport: string): Promise<Outcome> =>
      evil.evaluate(
        ({ url, transport }) =>
          new Promise<Outcome>((resolve) => {
            type Listener = (...args: never[]) => void;
            type PageSocket = { on(event: string, listener: Listener): void; once(event: string, listener: Listener): void; emit(...args: unknown[]): void; close(): void };
            const ioClient = (window as unknown as { io: (url: string, options: object) => PageSocket }).io;
            const socket = ioClient(url, { transports: [transport], reconnection: false, auth: { serverOffset: 0 } });
            const timer = setTimeout(() => resolve({ error: 'timed out' }), 15_000);
            let user: Outcome['user'];
            socket.once('connect_error', (error: Error) => {
              clearTimeout(timer);
              resolve({ error: error.message });
            });
            socket.once('session:user', (told: Outcome['user']) => {
              user = told;
              socket.emit('chat message', `hello over ${transport}`, `${transport}-1`);
            });
            socket.on('chat message', (text: string) => {
              if (text !== `hello over ${transport}`) return;
              clearTimeout(timer);
              socket.close();
              resolve({ user, echoed: text });
            });
          }),
        { url: parley, transport },
      );
    return { chat, connect };
  }

  test('its page chats over long-polling (defect 6)', { skip: world.skip }, async () => {
    const { chat, connect } = await visitorOnOtherPage('poller');
    const polling = await connect('polling');
    assert.equal(polling.error, undefined, `long-polling from another origin: ${polling.error}`);
    assert.equal(polling.echoed, 'hello over polling', 'its message went through and came back');
    assert.equal(polling.user?.kind, 'guest');
    await chat.context.close();
  });

  test("its WebSocket, which carries the visitor's cookie, is not the visitor (defect 14)", { skip: world.skip }, async () => {
    const { chat, connect } = await visitorOnOtherPage('visitor');
    const websocket = await connect('websocket');
    assert.equal(websocket.error, undefined);
    assert.equal(websocket.user?.kind, 'guest', `the WebSocket carried the visitor's cookie but is ${JSON.stringify(websocket.user)}`);
    assert.notEqual(websocket.user?.name, 'visitor');
    // The visitor's own page is still the visitor.
    await chat.page.reload();
    await chat.waitForText('#me', 'Signed in as visitor');
    await chat.context.close();
  });
});

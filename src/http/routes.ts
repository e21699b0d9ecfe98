import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readiness } from '../operations/readiness.js';
import { ADMIN_UI_PATH, serveAdminUiFile } from './admin-ui-files.js';
import { serveWebFile } from './static-files.js';

export interface RouteOptions {
  readonly webRoot: string;
  /** True once this process accepts Socket.IO connections. */
  readonly isReady: () => boolean;
  /** `GET /readyz`: whether this node should get new clients (src/operations/readiness.ts). */
  readonly readiness: () => Promise<Readiness>;
  /** Serve Socket.IO's Admin UI under /admin-ui/ (PARLEY_ADMIN_UI on). */
  readonly adminUi: boolean;
  /** `/admin/api/…`: the HTTP admin API (src/admin/api.ts). */
  readonly admin: (request: IncomingMessage, response: ServerResponse, path: string) => void;
  /** `/api/bot/…` and `/hooks/…`: the bot API and incoming webhooks (src/events/bot-doorway.ts, webhook-doorway.ts). */
  readonly integrations: (request: IncomingMessage, response: ServerResponse, path: string) => void;
  /** `POST /files` and `GET /files/<id>`: uploads and fetches (src/events/file-doorway.ts). */
  readonly files: (request: IncomingMessage, response: ServerResponse, path: string) => void;
  /** `GET /export/…`: data exports (src/events/export-doorway.ts). */
  readonly exports: (request: IncomingMessage, response: ServerResponse, path: string) => void;
  /** `POST /session`: sets the browser's session cookie (src/auth/session-exchange.ts). */
  readonly session: (request: IncomingMessage, response: ServerResponse) => void;
  /** `/auth/…`: how people may sign in, and OpenID Connect sign-in (src/sso/auth-routes.ts). */
  readonly auth: (request: IncomingMessage, response: ServerResponse, path: string) => void;
}

const WEB_FILES = new Set(['/app.js', '/style.css', '/favicon.svg', '/sw.js']);

/**
 * The plain HTTP surface beside Socket.IO (which answers `/socket.io/` itself, client
 * bundle included): the chat page and its files, the health check (`/healthz`: this
 * process is up), readiness (`/readyz`: the node should get clients), `POST /session`, and
 * the doorways of the admin API, the bot API, incoming webhooks and files.
 */
export function createRequestHandler(options: RouteOptions) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/session' && request.method === 'POST') {
      options.session(request, response);
      return;
    }
    if (url.pathname.startsWith('/auth/')) {
      options.auth(request, response, url.pathname);
      return;
    }
    if (url.pathname.startsWith('/admin/api/')) {
      options.admin(request, response, url.pathname);
      return;
    }
    if (url.pathname.startsWith('/api/bot/') || url.pathname.startsWith('/hooks/')) {
      options.integrations(request, response, url.pathname);
      return;
    }
    if (url.pathname === '/files' || url.pathname.startsWith('/files/')) {
      options.files(request, response, url.pathname);
      return;
    }
    if (url.pathname.startsWith('/export/')) {
      options.exports(request, response, url.pathname);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/healthz') {
      const ready = options.isReady();
      response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: ready ? 'ok' : 'starting' }));
      return;
    }
    if (url.pathname === '/readyz') {
      void options.readiness().then(
        (readiness) => {
          response.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(JSON.stringify({ status: readiness.ready ? (readiness.degraded ? 'degraded' : 'ready') : 'not ready', checks: readiness.checks }));
        },
        () => response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'not ready' })),
      );
      return;
    }
    if (options.adminUi && url.pathname.startsWith(ADMIN_UI_PATH)) {
      void serveAdminUiFile(response, url.pathname);
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      void serveWebFile(response, options.webRoot, 'index.html');
      return;
    }
    if (WEB_FILES.has(url.pathname)) {
      void serveWebFile(response, options.webRoot, url.pathname);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  };
}

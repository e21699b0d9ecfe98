import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

/** Where the Admin UI's files are served (PARLEY_ADMIN_UI on). */
export const ADMIN_UI_PATH = '/admin-ui/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * The dashboard's page may run only its own files and talk only to this server: a script
 * injected into it (it shows client-chosen data: socket ids, rooms, handshake headers)
 * could act with the operator's token. Styles may be inline because Vuetify writes its
 * theme into a style element at run time; its web fonts and icon font, which the page asks
 * of outside hosts, are refused (the dashboard works without them).
 */
const ADMIN_UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The built dashboard that ships in the @socket.io/admin-ui package. */
const uiRoot = (): string => path.join(path.dirname(createRequire(import.meta.url).resolve('@socket.io/admin-ui/package.json')), 'ui', 'dist');

/**
 * Serves the Socket.IO Admin UI's own page and files under /admin-ui/, so that it works
 * where its hosted copy cannot be reached. Only files inside the package's `ui/dist` of the
 * known types, under a content security policy of their own; anything else is 404.
 */
export async function serveAdminUiFile(response: ServerResponse, pathname: string): Promise<void> {
  const root = uiRoot();
  const relative = pathname.slice(ADMIN_UI_PATH.length) || 'index.html';
  const file = path.resolve(root, relative);
  const type = CONTENT_TYPES[path.extname(file)];
  try {
    if (!type || !file.startsWith(root + path.sep)) throw new Error('not a file of the Admin UI');
    const body = await fs.readFile(file);
    response
      .writeHead(200, {
        'content-type': type,
        'cache-control': 'no-cache',
        'content-security-policy': ADMIN_UI_CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      .end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  }
}

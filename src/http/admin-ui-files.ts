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

/** The built dashboard that ships in the @socket.io/admin-ui package. */
const uiRoot = (): string => path.join(path.dirname(createRequire(import.meta.url).resolve('@socket.io/admin-ui/package.json')), 'ui', 'dist');

/**
 * Serves the Socket.IO Admin UI's own page and files under /admin-ui/, so that it works
 * where its hosted copy cannot be reached. Only files inside the package's `ui/dist` of the
 * known types; anything else is 404. (Its web fonts come from outside and are left out by
 * Parley's content security policy: the dashboard works without them.)
 */
export async function serveAdminUiFile(response: ServerResponse, pathname: string): Promise<void> {
  const root = uiRoot();
  const relative = pathname.slice(ADMIN_UI_PATH.length) || 'index.html';
  const file = path.resolve(root, relative);
  const type = CONTENT_TYPES[path.extname(file)];
  try {
    if (!type || !file.startsWith(root + path.sep)) throw new Error('not a file of the Admin UI');
    const body = await fs.readFile(file);
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  }
}

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeploymentStatistics } from '../operations/deployment-stats.js';

export interface AdminApiOptions {
  /** PARLEY_ADMIN_TOKENS: none means the admin API is off (404). */
  readonly tokens: readonly string[];
  readonly statistics: DeploymentStatistics;
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const json = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
};

/**
 * The HTTP admin API under `/admin/api/`, for a bearer of one of PARLEY_ADMIN_TOKENS:
 * `GET /admin/api/stats`, the whole deployment at a glance (DeploymentStatistics). Off
 * (404, as for any unknown path) when no token is configured; 401 without a valid one.
 */
export function createAdminApi(options: AdminApiOptions): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  return (request, response, path) => {
    if (options.tokens.length === 0) return json(response, 404, { error: 'not found' });
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    // Every token is compared, so the time taken does not tell which one nearly matched.
    const valid = options.tokens.map((token) => sameSecret(given, token)).includes(true);
    if (!valid) {
      response.setHeader('www-authenticate', 'Bearer');
      return json(response, 401, { error: 'an admin token is needed' });
    }
    if (path === '/admin/api/stats' && request.method === 'GET') {
      void options.statistics.gather().then((stats) => json(response, 200, stats));
      return;
    }
    json(response, 404, { error: 'no such admin endpoint' });
  };
}

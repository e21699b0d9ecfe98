import { once } from 'node:events';
import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log.js';

export interface MetricsServerOptions {
  readonly port: number;
  readonly host: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  readonly token: string | undefined;
  /** The Prometheus text of the node (all its processes), in this format's content type. */
  readonly collect: () => Promise<string>;
  readonly contentType: string;
  readonly log: Logger;
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * `GET /metrics` on a port of its own (PARLEY_METRICS_PORT), bound to PARLEY_METRICS_HOST
 * (127.0.0.1 unless the operator says otherwise) and, with PARLEY_METRICS_TOKEN, only for
 * a bearer of that token: the chat's public port never serves it. Resolves once listening.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (options.token !== undefined) {
      const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!sameSecret(given, options.token)) {
        response.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain; charset=utf-8' }).end('a metrics token is needed\n');
        return;
      }
    }
    options.collect().then(
      (text) => response.writeHead(200, { 'content-type': options.contentType }).end(text),
      (error: unknown) => {
        options.log.warn({ err: error }, 'metrics could not be collected');
        response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable; try again\n');
      },
    );
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  options.log.info({ address: server.address() }, 'metrics listening');
  return server;
}

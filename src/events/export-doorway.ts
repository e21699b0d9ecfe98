import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountOfRequest } from '../auth/request-account.js';
import { ExportAborted, ResponseOut } from '../export/stream-out.js';
import { statusOf } from '../http/answer-status.js';
import { clientAddress } from '../http/client-address.js';
import { json } from '../http/json-body.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import type { ExportDownload } from '../shared/protocol/exports.js';
import { httpPayer, priceAfterAddress, RATE_LIMITED } from './integration-price.js';
import { ackOf, type EventPipeline } from './pipeline.js';

/** Where data exports are downloaded: `/export/me`, `/export/rooms/<id>`, `/export/all`. */
export const EXPORT_PREFIX = '/export';

const SIGN_IN = fail(ErrorCode.UNAUTHENTICATED, 'sign in to an account to export data');
const ROUTES = fail(ErrorCode.UNKNOWN_EVENT, 'GET /export/me, /export/rooms/<id> or /export/all');

/** The limit every export pays before anything is looked up, so that forged tokens cost their sender. */
const ADDRESS_LIMIT = 'exports.address';

/** Headers of an export: a download, never shown as a page, never cached. */
const downloadHeaders = ({ type, filename }: ExportDownload): Record<string, string> => ({
  'content-type': type,
  'content-disposition': `attachment; filename="${filename}"`,
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cache-control': 'no-store',
});

/** The event of an export URL, with its payload. */
function routeOf(path: string): { readonly event: 'export:me' | 'export:room' | 'export:all'; readonly payload: object } | undefined {
  const route = /^\/export\/(?:(me)|(all)|rooms\/(\d{1,10}))$/.exec(path);
  if (!route) return undefined;
  const [, me, all, roomText] = route;
  if (me) return { event: 'export:me', payload: {} };
  if (all) return { event: 'export:all', payload: {} };
  return { event: 'export:room', payload: { roomId: Number(roomText) } };
}

/**
 * The export doorway: `GET /export/me` (`export:me`, any account: its own data as JSON),
 * `GET /export/rooms/<id>` (`export:room`) and `GET /export/all` (`export:all`), admins only,
 * NDJSON, audited by their handlers (src/events/exports/). Each URL is an event of the table,
 * run by the pipeline as every call is (schema, access, handler, the one failure mapping), as
 * the account of `Authorization: Bearer <session token>` or of the session cookie of a
 * trusted origin (src/auth/request-account.ts), as at the file doorway; a guest is refused
 * (401), an account without the role 403. The address pays `exports.address` before any token
 * is looked up, the account the rest of the event's price after. The handler answers the
 * download's name, type and writer; the doorway sends the headers, then streams the body a
 * page at a time (src/store/exports.ts), waiting for a slow reader (ResponseOut).
 */
export function createExportDoorway(options: { readonly pipeline: EventPipeline }): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { pipeline } = options;
  const { services } = pipeline;
  const log = services.log.child({ module: 'export' });

  const serve = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    request.resume();
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(response, 405, fail(ErrorCode.UNKNOWN_EVENT, 'exports are downloaded with GET'));
    const address = clientAddress(request, services.config.trustedProxies);
    if (!(await services.prices.charge([ADDRESS_LIMIT], httpPayer('', address)))) return json(response, 429, RATE_LIMITED);
    const user = await accountOfRequest(request, services);
    if (!user) return json(response, 401, SIGN_IN);
    const route = routeOf(path);
    const spec = route && pipeline.spec(route.event);
    if (!route || !spec) return json(response, 404, ROUTES);
    if (!(await services.prices.charge(priceAfterAddress(spec.price, ADDRESS_LIMIT), httpPayer(user.id, address)))) {
      return json(response, 429, RATE_LIMITED);
    }
    const result = ackOf(await pipeline.run(route.event, spec, route.payload, { httpAccount: { user, address } })) as Ack<ExportDownload>;
    if (!result.ok) return json(response, statusOf(result), result);
    response.writeHead(200, downloadHeaders(result.data));
    if (request.method === 'HEAD') return void response.end();
    const out = new ResponseOut(response);
    await result.data.write(out);
    out.end();
  };

  return (request, response, path) => {
    serve(request, response, path).catch((error: unknown) => {
      if (error instanceof ExportAborted) return;
      if (response.headersSent) {
        // Half a file must not pass for a whole one: the connection is cut, not ended.
        log.warn({ err: error, path }, 'an export failed midway');
        response.destroy();
        return;
      }
      const failure = pipeline.failure(error, { event: `export doorway ${path}` });
      json(response, statusOf(failure), failure);
    });
  };
}

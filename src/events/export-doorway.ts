import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountOfRequest } from '../auth/request-account.js';
import { streamDeployment, streamRoom } from '../export/deployment-export.js';
import { ExportAborted, StreamOut } from '../export/stream-out.js';
import { streamUserExport } from '../export/user-export.js';
import { statusOf } from '../http/answer-status.js';
import { clientAddress } from '../http/client-address.js';
import { json } from '../http/json-body.js';
import type { LimitName } from '../limits/catalog.js';
import { atLeast } from '../moderation/roles.js';
import { ErrorCode, fail } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import { httpPayer, RATE_LIMITED } from './integration-price.js';
import type { EventPipeline } from './pipeline.js';

/** Where data exports are downloaded: `/export/me`, `/export/rooms/<id>`, `/export/all`. */
export const EXPORT_PREFIX = '/export';

const SIGN_IN = fail(ErrorCode.UNAUTHENTICATED, 'sign in to an account to export data');
const ADMINS_ONLY = fail(ErrorCode.FORBIDDEN, 'exporting a room or the deployment needs the admin role');
const NO_ROOM = fail(ErrorCode.UNKNOWN_ROOM, 'no such room');
const ROUTES = fail(ErrorCode.UNKNOWN_EVENT, 'GET /export/me, /export/rooms/<id> or /export/all');

/** Every export pays these, the address before anything is looked up (so forged tokens cost their sender), then the account. */
const ADDRESS_PRICE: readonly LimitName[] = ['exports.address'];
const USER_PRICE: readonly LimitName[] = ['exports.user'];

/** Headers of an export: a download, never shown as a page, never cached. */
const downloadHeaders = (type: string, filename: string): Record<string, string> => ({
  'content-type': type,
  'content-disposition': `attachment; filename="${filename}"`,
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cache-control': 'no-store',
});

/**
 * The export doorway. `GET /export/me`: the caller's own data as one JSON document
 * (src/export/user-export.ts), for any signed-in account. `GET /export/rooms/<id>`: a room's
 * events as NDJSON; `GET /export/all`: the whole deployment as NDJSON
 * (src/export/deployment-export.ts): admins only, each recorded in the audit log before it
 * starts. The caller is the account of `Authorization: Bearer <session token>` or of the
 * session cookie of a trusted origin (src/auth/request-account.ts), as at the file doorway;
 * a guest is refused (401), another account 403. Each export is priced per address, then per
 * account (`exports.*`), and streamed a page at a time (src/store/exports.ts).
 */
export function createExportDoorway(options: { readonly pipeline: EventPipeline }): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { pipeline } = options;
  const { services } = pipeline;
  const log = services.log.child({ module: 'export' });

  const audit = (user: PublicUser, roomId: number | null, detail: string): Promise<void> =>
    services.store.moderation.recordAudit({ at: Date.now(), actor: user.id, actorName: user.name, action: 'export', target: null, roomId, detail });

  const serve = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    request.resume();
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(response, 405, fail(ErrorCode.UNKNOWN_EVENT, 'exports are downloaded with GET'));
    const address = clientAddress(request, services.config.trustedProxies);
    if (!(await services.prices.charge(ADDRESS_PRICE, httpPayer('', address)))) return json(response, 429, RATE_LIMITED);
    const user = await accountOfRequest(request, services);
    if (!user) return json(response, 401, SIGN_IN);
    const route = /^\/export\/(?:(me)|(all)|rooms\/(\d{1,10}))$/.exec(path);
    if (!route) return json(response, 404, ROUTES);
    const [, me, all, roomText] = route;
    if (!me && !atLeast(await services.moderation.rankOf(user), 'admin')) return json(response, 403, ADMINS_ONLY);
    if (!(await services.prices.charge(USER_PRICE, httpPayer(user.id, address)))) return json(response, 429, RATE_LIMITED);
    const out = new StreamOut(response);
    if (me) {
      const account = await services.store.exports.exportedAccount(Number(user.id.slice(2)));
      if (!account) return json(response, 401, SIGN_IN);
      response.writeHead(200, downloadHeaders('application/json; charset=utf-8', `parley-${account.username}.json`));
      if (request.method === 'HEAD') return void response.end();
      await streamUserExport(services, account, out);
    } else if (all) {
      await audit(user, null, 'exported the deployment');
      response.writeHead(200, downloadHeaders('application/x-ndjson; charset=utf-8', 'parley-deployment.ndjson'));
      if (request.method === 'HEAD') return void response.end();
      await streamDeployment(services, out);
    } else {
      const roomId = Number(roomText);
      const room = await services.store.rooms.roomById(roomId);
      if (!room) return json(response, 404, NO_ROOM);
      await audit(user, roomId, `exported room ${room.name}`);
      response.writeHead(200, downloadHeaders('application/x-ndjson; charset=utf-8', `parley-room-${roomId}.ndjson`));
      if (request.method === 'HEAD') return void response.end();
      await streamRoom(services, roomId, out);
    }
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

import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountOfRequest } from '../auth/request-account.js';
import { statusOf } from '../http/answer-status.js';
import { clientAddress } from '../http/client-address.js';
import { BadBody, json, readBytes } from '../http/json-body.js';
import { INLINE_IMAGE_TYPES } from '../files/sniff.js';
import { makeThumbnail } from '../files/thumbnails.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import type { FileContent } from '../shared/protocol/files.js';
import { httpPayer, priceAfterAddress, RATE_LIMITED } from './integration-price.js';
import { ackOf, type EventPipeline, type Outcome } from './pipeline.js';

/** Where files are uploaded (`POST /files`) and fetched (`GET /files/<id>`). */
export const FILES_PREFIX = '/files';

const SIGN_IN = fail(ErrorCode.UNAUTHENTICATED, 'sign in to an account to share and open files');
const NO_FILE = fail(ErrorCode.UNKNOWN_MESSAGE, 'no such file');

/**
 * Headers that keep a file from acting as a page of Parley's origin: the type is the one read
 * from the bytes and the browser may not guess another (nosniff); a sandbox CSP with nothing
 * allowed, so even a page opened directly runs no script and reaches nothing; anything but a
 * safe raster image is a download (Content-Disposition: attachment); and other sites may not
 * embed it (Cross-Origin-Resource-Policy).
 */
function fileHeaders(content: FileContent): Record<string, string> {
  const { type, name } = content.info;
  const inline = INLINE_IMAGE_TYPES.has(type);
  return {
    'content-type': type === 'text/plain' ? 'text/plain; charset=utf-8' : type,
    'content-length': String(content.bytes.byteLength),
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'same-origin',
    // Private: the access check is per person, so no shared cache may keep it.
    'cache-control': 'private, max-age=300',
  };
}

/**
 * The file doorway. `POST /files?roomId=<id>&name=<name>` with the file as the body uploads
 * (`file:upload`); `GET /files/<id>` fetches (`file:get`, the room read from the file's
 * metadata in the Store); `GET /files/<id>/thumbnail` fetches the same way and serves a small
 * image made by makeThumbnail (files/thumbnails.ts; the original when it makes none), for
 * images shown inline only. Both enter the same pipeline as every call (pipeline.ts: payload, access,
 * handler, the one failure mapping), as the account of the `Authorization: Bearer <session
 * token>` header or of the browser's session cookie (a page of a trusted origin only); a
 * guest is refused (401). Each request is priced first: its address before anything is
 * looked up, then the account (src/limits/catalog.ts: `uploads.*`, `file-reads.address`),
 * so that forged tokens cost their sender; the access check is made
 * on every request, so a URL that leaked opens nothing for someone who may not read the room.
 */
export function createFileDoorway(options: { readonly pipeline: EventPipeline }): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { pipeline } = options;
  const { services } = pipeline;
  const uploadSpec = pipeline.spec('file:upload');
  const getSpec = pipeline.spec('file:get');
  if (!uploadSpec || !getSpec) throw new Error('the event table lacks the file events');

  const whoAsks = (request: IncomingMessage): Promise<PublicUser | undefined> => accountOfRequest(request, services);

  const serve = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    const address = clientAddress(request, services.config.trustedProxies);
    const upload = path === FILES_PREFIX && request.method === 'POST';
    // The address pays before anything is looked up, so that forged tokens cost their sender.
    if (!(await services.prices.charge([upload ? 'uploads.address' : 'file-reads.address'], httpPayer('', address)))) {
      request.resume();
      return json(response, 429, RATE_LIMITED);
    }
    const user = await whoAsks(request);
    if (!user) {
      request.resume();
      return json(response, 401, SIGN_IN);
    }
    const caller = { httpAccount: { user, address } };
    const url = new URL(request.url ?? '/', 'http://files');
    if (upload) {
      const userPrice = priceAfterAddress(uploadSpec.price, 'uploads.address');
      if (!(await services.prices.charge(userPrice, httpPayer(user.id, address)))) {
        request.resume();
        return json(response, 429, RATE_LIMITED);
      }
      const bytes = await readBytes(request, services.config.files.maxBytes, `a file may be at most ${services.config.files.maxBytes} bytes`);
      const payload = { roomId: Number(url.searchParams.get('roomId')), name: url.searchParams.get('name') ?? 'file', bytes };
      return answer(response, await pipeline.run('file:upload', uploadSpec, payload, caller));
    }
    const [, id = '', thumbnail] = /^\/files\/([^/]*)(\/thumbnail)?$/.exec(path) ?? [];
    if (!path.startsWith(`${FILES_PREFIX}/`) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      request.resume();
      return json(response, 404, fail(ErrorCode.UNKNOWN_EVENT, 'POST /files, GET /files/<id> or GET /files/<id>/thumbnail'));
    }
    const record = await services.store.files.file(id);
    if (!record) return json(response, 404, NO_FILE);
    const outcome = await pipeline.run('file:get', getSpec, { roomId: record.roomId, id }, caller);
    const result = ackOf(outcome) as Ack<FileContent>;
    if (!result.ok) return json(response, statusOf(result), result);
    let content = result.data;
    if (thumbnail !== undefined) {
      if (!INLINE_IMAGE_TYPES.has(content.info.type)) return json(response, 404, fail(ErrorCode.UNKNOWN_MESSAGE, 'only images have thumbnails'));
      const small = await makeThumbnail(Buffer.from(content.bytes), content.info.type);
      // Only an image type shown inline keeps the safe headers' promise; anything else is refused.
      if (small && INLINE_IMAGE_TYPES.has(small.type)) content = { info: { ...content.info, type: small.type }, bytes: small.bytes };
    }
    response.writeHead(200, fileHeaders(content));
    response.end(request.method === 'HEAD' ? undefined : content.bytes);
  };

  return (request, response, path) => {
    serve(request, response, path).catch((error: unknown) => {
      if (error instanceof BadBody) {
        const code = error.status === 413 ? ErrorCode.FILE_TOO_LARGE : ErrorCode.INVALID_PAYLOAD;
        return json(response, error.status, fail(code, error.message));
      }
      const failure = pipeline.failure(error, { event: `file doorway ${path}` });
      json(response, statusOf(failure), failure);
    });
  };
}

function answer(response: ServerResponse, outcome: Outcome): void {
  const result = ackOf(outcome);
  json(response, statusOf(result), result);
}

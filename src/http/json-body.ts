import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request body the server will not read: too large (413), not JSON (400), not a type it takes (415). */
export class BadBody extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Answers `body` as JSON, never cached. */
export const json = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
};

/**
 * A request's body as bytes, at most `maxBytes`: a larger one is refused as soon as it is
 * seen, by its Content-Length or by what arrived (BadBody, 413, saying `tooLarge`), and the
 * rest is read and dropped (the server's request timeout bounds it), so that the answer
 * still reaches the client.
 */
export function readBytes(request: IncomingMessage, maxBytes: number, tooLarge = `the body is larger than ${maxBytes} bytes`): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      request.resume();
      return reject(new BadBody(tooLarge, 413));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(new BadBody(tooLarge, 413));
      } else chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * The request's body as JSON (undefined when empty), at most `maxBytes` (readBytes). With
 * `form: true`, an `application/x-www-form-urlencoded` body that is `payload=…` has that
 * field read as the JSON instead (the form Slack's and Mattermost's older senders post).
 */
export async function readJson(request: IncomingMessage, maxBytes: number, options: { readonly form?: boolean } = {}): Promise<unknown> {
  let text = (await readBytes(request, maxBytes)).toString('utf8');
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  // curl's -d sends JSON labelled as a form: only a `payload` field makes it one.
  if (options.form && type === 'application/x-www-form-urlencoded' && text.startsWith('payload=')) {
    text = new URLSearchParams(text).get('payload') ?? '';
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadBody('the body is not JSON', 400);
  }
}

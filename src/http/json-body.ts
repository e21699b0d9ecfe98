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
 * The request's body as JSON (undefined when empty), at most `maxBytes`: a larger one is
 * refused as soon as it is seen, by its Content-Length or by what arrived. With
 * `form: true`, an `application/x-www-form-urlencoded` body that is `payload=…` has that
 * field read as the JSON instead (the form Slack's and Mattermost's older senders post).
 */
export function readJson(request: IncomingMessage, maxBytes: number, options: { readonly form?: boolean } = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      // The rest is read and dropped (the server's request timeout bounds it), so the answer still reaches the client.
      request.resume();
      return reject(new BadBody(`the body is larger than ${maxBytes} bytes`, 413));
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
        reject(new BadBody(`the body is larger than ${maxBytes} bytes`, 413));
      } else chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      if (refused) return;
      let text = Buffer.concat(chunks).toString('utf8');
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      // curl's -d sends JSON labelled as a form: only a `payload` field makes it one.
      if (options.form && type === 'application/x-www-form-urlencoded' && text.startsWith('payload=')) {
        text = new URLSearchParams(text).get('payload') ?? '';
      }
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BadBody('the body is not JSON', 400));
      }
    });
  });
}

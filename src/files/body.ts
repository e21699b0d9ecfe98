import type { IncomingMessage } from 'node:http';
import { BadBody } from '../http/json-body.js';

/**
 * A request's body as bytes, at most `maxBytes`: a larger one is refused as soon as it is
 * seen, by its Content-Length or by what arrived (BadBody, 413), and the rest is read and
 * dropped so that the answer still reaches the client.
 */
export function readBytes(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): BadBody => new BadBody(`a file may be at most ${maxBytes} bytes`, 413);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      request.resume();
      return reject(tooLarge());
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
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
  });
}

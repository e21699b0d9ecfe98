import http from 'node:http';
import https from 'node:https';
import type { AddressGuard } from './address-guard.js';
import { sign } from './signing.js';

/** What a receiver answered: its status and (at most MAX_ANSWER bytes of) its body. */
export interface ReceiverAnswer {
  readonly status: number;
  readonly body: string;
}

/** The most of a receiver's answer read: a reply is one message, so more is refused. */
const MAX_ANSWER = 64 * 1024;

/**
 * POSTs `body` (JSON) to `url`, signed with `secret` (./signing.ts), through `guard`'s
 * lookup: the connection goes only to an address the guard checked. Redirects are not
 * followed (a 3xx is a failure), so a receiver cannot bounce the request inward. Rejects on a
 * refused address, a network error, a timeout or an oversize answer.
 */
export function signedPost(
  url: URL,
  body: string,
  headers: { readonly secret: string; readonly eventId: string; readonly event: string },
  guard: AddressGuard,
  timeoutMs: number,
): Promise<ReceiverAnswer> {
  try {
    guard.checkLiteral(url);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  const timestamp = Math.floor(Date.now() / 1000);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: guard.lookup,
        // No pooled socket: each request's address is the one checked for it.
        agent: false,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Parley-Webhooks',
          'x-parley-event': headers.event,
          'x-parley-event-id': headers.eventId,
          'x-parley-timestamp': String(timestamp),
          'x-parley-signature': sign(headers.secret, timestamp, body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER) request.destroy(new Error(`answer over ${MAX_ANSWER} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

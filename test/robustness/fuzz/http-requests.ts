import http from 'node:http';
import net from 'node:net';

/** What came back: the status (0 when nothing did before the deadline) and the body text. */
export interface Reply {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP request with node:http, on a connection of its own (Parley's sticky router
 * reads one request per connection). Never rejects: a reset, a refusal or the deadline
 * gives status 0.
 */
export function httpRequest(
  port: number,
  method: string,
  path: string,
  body: Buffer | string | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Reply> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (reply: Reply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(reply);
    };
    const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', () => done({ status: response.statusCode ?? 0, body: '' }));
    });
    const timer = setTimeout(() => done({ status: 0, body: '' }), timeoutMs);
    request.on('error', () => done({ status: 0, body: '' }));
    request.end(body);
  });
}

/**
 * Writes `bytes` as they are on a fresh TCP connection (for requests node:http will not
 * send: a negative or huge Content-Length, a broken chunked body) and resolves with the
 * status of the first response line, or 0 if the server said nothing before the deadline.
 */
export function rawRequest(port: number, bytes: Buffer, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      resolve({ status: status ? Number(status[1]) : 0, body: received });
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      // One response is all a case needs; the headers of a 4xx say enough.
      if (received.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

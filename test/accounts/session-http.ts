import http from 'node:http';

/** What a plain HTTP request was answered. */
export interface HttpAnswer {
  readonly status: number;
  readonly setCookie: string | undefined;
}

/** Sends one request with node:http (no cookie jar, so every header is the test's own). */
export function httpRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, setCookie: response.headers['set-cookie']?.[0] }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** The `parley_session` value a Set-Cookie header sets. */
export const cookieValue = (setCookie: string | undefined): string | undefined => /^parley_session=([^;]+)/.exec(setCookie ?? '')?.[1];

/** The first long-polling request of a Socket.IO handshake, with `cookie` if given. */
export const handshake = (baseUrl: string, cookie?: string): Promise<HttpAnswer> =>
  httpRequest(`${baseUrl}/socket.io/?EIO=4&transport=polling`, cookie === undefined ? {} : { headers: { cookie: `parley_session=${cookie}` } });

/** `POST /session` from a page of the server, with a sign-in's exchange code or '' for a fresh cookie. */
export const exchange = (baseUrl: string, code: string, headers: Record<string, string> = { origin: baseUrl }): Promise<HttpAnswer> =>
  httpRequest(`${baseUrl}/session`, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: code });

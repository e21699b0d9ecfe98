import type { ServerResponse } from 'node:http';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);

/**
 * The page a sign-in that went wrong ends on: the reason in plain words (escaped: part of it
 * may come from the provider) and a way back to the chat. No script, no outside resource.
 */
export function errorPage(response: ServerResponse, status: number, reason: string, extraHeaders: Record<string, string | string[]> = {}): void {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · Parley</title></head>
<body><main><h1>Sign-in failed</h1><p id="reason">${escapeHtml(reason)}</p><p><a href="/">Back to the chat</a></p></main></body></html>
`;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
    ...extraHeaders,
  });
  response.end(body);
}

/** A redirect (303: the browser follows with a GET) that no cache keeps. */
export function redirect(response: ServerResponse, location: string, extraHeaders: Record<string, string | string[]> = {}): void {
  response.writeHead(303, { location, 'cache-control': 'no-store', ...extraHeaders }).end();
}

// A browser's part of an OpenID Connect sign-in over plain HTTP: a cookie jar per host and
// port, redirects followed one by one, and the provider's development login and consent
// forms submitted as a person would.

/** Cookies by origin and name (paths ignored: every cookie of these tests is for its origin). */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  /** The `Cookie` header for `url`, if any. */
  header(url: URL): string | undefined {
    const held = this.cookies.get(url.origin);
    return held && held.size > 0 ? [...held].map(([name, value]) => `${name}=${value}`).join('; ') : undefined;
  }

  /** Keeps what `response` (an answer from `url`) sets; Max-Age=0 or an empty value forgets. */
  take(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const held = this.cookies.get(url.origin) ?? new Map<string, string>();
      this.cookies.set(url.origin, held);
      if (value === '' || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))) held.delete(name);
      else held.set(name, value);
    }
  }

  get(origin: string, name: string): string | undefined {
    return this.cookies.get(new URL(origin).origin)?.get(name);
  }

  set(origin: string, name: string, value: string): void {
    const held = this.cookies.get(new URL(origin).origin) ?? new Map<string, string>();
    held.set(name, value);
    this.cookies.set(new URL(origin).origin, held);
  }
}

/** One request without following redirects, with the jar's cookies; the jar keeps what it sets. */
export async function step(jar: CookieJar, url: string | URL, init: RequestInit = {}): Promise<Response> {
  const target = new URL(url);
  const cookie = jar.header(target);
  const headers = new Headers(init.headers);
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(target, { ...init, headers, redirect: 'manual' });
  jar.take(target, response);
  return response;
}

/** Where a redirect leads, resolved against the URL it answered. */
const locationOf = (from: string | URL, response: Response): URL | undefined => {
  const location = response.headers.get('location');
  return response.status >= 300 && response.status < 400 && location ? new URL(location, from) : undefined;
};

/**
 * Starts a sign-in at Parley (`parleyUrl`) and goes through the provider's login (as
 * `subject`) and consent, up to the redirect back to Parley's callback, which is answered
 * with the callback URL, not requested. Bounded: at most 20 requests.
 */
export async function driveToCallback(jar: CookieJar, parleyUrl: string, subject: string): Promise<URL> {
  let url = new URL('/auth/oidc/start', parleyUrl);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const response = await step(jar, url, init);
    init = {};
    const next = locationOf(url, response);
    if (next) {
      if (next.origin === new URL(parleyUrl).origin && next.pathname === '/auth/oidc/callback') return next;
      url = next;
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new Error(`${url.href} answered ${response.status}: ${page.slice(0, 300)}`);
    // The provider's development pages: one form, its action and its prompt (login or consent).
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="([a-z]+)"/.exec(page)?.[1];
    if (!action || !prompt) throw new Error(`no sign-in form at ${url.href}: ${page.slice(0, 300)}`);
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login: subject, password: 'anything' } : { prompt });
    url = new URL(action, url);
    init = { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('the sign-in did not come back to Parley within 20 requests');
}

/** The whole sign-in: to the callback and through it. Answers the callback's response. */
export async function signInAs(jar: CookieJar, parleyUrl: string, subject: string): Promise<Response> {
  const callback = await driveToCallback(jar, parleyUrl, subject);
  return step(jar, callback);
}

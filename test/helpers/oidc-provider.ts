// A real OpenID provider for tests: node-oidc-provider on a free port of 127.0.0.1, with one
// confidential client, accounts whose claims the test sets, and its development login and
// consent pages (any login name is accepted and becomes the subject).
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const TEST_CLIENT_ID = 'parley-test';
export const TEST_CLIENT_SECRET = 'a-client-secret-for-tests-only-0123456789';

export interface TestProvider {
  /** The issuer URL, e.g. http://127.0.0.1:43123 */
  readonly issuer: string;
  /** The claims (besides `sub`) the account with this subject has from now on. */
  setClaims(subject: string, claims: Readonly<Record<string, unknown>>): void;
  close(): Promise<void>;
}

/**
 * Starts the provider; `redirectUri` is the one redirect URI its client may use (Parley's
 * /auth/oidc/callback). `port` makes it listen where a server was told it would be.
 */
export async function startOidcProvider(redirectUri: string, port = 0): Promise<TestProvider> {
  const server = http.createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const claimsBySubject = new Map<string, Readonly<Record<string, unknown>>>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'] },
    // The profile claims go in the ID token itself (as many providers do), not only in userinfo.
    conformIdTokenClaims: false,
    findAccount: (_context, subject) => ({ accountId: subject, claims: () => ({ sub: subject, ...claimsBySubject.get(subject) }) }),
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    setClaims: (subject, claims) => void claimsBySubject.set(subject, claims),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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

export interface TestProviderOptions {
  /** Listen here (where a server was told the provider would be). @default a free port */
  readonly port?: number;
  /**
   * Whether the ID token carries the profile claims (as many providers do); false: only the
   * userinfo endpoint has them, as the specification's strict reading says. @default true
   */
  readonly profileInIdToken?: boolean;
}

/** Starts the provider; `redirectUri` is the one redirect URI its client may use (Parley's /auth/oidc/callback). */
export async function startOidcProvider(redirectUri: string, options: TestProviderOptions = {}): Promise<TestProvider> {
  const port = options.port ?? 0;
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
    conformIdTokenClaims: options.profileInIdToken === false,
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

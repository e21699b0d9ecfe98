// A Parley server with single sign-on against a real OpenID provider (test/helpers/oidc-provider.ts),
// both started before a file's first test and stopped after its last.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startOidcProvider, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestProvider } from '../helpers/oidc-provider.js';
import { freePort, startServer, type RunningServer } from '../helpers/server.js';

export interface SsoWorld {
  readonly server: RunningServer;
  readonly url: string;
  readonly provider: TestProvider;
  /** Closes `socket` after the last test, before the server stops. */
  track<T extends { close(): void }>(socket: T): T;
}

export interface SsoWorldOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly workers?: number;
  /** Runs once the provider is up, before Parley starts (e.g. to make a PostgreSQL database). */
  readonly prepare?: () => Promise<Readonly<Record<string, string>>>;
  readonly dispose?: () => Promise<void>;
}

/** The environment that points Parley on `port` at `issuer`. */
export const oidcEnv = (issuer: string, port: number): Record<string, string> => ({
  PORT: String(port),
  PARLEY_OIDC_ISSUER: issuer,
  PARLEY_OIDC_CLIENT_ID: TEST_CLIENT_ID,
  PARLEY_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
  PARLEY_OIDC_REDIRECT_URL: `http://127.0.0.1:${port}/auth/oidc/callback`,
  PARLEY_OIDC_NAME: 'Test ID',
});

/** Registers the hooks: the provider, then Parley on a free port it knows the callback of. */
export function ssoWorld(options: SsoWorldOptions = {}): SsoWorld {
  let server: RunningServer | undefined;
  let provider: TestProvider | undefined;
  const sockets: { close(): void }[] = [];
  before(async () => {
    const port = await freePort();
    provider = await startOidcProvider(`http://127.0.0.1:${port}/auth/oidc/callback`);
    const extra = (await options.prepare?.()) ?? {};
    server = await startServer({ workers: options.workers ?? 2, env: { ...oidcEnv(provider.issuer, port), ...extra, ...options.env } });
  });
  after(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    if (server) {
      assert.doesNotMatch(server.stderr(), /Uncaught|TypeError|ReferenceError/, 'no worker crashed');
      assert.equal(await server.stop(), 0);
    }
    await provider?.close();
    await options.dispose?.();
  });
  return {
    get server() {
      if (!server) throw new Error('the server is not started yet');
      return server;
    },
    get url() {
      if (!server) throw new Error('the server is not started yet');
      return server.url;
    },
    get provider() {
      if (!provider) throw new Error('the provider is not started yet');
      return provider;
    },
    track: (socket) => {
      sockets.push(socket);
      return socket;
    },
  };
}

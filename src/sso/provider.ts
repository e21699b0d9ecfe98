import * as oidc from 'openid-client';
import type { OidcConfig } from '../config.js';
import type { Logger } from '../log.js';

/** After a failed discovery, requests are refused at once for this long before it is tried again. */
const RETRY_AFTER_MS = 2000;
/** Every request to the provider (discovery, token, keys) gives up after this long. */
const PROVIDER_TIMEOUT_S = 10;

/** The provider could not be reached, or answered its discovery document with nonsense. */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}

/**
 * The OpenID provider as openid-client (v6) sees it: its discovery document, fetched on the
 * first sign-in rather than at start (a provider that is down must not keep Parley from
 * starting), kept once it succeeded, and fetched again on a later sign-in after a failure
 * (at most every RETRY_AFTER_MS, so a dead provider is not asked by every request).
 */
export class OidcProvider {
  private discovered: Promise<oidc.Configuration> | undefined;
  private failedAt = 0;

  constructor(
    readonly config: OidcConfig,
    private readonly log: Logger,
  ) {}

  /** The provider's configuration; rejects with ProviderUnavailableError while it cannot be discovered. */
  configuration(): Promise<oidc.Configuration> {
    if (this.discovered) return this.discovered;
    if (Date.now() - this.failedAt < RETRY_AFTER_MS) return Promise.reject(new ProviderUnavailableError('the sign-in provider is unreachable'));
    const attempt = this.discover().catch((error: unknown) => {
      this.discovered = undefined;
      this.failedAt = Date.now();
      this.log.warn({ err: error, issuer: this.config.issuer }, 'OpenID provider discovery failed; retried at the next sign-in');
      throw new ProviderUnavailableError('the sign-in provider is unreachable');
    });
    this.discovered = attempt;
    return attempt;
  }

  private async discover(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret } = this.config;
    // Plain HTTP only for a provider on this machine (config.ts allows no other): a test or a sidecar.
    const insecure = new URL(issuer).protocol === 'http:';
    const configuration = await oidc.discovery(
      new URL(issuer),
      clientId,
      clientSecret === undefined ? undefined : { client_secret: clientSecret },
      clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(clientSecret),
      { timeout: PROVIDER_TIMEOUT_S, execute: insecure ? [oidc.allowInsecureRequests] : [] },
    );
    this.log.info({ issuer }, 'OpenID provider discovered');
    return configuration;
  }
}

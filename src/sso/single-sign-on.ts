import * as oidc from 'openid-client';
import type { SessionCookies } from '../accounts/session-cookies.js';
import { SESSION_TTL_MS } from '../accounts/session-ttl.js';
import type { Config, OidcConfig } from '../config.js';
import type { Logger } from '../log.js';
import { describeRestriction, type Restrictions } from '../moderation/restrictions.js';
import { hashSecret, newSessionToken } from '../secrets.js';
import type { Store } from '../store/store.js';
import { accountFor } from './bind-account.js';
import { NAME_CLAIMS } from './claimed-name.js';
import { FLOW_TTL_MS, FlowCookies } from './flow-cookie.js';
import type { Refusal } from './provider-errors.js';
import { OidcProvider } from './provider.js';

export interface SingleSignOnOptions {
  readonly oidc: OidcConfig;
  readonly config: Pick<Config, 'secureCookies' | 'trustedProxies'>;
  /** The deployment's secret (the one that signs session cookies): it signs the flow cookie too. */
  readonly secret: string;
  readonly store: Store;
  readonly cookies: SessionCookies;
  readonly restrictions: Restrictions;
  readonly log: Logger;
}

/** A refusal that is the caller's doing: answered with its reason and logged, never thrown further. */
export class SignInRefused extends Error {
  override readonly name = 'SignInRefused';
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

/** A started sign-in: where to send the browser, and the flow cookie's value that ties the callback to it. */
export interface StartedSignIn {
  readonly location: string;
  readonly flowCookie: string;
}

/** A finished sign-in: the account, whether it was made just now, and the new browser session to set as the cookie. */
export interface FinishedSignIn {
  readonly accountId: number;
  readonly created: boolean;
  readonly browserSession: string;
}

/**
 * OpenID Connect sign-in (authorization code flow with PKCE, state and nonce, by openid-client),
 * as the events `sso:start` and `sso:callback` run it (src/events/sso/):
 * - start stores a new flow (Store.sso.saveFlow) and names the provider's URL and the flow
 *   cookie (flow-cookie.ts) that ties this browser to it;
 * - finish takes the flow of the browser's cookie, once, checks the state, trades the code
 *   (PKCE verifier), validates the ID token (signature, issuer, audience, time, nonce), finds
 *   or makes the account bound to (issuer, subject) (bind-account.ts), refuses a banned one,
 *   and binds a new session and a NEW browser session id to it, as a password sign-in does.
 * A refusal of the caller's doing is a SignInRefused; the provider's own failures are
 * openid-client's errors (provider-errors.ts says what each means).
 */
export class SingleSignOn {
  /** The flow cookie: the doorway reads it from requests and writes its header. */
  readonly flows: FlowCookies;
  /** The session cookie a finished sign-in sets. */
  readonly cookies: SessionCookies;
  private readonly provider: OidcProvider;

  constructor(private readonly options: SingleSignOnOptions) {
    this.flows = new FlowCookies(options.secret, options.config);
    this.cookies = options.cookies;
    this.provider = new OidcProvider(options.oidc, options.log);
  }

  async start(): Promise<StartedSignIn> {
    const configuration = await this.provider.configuration();
    const verifier = oidc.randomPKCECodeVerifier();
    const flow = this.flows.issue();
    const now = Date.now();
    const saved = { idHash: hashSecret(flow.id), state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, expiresAt: now + FLOW_TTL_MS };
    await this.options.store.sso.saveFlow(saved, now);
    const target = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.options.oidc.redirectUrl,
      scope: this.options.oidc.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: saved.state,
      nonce: saved.nonce,
    });
    return { location: target.href, flowCookie: flow.value };
  }

  /** Finishes the flow `flowId` (from the browser's cookie; undefined when it had none) with the callback's `query`. */
  async finish(flowId: string | undefined, query: Readonly<Record<string, string>>): Promise<FinishedSignIn> {
    const { store } = this.options;
    if (flowId === undefined) throw new SignInRefused({ status: 400, reason: 'no sign-in was started in this browser (or it took too long); start again' });
    const flow = await store.sso.takeFlow(hashSecret(flowId), Date.now());
    if (!flow) throw new SignInRefused({ status: 400, reason: 'this sign-in was finished already or has expired; start again' });
    // Checked here as well as by openid-client, to say plainly what was wrong.
    if (query.state !== flow.state) throw new SignInRefused({ status: 400, reason: 'the state does not match the sign-in this browser started; start again' });
    const configuration = await this.provider.configuration();
    // The address the provider sent the browser to, whatever host or proxy it came through: the redirect_uri sent with the code.
    const current = new URL(this.options.oidc.redirectUrl);
    current.search = new URLSearchParams(query).toString();
    const tokens = await oidc.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new SignInRefused({ status: 400, reason: 'the sign-in provider sent no ID token' });
    const identity = { issuer: claims.iss, subject: claims.sub };
    const { account, created } = await accountFor(store, identity, () => this.nameClaims(configuration, tokens.access_token, claims));
    const ban = this.options.restrictions.banOf(`a:${account.id}`);
    if (ban) throw new SignInRefused({ status: 403, reason: describeRestriction(ban) });
    const browserSession = await this.bindNewBrowserSession(account.id);
    this.options.log.info({ accountId: account.id, created, issuer: identity.issuer }, 'signed in with OpenID Connect');
    return { accountId: account.id, created, browserSession };
  }

  /**
   * The claims a new account is named from: the ID token's, and when it has no name claim
   * (a provider that keeps the profile for its userinfo endpoint), the userinfo's besides.
   * Best effort: a userinfo that fails leaves the ID token's (the name is then `user-…`).
   */
  private async nameClaims(configuration: oidc.Configuration, accessToken: string, claims: oidc.IDToken): Promise<Readonly<Record<string, unknown>>> {
    if (NAME_CLAIMS.some((claim) => typeof claims[claim] === 'string') || configuration.serverMetadata().userinfo_endpoint === undefined) return claims;
    try {
      // The subject is checked against the ID token's: userinfo may not name someone else.
      return { ...(await oidc.fetchUserInfo(configuration, accessToken, claims.sub)), ...claims };
    } catch (error) {
      this.options.log.warn({ err: error }, 'userinfo not read; the new account is named without it');
      return claims;
    }
  }

  /**
   * A new session of the account and a new browser session id bound to it: what a password
   * sign-in binds (src/accounts/sign-in.ts), minus the exchange code, since this answer can set
   * the cookie itself. The browser's earlier cookie is never bound (it may have been planted).
   */
  private async bindNewBrowserSession(accountId: number): Promise<string> {
    const browserSession = this.options.cookies.issue();
    const now = Date.now();
    await this.options.store.accounts.createSession({ tokenHash: hashSecret(newSessionToken()), accountId, expiresAt: now + SESSION_TTL_MS, browserHash: hashSecret(browserSession) }, now);
    return browserSession;
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import * as oidc from 'openid-client';
import type { Config, OidcConfig } from '../config.js';
import type { SessionCookies } from '../accounts/session-cookies.js';
import { SESSION_TTL_MS } from '../accounts/session-ttl.js';
import { clientAddress } from '../http/client-address.js';
import { httpPayer } from '../events/integration-price.js';
import type { Prices } from '../limits/price.js';
import type { Logger } from '../log.js';
import { describeRestriction, type Restrictions } from '../moderation/restrictions.js';
import { hashSecret, newSessionToken } from '../secrets.js';
import type { Store } from '../store/store.js';
import { accountFor } from './bind-account.js';
import { NAME_CLAIMS } from './claimed-name.js';
import { FLOW_TTL_MS, FlowCookies } from './flow-cookie.js';
import { errorPage, redirect } from './pages.js';
import { providerRefusal, type Refusal } from './provider-errors.js';
import { OidcProvider } from './provider.js';

export const OIDC_START_PATH = '/auth/oidc/start';
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';

export interface OidcDoorwayOptions {
  readonly oidc: OidcConfig;
  readonly config: Pick<Config, 'secureCookies' | 'trustedProxies'>;
  /** The deployment's secret (the one that signs session cookies): it signs the flow cookie too. */
  readonly secret: string;
  readonly store: Store;
  readonly cookies: SessionCookies;
  readonly prices: Prices;
  readonly restrictions: Restrictions;
  readonly log: Logger;
}

/** A refusal that is the caller's doing: answered with its reason and logged, never thrown further. */
class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

/**
 * OpenID Connect sign-in (authorization code flow with PKCE, state and nonce, by openid-client):
 * - `GET /auth/oidc/start` stores a new flow (Store.sso.saveFlow), sets the flow cookie
 *   (flow-cookie.ts) and redirects the browser to the provider;
 * - `GET /auth/oidc/callback` takes the flow of this browser's cookie, once, checks the
 *   state, trades the code (PKCE verifier), validates the ID token (signature, issuer,
 *   audience, time, nonce), finds or makes the account bound to (issuer, subject)
 *   (bind-account.ts) and signs the browser in as a password sign-in does: a new session
 *   and a NEW `parley_session` cookie bound to it, then back to `/`.
 * Both pay `sso.address` first (src/limits/catalog.ts). A refusal is a page with its reason:
 * 400 for a callback without a started flow, a forged or replayed state, a wrong nonce or a
 * refused code; 403 for a banned account; 429 past the limit; 502 when the provider is down.
 */
export function createOidcDoorway(options: OidcDoorwayOptions): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { store, log } = options;
  const provider = new OidcProvider(options.oidc, log);
  const flows = new FlowCookies(options.secret, options.config);

  const start = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const configuration = await provider.configuration();
    const verifier = oidc.randomPKCECodeVerifier();
    const flow = flows.issue();
    const now = Date.now();
    const saved = { idHash: hashSecret(flow.id), state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, expiresAt: now + FLOW_TTL_MS };
    await store.sso.saveFlow(saved, now);
    const target = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: options.oidc.redirectUrl,
      scope: options.oidc.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: saved.state,
      nonce: saved.nonce,
    });
    redirect(response, target.href, { 'set-cookie': flows.header(flow.value, request) });
  };

  const callback = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const flowId = flows.fromRequest(request);
    if (flowId === undefined) throw new Refused({ status: 400, reason: 'no sign-in was started in this browser (or it took too long); start again' });
    const flow = await store.sso.takeFlow(hashSecret(flowId), Date.now());
    if (!flow) throw new Refused({ status: 400, reason: 'this sign-in was finished already or has expired; start again' });
    const query = new URL(request.url ?? '/', 'http://callback').searchParams;
    // Checked here as well as by openid-client, to say plainly what was wrong.
    if (query.get('state') !== flow.state) throw new Refused({ status: 400, reason: 'the state does not match the sign-in this browser started; start again' });
    const configuration = await provider.configuration();
    // The address the provider sent the browser to, whatever host or proxy it came through: the redirect_uri sent with the code.
    const current = new URL(options.oidc.redirectUrl);
    current.search = query.toString();
    const tokens = await oidc.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Refused({ status: 400, reason: 'the sign-in provider sent no ID token' });
    const identity = { issuer: claims.iss, subject: claims.sub };
    const { account, created } = await accountFor(store, identity, () => nameClaims(configuration, tokens.access_token, claims));
    const ban = options.restrictions.banOf(`a:${account.id}`);
    if (ban) throw new Refused({ status: 403, reason: describeRestriction(ban) });
    const cookie = await bindNewBrowserSession(store, options.cookies, account.id);
    log.info({ accountId: account.id, created, issuer: identity.issuer }, 'signed in with OpenID Connect');
    redirect(response, '/', { 'set-cookie': [options.cookies.header(cookie, request), flows.header('', request)] });
  };

  /**
   * The claims a new account is named from: the ID token's, and when it has no name claim
   * (a provider that keeps the profile for its userinfo endpoint), the userinfo's besides.
   * Best effort: a userinfo that fails leaves the ID token's (the name is then `user-…`).
   */
  const nameClaims = async (configuration: oidc.Configuration, accessToken: string, claims: oidc.IDToken): Promise<Readonly<Record<string, unknown>>> => {
    if (NAME_CLAIMS.some((claim) => typeof claims[claim] === 'string') || configuration.serverMetadata().userinfo_endpoint === undefined) return claims;
    try {
      // The subject is checked against the ID token's: userinfo may not name someone else.
      return { ...(await oidc.fetchUserInfo(configuration, accessToken, claims.sub)), ...claims };
    } catch (error) {
      log.warn({ err: error }, 'userinfo not read; the new account is named without it');
      return claims;
    }
  };

  return (request, response, path) => {
    const address = clientAddress(request, options.config.trustedProxies);
    const serve = async (): Promise<void> => {
      if (request.method !== 'GET') throw new Refused({ status: 405, reason: 'sign-in pages answer GET only' });
      const isStart = path === OIDC_START_PATH;
      if (!isStart && path !== OIDC_CALLBACK_PATH) throw new Refused({ status: 404, reason: 'no such page' });
      if (!(await options.prices.charge(['sso.address'], httpPayer('', address)))) throw new Refused({ status: 429, reason: 'too many sign-ins from this address; wait a minute' });
      await (isStart ? start(request, response) : callback(request, response));
    };
    serve().catch((error: unknown) => {
      const refusal = error instanceof Refused ? error.refusal : providerRefusal(error);
      if (refusal) {
        log.warn({ address, path, status: refusal.status, reason: refusal.reason, err: error instanceof Refused ? undefined : error }, 'OpenID Connect sign-in refused');
        // A refused callback's flow is spent: its cookie goes too. A refused start leaves alone a flow another tab may be in.
        return errorPage(response, refusal.status, refusal.reason, path === OIDC_CALLBACK_PATH ? { 'set-cookie': flows.header('', request) } : {});
      }
      log.error({ err: error, path }, 'OpenID Connect sign-in failed');
      errorPage(response, 503, 'the sign-in could not be finished; try again in a moment');
    });
  };
}

/**
 * A new session of the account and a new browser session id bound to it: what a password
 * sign-in binds (src/accounts/sign-in.ts), minus the exchange code, since this answer can set
 * the cookie itself. The browser's earlier cookie is never bound (it may have been planted).
 */
async function bindNewBrowserSession(store: Store, cookies: SessionCookies, accountId: number): Promise<string> {
  const browserSession = cookies.issue();
  const now = Date.now();
  await store.accounts.createSession({ tokenHash: hashSecret(newSessionToken()), accountId, expiresAt: now + SESSION_TTL_MS, browserHash: hashSecret(browserSession) }, now);
  return browserSession;
}

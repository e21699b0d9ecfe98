import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusOf } from '../http/answer-status.js';
import { clientAddress } from '../http/client-address.js';
import { ErrorCode } from '../shared/errors.js';
import { OIDC_CALLBACK_PATH, OIDC_START_PATH, type SsoSignedIn, type SsoStarted } from '../shared/protocol/sso.js';
import { errorPage, redirect } from '../sso/pages.js';
import { httpPayer, priceOf } from './integration-price.js';
import { ackOf, type EventPipeline } from './pipeline.js';

/** Failures that are nobody's doing at the door (the store, a bug): the page says to try again. */
const TRY_AGAIN = new Set<string>([ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL]);

/**
 * The single sign-on doorway, pages a browser navigates to: `GET /auth/oidc/start`
 * (`sso:start`: a new flow, its cookie set, then a redirect to the provider) and
 * `GET /auth/oidc/callback` (`sso:callback`: the flow of this browser's cookie finished with
 * the provider's answer, then back to `/` with a new session cookie). Each is an event of the
 * table run by the pipeline as every call is (schema, access `visitor`, handler, the one
 * failure mapping; src/events/sso/), priced per address (`sso.address`) before it runs. A
 * refusal is a page with its reason (src/sso/pages.ts): 400 SIGN_IN_REFUSED or
 * INVALID_PAYLOAD, 403 BANNED, 429 past the limit, 502 PROVIDER_UNAVAILABLE; a refused
 * callback's flow is spent, so its cookie goes too.
 */
export function createSsoDoorway(options: { readonly pipeline: EventPipeline }): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { pipeline } = options;
  const { services } = pipeline;
  const { sso } = services;
  const startSpec = pipeline.spec('sso:start');
  const callbackSpec = pipeline.spec('sso:callback');
  if (!sso || !startSpec || !callbackSpec) throw new Error('single sign-on is not configured, or the event table lacks its events');

  const serve = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    request.resume();
    if (request.method !== 'GET') return errorPage(response, 405, 'sign-in pages answer GET only');
    const isStart = path === OIDC_START_PATH;
    if (!isStart && path !== OIDC_CALLBACK_PATH) return errorPage(response, 404, 'no such page');
    const spec = isStart ? startSpec : callbackSpec;
    const address = clientAddress(request, services.config.trustedProxies);
    if (!(await services.prices.charge(priceOf(spec.price, undefined), httpPayer('', address)))) {
      return errorPage(response, 429, 'too many sign-ins from this address; wait a minute');
    }
    const payload = isStart ? {} : { flowId: sso.flows.fromRequest(request), query: Object.fromEntries(new URL(request.url ?? '/', 'http://callback').searchParams) };
    const answer = ackOf(await pipeline.run(isStart ? 'sso:start' : 'sso:callback', spec, payload, { visitor: { address } }));
    if (!answer.ok) {
      const [status, reason] = TRY_AGAIN.has(answer.error) ? [503, 'the sign-in could not be finished; try again in a moment'] : [statusOf(answer), answer.message];
      // A refused callback's flow is spent: its cookie goes too. A refused start leaves alone a flow another tab may be in.
      return errorPage(response, status, reason, isStart ? {} : { 'set-cookie': sso.flows.header('', request) });
    }
    if (isStart) {
      const started = answer.data as SsoStarted;
      return redirect(response, started.location, { 'set-cookie': sso.flows.header(started.flowCookie, request) });
    }
    const signedIn = answer.data as SsoSignedIn;
    redirect(response, signedIn.location, { 'set-cookie': [sso.cookies.header(signedIn.browserSession, request), sso.flows.header('', request)] });
  };

  return (request, response, path) => {
    serve(request, response, path).catch((error: unknown) => {
      pipeline.failure(error, { event: `sso doorway ${path}` });
      if (!response.headersSent) errorPage(response, 503, 'the sign-in could not be finished; try again in a moment');
    });
  };
}

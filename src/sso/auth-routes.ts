import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import { json } from '../http/json-body.js';
import { SIGN_IN_OPTIONS_PATH, type SignInOptions } from '../shared/protocol/sign-in-options.js';
import { OIDC_START_PATH } from '../shared/protocol/sso.js';

type Doorway = (request: IncomingMessage, response: ServerResponse, path: string) => void;

/**
 * Everything under `/auth/`: `GET /auth/options` (how people may sign in, for the page's
 * dialog) and the OpenID Connect doorway under `/auth/oidc/` (404 when it is not configured).
 * `oidc` is looked up per request: the doorway exists once the server has started.
 */
export function createAuthRoutes(config: Pick<Config, 'oidc' | 'passwords'>, oidc: () => Doorway | undefined): Doorway {
  const options: SignInOptions = {
    passwords: config.passwords,
    sso: config.oidc === undefined ? null : { name: config.oidc.name, start: OIDC_START_PATH },
  };
  return (request, response, path) => {
    if (path === SIGN_IN_OPTIONS_PATH) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return json(response, 200, options);
    }
    if (config.oidc === undefined || !path.startsWith('/auth/oidc/')) return json(response, 404, { error: 'not found' });
    const serve = oidc();
    if (!serve) return void response.writeHead(503, { 'retry-after': '1' }).end();
    serve(request, response, path);
  };
}

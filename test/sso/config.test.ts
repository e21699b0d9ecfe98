import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';

const OIDC = {
  PARLEY_OIDC_ISSUER: 'https://id.example.org',
  PARLEY_OIDC_CLIENT_ID: 'parley',
  PARLEY_OIDC_REDIRECT_URL: 'https://chat.example.org/auth/oidc/callback',
};

test('single sign-on is off by default and passwords on', () => {
  const config = loadConfig({});
  assert.equal(config.oidc, undefined);
  assert.equal(config.passwords, true);
});

test('an issuer with its client id and redirect URL: the defaults of the rest', () => {
  assert.deepEqual(loadConfig(OIDC).oidc, {
    issuer: 'https://id.example.org',
    clientId: 'parley',
    clientSecret: undefined,
    redirectUrl: 'https://chat.example.org/auth/oidc/callback',
    scopes: 'openid profile email',
    name: 'single sign-on',
  });
});

test('incomplete or unsafe settings fail the start with the variable named', () => {
  const refusals: [Record<string, string>, RegExp][] = [
    [{ ...OIDC, PARLEY_OIDC_CLIENT_ID: '' }, /PARLEY_OIDC_CLIENT_ID is required/],
    [{ ...OIDC, PARLEY_OIDC_REDIRECT_URL: '' }, /PARLEY_OIDC_REDIRECT_URL is required/],
    [{ ...OIDC, PARLEY_OIDC_REDIRECT_URL: 'https://chat.example.org/elsewhere' }, /must end in \/auth\/oidc\/callback/],
    [{ ...OIDC, PARLEY_OIDC_ISSUER: 'http://id.example.org' }, /must be an https:\/\/ URL/],
    [{ ...OIDC, PARLEY_OIDC_ISSUER: 'not a url' }, /PARLEY_OIDC_ISSUER/],
    [{ ...OIDC, PARLEY_OIDC_SCOPES: 'profile email' }, /PARLEY_OIDC_SCOPES: must include openid/],
    [{ PARLEY_OIDC_CLIENT_ID: 'parley' }, /PARLEY_OIDC_CLIENT_ID is set but PARLEY_OIDC_ISSUER is not/],
    [{ PARLEY_PASSWORDS: 'off' }, /nobody could sign in to an account/],
    [{ PARLEY_PASSWORDS: 'no' }, /PARLEY_PASSWORDS/],
  ];
  for (const [env, message] of refusals) assert.throws(() => loadConfig(env), message, JSON.stringify(env));
  assert.equal(loadConfig({ ...OIDC, PARLEY_OIDC_ISSUER: 'http://127.0.0.1:9000' }).oidc?.issuer, 'http://127.0.0.1:9000', 'plain HTTP on this machine');
  assert.equal(loadConfig({ ...OIDC, PARLEY_PASSWORDS: 'off' }).passwords, false);
});

import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';

// DHIS2 behaviour: dhis2-core FormLoginBasicAuthenticationEntryPoint, Http401LoginUrlAuthenticationEntryPoint,
// ApiTokenResolver and DhisApiTokenAuthenticationEntryPoint (api-notes §7).
describe('sandbox authentication', async () => {
  const sandbox = await sandboxForFile({ dhis2Version: '2.40', seed: 'empty' });

  it('accepts the demo admin with basic auth', async () => {
    const { status, body } = await api(sandbox, '/api/system/info');
    expect(status).toBe(200);
    expect(body.version).toBe('2.40.0');
  });

  it('answers wrong credentials with the 401 web message', async () => {
    const wrong = `Basic ${Buffer.from('admin:wrong').toString('base64')}`;
    const { status, body } = await api(sandbox, '/api/system/info', { auth: wrong });
    expect(status).toBe(401);
    expect(body).toEqual({
      httpStatus: 'Unauthorized',
      httpStatusCode: 401,
      status: 'ERROR',
      message: 'Unauthorized',
    });
  });

  it('redirects a request without credentials to the login page', async () => {
    const { status, headers } = await api(sandbox, '/api/system/info', { auth: null });
    expect(status).toBe(302);
    expect(headers.get('location')).toContain('/dhis-web-commons/security/login.action');
  });

  it('answers 401 instead of a redirect to an XMLHttpRequest without credentials', async () => {
    const { status } = await api(sandbox, '/api/system/info', {
      auth: null,
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(status).toBe(401);
  });

  it('accepts a personal access token and rejects an unknown one with WWW-Authenticate', async () => {
    const ok = await api(sandbox, '/api/system/info', {
      auth: `ApiToken ${sandbox.seed.adminToken}`,
    });
    expect(ok.status).toBe(200);
    const bad = await api(sandbox, '/api/system/info', { auth: 'ApiToken d2pat_doesnotexist' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^ApiToken error="invalid_token"/);
  });
});

/**
 * Per version (each version's DhisWebApiWebSecurityConfig and its entry points): tokens read by default
 * from 2.38 only (2.36 has none; 2.37 has `enable.api_token.authentication` off by default), so before,
 * an ApiToken header leaves the request anonymous and it is redirected to the login page, which moved
 * in 2.41 (`/dhis-web-login`), 2.42 (`/dhis-web-login/`) and 2.43 (`/login/`).
 */
describe.each([
  ['2.36', false, '/dhis-web-commons/security/login.action'],
  ['2.37.10', false, '/dhis-web-commons/security/login.action'],
  ['2.38', true, '/dhis-web-commons/security/login.action'],
  ['2.40.3', true, '/dhis-web-commons/security/login.action'],
  ['2.41', true, '/dhis-web-login'],
  ['2.42', true, '/dhis-web-login/'],
  ['2.43', true, '/login/'],
] as const)('DHIS2 %s', async (version, tokens, login) => {
  const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'empty' });

  it(`${tokens ? 'takes' : 'redirects'} a personal access token, sends the login to ${login}`, async () => {
    const withToken = await api(sandbox, '/api/system/info', {
      auth: `ApiToken ${sandbox.seed.adminToken}`,
    });
    expect(withToken.status).toBe(tokens ? 200 : 302);
    const anonymous = await api(sandbox, '/api/system/info', { auth: null });
    expect(anonymous.status).toBe(302);
    expect(new URL(anonymous.headers.get('location')!).pathname).toBe(login);
    if (!tokens) expect(withToken.headers.get('location')).toBe(anonymous.headers.get('location'));
    // The page the redirect names exists.
    expect((await fetch(anonymous.headers.get('location')!)).status).toBe(200);
  });

  it('answers every endpoint with its .json suffix too', async () => {
    for (const path of ['/api/system/info', '/api/me']) {
      const plain = await api(sandbox, path);
      const suffixed = await api(sandbox, `${path}.json`);
      expect(suffixed.status).toBe(200);
      // The same answer (system/info's clock fields move between the two calls).
      expect(Object.keys(suffixed.body)).toEqual(Object.keys(plain.body));
      expect(suffixed.body.version ?? suffixed.body.username).toBe(
        plain.body.version ?? plain.body.username,
      );
    }
  });
});

/**
 * A token's owner must be enabled and not expired (`ApiTokenAuthManager`, 2.38 :114-123; 2.43
 * :118-130): else 401 invalid_token "The API token is disabled, locked or 2FA is enabled.".
 */
describe('a personal access token of a disabled user (DHIS2 2.41)', async () => {
  const token = 'd2pat_abcdefghijklmnopqrstuvwxyzABCDEF1234567890';
  const sandbox = await sandboxForFile({
    dhis2Version: '2.41',
    seed: 'empty',
    users: [
      {
        username: 'robot',
        password: 'Robot-2026!',
        authorities: ['F_DATAVALUE_ADD'],
        tokens: [token],
      },
    ],
  });

  it('is refused once its owner is disabled', async () => {
    expect((await api(sandbox, '/api/me', { auth: `ApiToken ${token}` })).status).toBe(200);
    const robot = sandbox.context.metadata.list('users').find((user) => user.username === 'robot')!;
    await api(sandbox, `/api/users/${robot.id}`, { method: 'PATCH', body: { disabled: true } });
    const refused = await api(sandbox, '/api/me', { auth: `ApiToken ${token}` });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('The API token is disabled, locked or 2FA is enabled.');
    expect(refused.headers.get('www-authenticate')).toMatch(/^ApiToken error="invalid_token"/);
  });
});

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

describe('personal access tokens before 2.37', async () => {
  const sandbox = await sandboxForFile({ dhis2Version: '2.36', seed: 'empty' });
  it('are not understood by 2.36, which predates them', async () => {
    const { status } = await api(sandbox, '/api/system/info', {
      auth: `ApiToken ${sandbox.seed.adminToken}`,
    });
    expect(status).toBe(401);
  });
});

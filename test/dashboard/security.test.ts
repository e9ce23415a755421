import { describe, expect, it } from 'vitest';
import { dashboardOnDemo, logInByFetch, loginAnswer } from './harness.ts';

/** What the dashboard refuses, asked as any HTTP client would (no browser to be kind). */
describe('the dashboard refuses', async () => {
  const { dashboard, store } = await dashboardOnDemo();
  const url = dashboard.url;
  const { cookie, csrf } = await logInByFetch(url);
  const start = (headers: Record<string, string>) =>
    fetch(`${url}/api/jobs/immunisation/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ dryRun: true }),
    });

  it('every page and call without a login: pages go to the login, calls get 401', async () => {
    const page = await fetch(`${url}/runs`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fruns');
    for (const path of [
      '/api/jobs',
      '/api/runs',
      '/api/runs/x/events',
      '/api/mapping/immunisation/csv',
      '/api/transition/immunisation/report',
      '/api/runs/x/issues.csv',
      '/api/lockouts',
      '/api/explain/immunisation?dataElement=IMM_BCG_DOSES&period=202608&orgUnit=x',
      '/api/facility-month/immunisation?orgUnit=x&period=202608',
    ]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(401);
    }
    const forged = await fetch(`${url}/api/jobs`, { headers: { cookie: 't2a_session=made-up' } });
    expect(forged.status).toBe(401);
    for (const path of ['/api/runs/x/cancel', '/api/lockouts/hmis-admin/clear'])
      expect((await fetch(`${url}${path}`, { method: 'POST' })).status, path).toBe(401);
  });

  it('to clear a lock-out or cancel a run without the CSRF token', async () => {
    for (const path of ['/api/lockouts/hmis-admin/clear', '/api/runs/x/cancel'])
      expect((await fetch(`${url}${path}`, { method: 'POST', headers: { cookie } })).status).toBe(
        403,
      );
  });

  it('a POST without the CSRF token, with another session’s token, or from another site', async () => {
    expect((await start({ cookie })).status).toBe(403);
    expect((await start({ cookie, 'x-csrf-token': 'not-the-token' })).status).toBe(403);
    const other = await logInByFetch(url);
    expect((await start({ cookie, 'x-csrf-token': other.csrf })).status).toBe(403);
    expect(
      (await start({ cookie, 'x-csrf-token': csrf, origin: 'https://evil.example.org' })).status,
    ).toBe(403);
    expect(await store.runs()).toEqual([]);
    const allowed = await start({ cookie, 'x-csrf-token': csrf, origin: url });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ runId: expect.any(String) });
  });

  it('a login that is not sure: wrong password, unknown user, and after five failures even the right one', async () => {
    const login = (username: string, password: string) => loginAnswer(url, username, password);
    expect(await login('nobody', 'whatever')).toEqual({
      ok: false,
      error: 'User name or password is wrong.',
    });
    for (let i = 0; i < 5; i++)
      expect(await login('hmis-admin', `guess ${i}`)).toMatchObject({ ok: false });
    const locked = await login('hmis-admin', 'correct horse battery');
    expect(locked.ok).toBe(false);
    expect(locked.error).toMatch(
      /^This user name is locked out after five failed logins, until \d\d:\d\d Africa\/Nairobi \(15 minutes\)\. Wait, or ask another administrator to clear the lock-out on the dashboard's Jobs page\.$/,
    );
  });

  it('to be framed, sniffed, or to load anything from elsewhere', async () => {
    const shell = await fetch(`${url}/login`);
    const policy = shell.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(await shell.text()).toContain(
      `<meta property="csp-nonce" content="${/nonce-([^']+)/.exec(policy)![1]}">`,
    );
    expect(shell.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('the Jobs call, when the source does not answer', async () => {
  const { dashboard, source } = await dashboardOnDemo();
  const { cookie } = await logInByFetch(dashboard.url);

  it('answers with what it knows and "checking" for the rest, instead of waiting for the source', async () => {
    source.context.faults.add({ path: '/api/system/info', fault: { kind: 'hang' } });
    source.context.faults.add({ path: '/api/programIndicators', fault: { kind: 'hang' } });
    const jobs = (await (
      await fetch(`${dashboard.url}/api/jobs`, { headers: { cookie } })
    ).json()) as {
      name: string;
      analytics: unknown;
      validation: unknown;
    }[];
    expect(jobs).toMatchObject([
      { name: 'immunisation', analytics: { checking: true }, validation: { checking: true } },
    ]);
    source.context.faults.clear();
  });
});

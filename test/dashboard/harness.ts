import { afterAll } from 'vitest';
import { hashPassword } from '../../src/dashboard/password.ts';
import { type RunningDashboard, startDashboard } from '../../src/dashboard/server.ts';
import { openStore } from '../../src/store/open.ts';
import { configFor, contextOf, demoSandboxes } from '../e2e/harness.ts';

export const USER = { username: 'hmis-admin', password: 'correct horse battery' };
export const NOW = new Date('2026-11-24T08:00:00Z');

/**
 * The demo pair of sandboxes and the dashboard of `t2a serve` on them, as an administrator configures it:
 * one user with a hashed password (read from the environment), on 127.0.0.1, a free port.
 */
export async function dashboardOnDemo(jobExtra = '') {
  // The HMIS is written by an import user, not a superuser: DHIS2 holds such a user to closed periods.
  const demo = await demoSandboxes({
    source: '2.40',
    target: '2.40',
    facilities: 6,
    now: NOW,
    targetUsers: [
      {
        username: 'hmis-import',
        password: 'Import-2026!',
        authorities: ['F_DATAVALUE_ADD', 'F_DATAVALUE_DELETE'],
      },
    ],
  });
  const hash = await hashPassword(USER.password);
  const { loaded } = configFor(
    {
      source: demo.source,
      target: demo.target,
      group: demo.ids.group,
      root: demo.ids.root,
      targetAuth: '{ username: hmis-import, password: "Import-2026!" }',
      jobExtra: `    schedule: "0 2 * * *"\n    reconcile: { maxDeleteShare: 1 }${jobExtra}`,
      topExtra: `serve:\n  timeZone: Africa/Nairobi\n  dashboard:\n    port: 0\n    users:\n      - username: ${USER.username}\n        passwordHash: "\${T2A_ADMIN_HASH}"\n`,
    },
    { T2A_ADMIN_HASH: hash },
  );
  const store = await openStore(loaded.storePath);
  const ctx = { ...contextOf(loaded), store };
  const abort = new AbortController();
  const dashboard: RunningDashboard = await startDashboard(
    ctx,
    loaded.config.serve.dashboard!,
    abort.signal,
  );
  afterAll(async () => {
    abort.abort();
    await dashboard.close();
    await dashboard.live.settled();
    await store.close();
  });
  return { ...demo, loaded, store, dashboard };
}

/** A session made by logging in through the form, as a browser would; its cookie and CSRF token. */
export async function logInByFetch(url: string): Promise<{ cookie: string; csrf: string }> {
  const form = await fetch(`${url}/login`, { headers: { accept: 'text/html' } });
  const anonymous = cookieOf(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const login = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: token,
      username: USER.username,
      password: USER.password,
      next: '/jobs',
    }),
  });
  const cookie = cookieOf(login);
  const page = await fetch(`${url}/jobs`, { headers: { cookie, accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  return { cookie, csrf };
}

export const cookieOf = (response: Response): string =>
  (response.headers.get('set-cookie') ?? '').split(';')[0]!;

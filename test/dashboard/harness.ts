import { afterAll } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
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
export async function dashboardOnDemo(
  options: { dashboardExtra?: string; jobExtra?: string } = {},
) {
  // The HMIS is written by an import user, not a superuser: DHIS2 holds such a user to closed periods.
  // The source reports a failing indicator (2.40.2+), so an indicator that counts nothing is believed.
  const demo = await demoSandboxes({
    source: '2.40.12',
    target: '2.40',
    facilities: 6,
    now: NOW,
    sourceUsers: [
      {
        username: 'data-clerk',
        password: 'Clerk-2026!',
        authorities: ['F_TRACKED_ENTITY_INSTANCE_ADD'],
        userGroups: ['GrpHmisAdm1'],
      },
    ],
    targetUsers: [
      {
        username: 'hmis-import',
        password: 'Import-2026!',
        authorities: ['F_DATAVALUE_ADD', 'F_DATAVALUE_DELETE'],
      },
    ],
  });
  const hash = await hashPassword(USER.password);
  const { file, env } = configFor(
    {
      source: demo.source,
      target: demo.target,
      group: demo.ids.group,
      root: demo.ids.root,
      targetAuth: '{ username: hmis-import, password: "Import-2026!" }',
      jobExtra: `    schedule: "0 2 * * *"\n    reconcile: { maxDeleteShare: 1 }${options.jobExtra ?? ''}`,
      topExtra: `serve:\n  timeZone: Africa/Nairobi\n  dashboard:\n    port: 0\n    users:\n      - username: ${USER.username}\n        passwordHash: "\${T2A_ADMIN_HASH}"\n${options.dashboardExtra ?? ''}`,
    },
    { T2A_ADMIN_HASH: hash },
  );
  // As `t2a serve` reads it: with the dashboard's password hashes.
  const loaded = loadConfig(file, env, { dashboard: true });
  const store = await openStore(loaded.storePath);
  const ctx = { ...contextOf(loaded), store };
  const dashboard: RunningDashboard = await startDashboard(ctx, loaded.config.serve.dashboard!);
  afterAll(async () => {
    // No grace: a run still going stops between chunks.
    await dashboard.stop(0);
    await store.close();
  });
  return { ...demo, loaded, store, dashboard };
}

export interface LoginAnswer {
  readonly ok: boolean;
  readonly user?: string;
  readonly error?: string;
  readonly csrf?: string;
}

/** A login as the page makes it (a session first, then the name and password with its token). */
export async function attemptLogin(
  url: string,
  user: { username: string; password: string },
): Promise<{ answer: LoginAnswer; cookie: string }> {
  const session = await fetch(`${url}/api/session`);
  const { csrf } = (await session.json()) as { csrf: string };
  const login = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: {
      cookie: cookieOf(session),
      'content-type': 'application/json',
      'x-csrf-token': csrf,
    },
    body: JSON.stringify(user),
  });
  return { answer: (await login.json()) as LoginAnswer, cookie: cookieOf(login) };
}

/** What the dashboard answers a login, as the page shows it. */
export const loginAnswer = async (url: string, username: string, password: string) =>
  (await attemptLogin(url, { username, password })).answer;

/** A logged-in session: its cookie and CSRF token. */
export async function logInByFetch(
  url: string,
  user: { username: string; password: string } = USER,
): Promise<{ cookie: string; csrf: string }> {
  const { answer, cookie } = await attemptLogin(url, user);
  if (!answer.ok || !answer.csrf)
    throw new Error(`${user.username} could not log in: ${answer.error}`);
  return { cookie, csrf: answer.csrf };
}

export const cookieOf = (response: Response): string =>
  (response.headers.get('set-cookie') ?? '').split(';')[0]!;

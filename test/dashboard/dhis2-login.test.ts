import { describe, expect, it } from 'vitest';
import { dashboardOnDemo, loginAnswer } from './harness.ts';

/** Logging in with a DHIS2 account of the source instance, checked by DHIS2's own /api/me. */
describe('a dashboard that lets DHIS2 users log in', async () => {
  const { dashboard } = await dashboardOnDemo({
    dashboardExtra: '    dhis2Login: { connection: tracker }\n',
  });
  const login = (username: string, password: string) =>
    loginAnswer(dashboard.url, username, password);

  it('tells the login page whose users may log in', async () => {
    const session = (await (await fetch(`${dashboard.url}/api/session`)).json()) as {
      user?: string;
      dhis2Login?: string;
    };
    expect(session.user).toBeUndefined();
    expect(session.dhis2Login).toBe('tracker');
  });

  it('lets in a superuser of the source with the DHIS2 password', async () => {
    expect(await login('admin', 'district')).toMatchObject({ ok: true, user: 'admin' });
  });

  it('refuses a wrong DHIS2 password with the same words as any wrong password', async () => {
    expect(await login('admin', 'not-district')).toEqual({
      ok: false,
      error: 'User name or password is wrong.',
    });
  });

  it('refuses a DHIS2 user who is no superuser, saying why', async () => {
    const answer = await login('data-clerk', 'Clerk-2026!');
    expect(answer.ok).toBe(false);
    expect(answer.error).toContain('not a superuser');
    expect(answer.error).toContain('dhis2Login.userGroups');
  });

  it('still checks the configured users first', async () => {
    expect(await login('hmis-admin', 'correct horse battery')).toMatchObject({
      ok: true,
      user: 'hmis-admin',
    });
  });
});

describe('a dashboard that lets in the members of a DHIS2 user group', async () => {
  const { dashboard } = await dashboardOnDemo({
    dashboardExtra: '    dhis2Login: { connection: tracker, userGroups: [GrpHmisAdm1] }\n',
  });
  const login = (username: string, password: string) =>
    loginAnswer(dashboard.url, username, password);

  it('lets in a member who is no superuser', async () => {
    expect(await login('data-clerk', 'Clerk-2026!')).toMatchObject({
      ok: true,
      user: 'data-clerk',
    });
  });

  it('refuses a superuser outside the groups', async () => {
    const answer = await login('admin', 'district');
    expect(answer).toMatchObject({ ok: false });
    expect(answer.error).toContain('not in the user groups');
  });
});

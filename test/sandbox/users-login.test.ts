import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';
import { basic, flatUser, GOOD_PASSWORD, importUsers, nestedUser, ROLE } from './users-helpers.ts';

const SUPERUSER_ROLE = 'yrB6vc5Ip3r';

/**
 * POST /api/users, with the requests of dhis2-core's `UserControllerTest` (2.38.7 and 2.43.1):
 * `testPostJsonObject` (201 Created, status OK, no message), `testPostJsonObjectInvalidUsername` and
 * `…LegacyFormat` (409 Conflict, status ERROR, "One or more errors occurred, please see full details in
 * import report.", an E4049 on property `username`), `testPostJsonObjectInvalidUid` (2.43: 409).
 */
describe.each(['2.38.7', '2.43'])('POST /api/users on DHIS2 %s', async (version) => {
  const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'empty', facilities: 2 });

  it('creates a user: 201, the object report and a Location', async () => {
    const { status, body, headers } = await api(sandbox, '/api/users/', {
      body: {
        surname: 'S.',
        firstName: 'Harry',
        username: 'harrys',
        userRoles: [{ id: SUPERUSER_ROLE }],
      },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ httpStatus: 'Created', httpStatusCode: 201, status: 'OK' });
    expect(body.message).toBeUndefined();
    expect(body.response).toMatchObject({
      responseType: 'ObjectReport',
      klass: 'org.hisp.dhis.user.User',
    });
    expect(headers.get('location')).toBe(`${sandbox.baseUrl}/api/users/${body.response.uid}`);
  });

  const conflict = {
    httpStatus: 'Conflict',
    httpStatusCode: 409,
    status: 'ERROR',
    message: 'One or more errors occurred, please see full details in import report.',
  };
  const bodies = [
    ['flat', { surname: 'S.', firstName: 'Harry', username: '_Harrys' }],
    ['legacy', { surname: 'S.', firstName: 'Harry', userCredentials: { username: '_Harrys' } }],
  ] as const;
  it.each(bodies)('refuses an invalid username (%s form) with 409 and E4049', async (_, user) => {
    const { status, body } = await api(sandbox, '/api/users/', { body: user });
    expect(status).toBe(409);
    expect(body).toMatchObject(conflict);
    const report = body.response.errorReports.find((e: any) => e.errorCode === 'E4049');
    expect(report.errorProperty).toBe('username');
  });

  it('refuses a malformed UID (E4014: 2.38.7 and 2.41+)', async () => {
    const { status } = await api(sandbox, '/api/users/', {
      body: {
        id: 'yrB6vc5Ip¤¤',
        surname: 'S.',
        firstName: 'Harry',
        username: 'harrys2',
        userRoles: [{ id: SUPERUSER_ROLE }],
      },
    });
    expect(status).toBe(409);
  });

  it('answers 403 to a user without F_USER_ADD (UserController.validateCreateUser)', async () => {
    await importUsers(sandbox, [flatUser('importer')]);
    const { status, body } = await api(sandbox, '/api/users', {
      body: flatUser('another'),
      auth: basic('importer', GOOD_PASSWORD),
    });
    expect(status).toBe(403);
    expect(body.message).toBe("You don't have the proper permissions to create this object.");
  });
});

describe('POST /api/users on DHIS2 2.36', async () => {
  const sandbox = await sandboxForFile({ dhis2Version: '2.36', seed: 'empty', facilities: 2 });
  it('answers with the import report itself, 200 (UserController.postJsonObject 2.36 :299-315)', async () => {
    await importUsers(sandbox, [], {});
    const ok = await api(sandbox, '/api/users', { body: nestedUser('clerk36') });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'OK', stats: { created: 1 } });
    const refused = await api(sandbox, '/api/users', { body: flatUser('flat36') });
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('ERROR');
  });
});

/**
 * Logging in right after creation, and what refuses it: Spring's pre-authentication checks on the
 * `UserDetails` DHIS2 builds (enabled = !disabled, accountNonExpired from `accountExpiry`), then the
 * password; the 401's text from `FormLoginBasicAuthenticationEntryPoint` (2.38+: "Account disabled"
 * for a DisabledException) or `DHIS2BasicAuthenticationEntryPoint` (2.36/2.37: "Unauthorized").
 */
describe.each([
  ['2.37', 'Unauthorized'],
  ['2.40', 'Account disabled'],
  ['2.43', 'Account disabled'],
])('logging in on DHIS2 %s', async (version, disabledMessage) => {
  const now = new Date('2026-03-01T12:00:00Z');
  const sandbox = await sandboxForFile({
    dhis2Version: version,
    seed: 'empty',
    facilities: 2,
    now,
  });
  const legacy = version === '2.37';
  const user = (username: string, account: Record<string, unknown> = {}) =>
    legacy ? nestedUser(username, account) : flatUser(username, account);
  const login = (username: string, password = GOOD_PASSWORD) =>
    api(sandbox, '/api/me', { auth: basic(username, password) });
  const refusal = (message: string) => ({ httpStatusCode: 401, status: 'ERROR', message });

  it('refuses a disabled account, whatever the password', async () => {
    await importUsers(sandbox, [user('disabled1', { disabled: true })]);
    expect((await login('disabled1')).body).toEqual(
      expect.objectContaining(refusal(disabledMessage)),
    );
    expect((await login('disabled1', 'wrong')).body.message).toBe(disabledMessage);
  });

  it('refuses an account past its expiry, takes one before it', async () => {
    await importUsers(sandbox, [
      user('expired1', { accountExpiry: '2026-02-28T00:00:00.000' }),
      user('current1', { accountExpiry: '2026-12-31T00:00:00.000' }),
    ]);
    expect((await login('expired1')).body).toEqual(
      expect.objectContaining(refusal('Unauthorized')),
    );
    expect((await login('current1')).status).toBe(200);
  });

  it('refuses a user of external authentication and one created without a password', async () => {
    await importUsers(sandbox, [
      user('external1', { externalAuth: true }),
      user('nopass01', { password: undefined }),
    ]);
    expect((await login('external1')).status).toBe(401);
    expect((await login('nopass01')).body.message).toBe('Unauthorized');
  });
});

/** `/api/me` (MeController; `MeDto` from 2.38): the user's assignments and its roles' authorities. */
describe('/api/me of a user created through the API (DHIS2 2.40)', async () => {
  const sandbox = await sandboxForFile({ dhis2Version: '2.40', seed: 'empty', facilities: 4 });
  const [root, facility] = [sandbox.seed.root, sandbox.seed.facilities[0]!];
  const second = {
    id: 'ImpRole0002',
    name: 'Second role',
    authorities: ['F_EXPORT_DATA', 'F_DATAVALUE_ADD'],
  };

  it('lists the union of its roles’ authorities and its org units as given', async () => {
    await importUsers(
      sandbox,
      [
        flatUser('meuser', {
          userRoles: [{ id: ROLE.id }, { id: second.id }],
          organisationUnits: [{ id: facility }],
          teiSearchOrganisationUnits: [{ id: root }],
        }),
      ],
      { roles: [ROLE, second] },
    );
    const { body } = await api(
      sandbox,
      '/api/me?fields=authorities,organisationUnits,dataViewOrganisationUnits,teiSearchOrganisationUnits,userGroups',
      {
        auth: basic('meuser', GOOD_PASSWORD),
      },
    );
    expect([...body.authorities].sort()).toEqual([
      'F_DATAVALUE_ADD',
      'F_EXPORT_DATA',
      'F_VIEW_EVENT_ANALYTICS',
    ]);
    expect(body.organisationUnits).toEqual([{ id: facility }]);
    expect(body.dataViewOrganisationUnits).toEqual([]);
    expect(body.teiSearchOrganisationUnits).toEqual([{ id: root }]);
    expect(body.userGroups).toEqual([]);
    const has = (authority: string) =>
      api(sandbox, `/api/me/authorization/${authority}`, { auth: basic('meuser', GOOD_PASSWORD) });
    expect((await has('F_EXPORT_DATA')).body).toBe(true);
    expect((await has('F_PERFORM_MAINTENANCE')).body).toBe(false);
  });

  it('shows ALL for a superuser (2.43 MeControllerTest.testGetAuthorities)', async () => {
    const { body } = await api(sandbox, '/api/me/authorities');
    expect(body).toEqual(['ALL']);
    expect((await api(sandbox, '/api/me/authorization/F_ANYTHING')).body).toBe(true);
  });

  it('refuses unknown roles and org units (E5002), committing nothing', async () => {
    const { status, body } = await importUsers(sandbox, [
      flatUser('dangling', {
        userRoles: [{ id: 'NoSuchRole1' }],
        organisationUnits: [{ id: 'NoSuchUnit1' }],
      }),
    ]);
    expect(status).toBe(409);
    expect(
      body.response.typeReports.flatMap((t: any) =>
        t.objectReports.flatMap((o: any) =>
          o.errorReports.map((e: any) => [e.errorCode, e.errorProperty]),
        ),
      ),
    ).toEqual([
      ['E5002', 'userRoles'],
      ['E5002', 'organisationUnits'],
    ]);
  });
});

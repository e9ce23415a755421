import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';
import {
  basic,
  errorsOf,
  flatUser,
  GOOD_PASSWORD,
  importUsers,
  nestedUser,
} from './users-helpers.ts';

/**
 * What DHIS2 refuses an import user that is no superuser (research 06 §3), rehearsed with users
 * created through the API.
 */
const role = (id: string, authorities: string[]) => ({ id, name: `Role ${id}`, authorities });

/**
 * Endpoint authorities: `@PreAuthorize` up to 2.41 ("Access is denied": 2.38 `MaintenanceControllerTest`
 * :75), `@RequiresAuthority` from 2.42 ("Access is denied, requires one Authority from [X]": 2.43
 * `MaintenanceControllerTest` :139, `AuthorityInterceptor`). POST /api/dataValueSets needs
 * F_DATAVALUE_ADD (`DataValueSetController`), /api/resourceTables/analytics F_PERFORM_MAINTENANCE.
 */
describe.each([
  ['2.36', 'Access is denied'],
  ['2.41', 'Access is denied'],
  ['2.42', 'Access is denied, requires one Authority from [%s]'],
  ['2.43', 'Access is denied, requires one Authority from [%s]'],
])('endpoint authorities on DHIS2 %s', async (version, message) => {
  const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'empty', facilities: 2 });
  const legacy = version === '2.36';
  const user = (name: string, roleId: string) =>
    legacy
      ? nestedUser(name, { userRoles: [{ id: roleId }] })
      : flatUser(name, { userRoles: [{ id: roleId }] });
  const viewer = basic('viewer', GOOD_PASSWORD);
  const clerk = basic('clerk', GOOD_PASSWORD);
  const forbidden = (authority: string) => ({
    httpStatus: 'Forbidden',
    httpStatusCode: 403,
    status: 'ERROR',
    message: message.replace('%s', authority),
  });

  it('creates the users', async () => {
    const { body } = await importUsers(
      sandbox,
      [user('viewer', 'RoleViewer1'), user('clerk', 'RoleClerk01')],
      {
        roles: [
          role('RoleViewer1', ['F_VIEW_EVENT_ANALYTICS']),
          role('RoleClerk01', ['F_DATAVALUE_ADD']),
        ],
      },
    );
    expect((body.response ?? body).status).toBe('OK');
  });

  it('refuses POST /api/dataValueSets without F_DATAVALUE_ADD, before reading the body', async () => {
    const refused = await api(sandbox, '/api/dataValueSets', { body: 'not json', auth: viewer });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(forbidden('F_DATAVALUE_ADD'));
    const taken = await api(sandbox, '/api/dataValueSets', {
      body: { dataValues: [] },
      auth: clerk,
    });
    expect(taken.status).not.toBe(403);
  });

  it('refuses the analytics tables job without F_PERFORM_MAINTENANCE', async () => {
    const refused = await api(sandbox, '/api/resourceTables/analytics', {
      method: 'POST',
      auth: clerk,
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(forbidden('F_PERFORM_MAINTENANCE'));
  });
});

/**
 * The metadata import's `SecurityCheck` (2.43 :90-125): no authority on /api/metadata itself; each
 * type asks for its create authority (`ProgramIndicatorSchemaDescriptor`: F_PROGRAM_INDICATOR_PUBLIC_ADD
 * or _PRIVATE_ADD) → E3000, and for write access to update (E3001). What is created without sharing
 * becomes the user's, public "rw------" if the user may make it public, "--------" if not
 * (`DefaultAclService.resetSharing`).
 */
describe.each(['2.38.7', '2.40'])('metadata rights on DHIS2 %s', async (version) => {
  const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'empty', facilities: 2 });
  const dot = version === '2.38.7' ? '.' : '';
  const as = (name: string) => basic(name, GOOD_PASSWORD);
  const indicator = (id: string) => ({
    id,
    name: `PI ${id}`,
    shortName: id,
    program: { id: 'NoProgram01' },
  });

  it('creates the users', async () => {
    await importUsers(
      sandbox,
      [
        flatUser('clerk', { id: 'UsrClerk001', userRoles: [{ id: 'RoleClerk01' }] }),
        flatUser('private', { userRoles: [{ id: 'RolePriv001' }] }),
        flatUser('public', { userRoles: [{ id: 'RolePub0001' }] }),
      ],
      {
        roles: [
          role('RoleClerk01', ['F_DATAVALUE_ADD']),
          role('RolePriv001', ['F_PROGRAM_INDICATOR_PRIVATE_ADD', 'F_DATAELEMENT_PUBLIC_ADD']),
          role('RolePub0001', ['F_PROGRAM_INDICATOR_PUBLIC_ADD']),
        ],
      },
    );
  });

  it('takes an empty import from anyone (the endpoint asks for nothing)', async () => {
    const { status, body } = await api(sandbox, '/api/metadata', {
      body: { attributes: [] },
      auth: as('clerk'),
    });
    expect(status).toBe(200);
    expect(body.status).toBe('OK');
  });

  it('refuses a program indicator to a user without its create authority (E3000)', async () => {
    const { status, body } = await api(sandbox, '/api/metadata', {
      body: { programIndicators: [indicator('PiClerk0001')] },
      auth: as('clerk'),
    });
    expect(status).toBe(409);
    expect(errorsOf(body)).toEqual([
      expect.objectContaining({
        errorCode: 'E3000',
        mainKlass: 'org.hisp.dhis.program.ProgramIndicator',
        message: `User \`Harry S. [UsrClerk001] (User)\` is not allowed to create objects of type PI PiClerk0001 [PiClerk0001] (ProgramIndicator)${dot}`,
      }),
    ]);
    expect((await api(sandbox, '/api/programIndicators/PiClerk0001')).status).toBe(404);
  });

  it('creates it with the private or the public authority, shared as each may', async () => {
    for (const [name, id, publicAccess] of [
      ['private', 'PiPriv00001', '--------'],
      ['public', 'PiPub000001', 'rw------'],
    ] as const) {
      const { status } = await api(sandbox, '/api/metadata', {
        body: { programIndicators: [indicator(id)] },
        auth: as(name),
      });
      expect(status).toBe(200);
      const created = await api(sandbox, `/api/programIndicators/${id}?fields=sharing[public]`);
      expect(created.body.sharing.public).toBe(publicAccess);
    }
  });

  it('refuses to update what the user may not write (E3001)', async () => {
    const element = {
      id: 'DeShared001',
      name: 'Read only',
      shortName: 'RO',
      valueType: 'NUMBER',
      aggregationType: 'SUM',
      domainType: 'AGGREGATE',
    };
    await api(sandbox, '/api/metadata', {
      body: { dataElements: [{ ...element, sharing: { public: 'r-------' } }] },
    });
    const { status, body } = await api(sandbox, '/api/metadata', {
      body: { dataElements: [{ ...element, name: 'Changed' }] },
      auth: as('private'),
    });
    expect(status).toBe(409);
    expect(errorsOf(body).map((e: any) => e.errorCode)).toEqual(['E3001']);
  });

  it('answers 403 to POST /api/{type} without the create authority (AbstractCrudController)', async () => {
    const { status, body } = await api(sandbox, '/api/programIndicators', {
      body: indicator('PiClerk0002'),
      auth: as('clerk'),
    });
    expect(status).toBe(403);
    expect(body.message).toBe("You don't have the proper permissions to create this object.");
  });
});

/**
 * Analytics refusals for a user created through the API (DefaultAnalyticsSecurityManager): E7120 for an
 * org unit outside its explicit data view org units, E7217 for program indicators without
 * F_VIEW_EVENT_ANALYTICS (`decideAccessEventQuery`, reached through `DataHandler` in every version).
 */
describe('analytics rights on DHIS2 2.40', async () => {
  const sandbox = await sandboxForFile({ dhis2Version: '2.40', seed: 'demo', facilities: 4 });
  const [inside, outside] = sandbox.seed.facilities;
  const query = (auth: string, ou: string) =>
    api(
      sandbox,
      `/api/analytics/dataValueSet.json?dimension=dx:DemoPi00000&dimension=pe:202601&dimension=ou:${ou}`,
      { auth },
    );

  it('creates the users', async () => {
    const { status } = await importUsers(
      sandbox,
      [
        flatUser('analyst', {
          userRoles: [{ id: 'RoleAnalyst' }],
          dataViewOrganisationUnits: [{ id: inside }],
        }),
        flatUser('noevents', { userRoles: [{ id: 'RoleNoEvent' }] }),
      ],
      {
        roles: [
          role('RoleAnalyst', ['F_VIEW_EVENT_ANALYTICS']),
          role('RoleNoEvent', ['F_DATAVALUE_ADD']),
        ],
      },
    );
    expect(status).toBe(200);
  });

  it('refuses an org unit outside the data view org units (E7120)', async () => {
    const { status, body } = await query(basic('analyst', GOOD_PASSWORD), outside!);
    expect(status).toBe(409);
    expect(body.errorCode).toBe('E7120');
  });

  it('refuses program indicators without F_VIEW_EVENT_ANALYTICS (E7217)', async () => {
    const { status, body } = await query(basic('noevents', GOOD_PASSWORD), inside!);
    expect(status).toBe(409);
    expect(body).toMatchObject({
      errorCode: 'E7217',
      message: 'User is not allowed to view event analytics data: `noevents`',
    });
  });
});

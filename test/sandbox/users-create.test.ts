import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';
import {
  basic,
  errorsOf,
  flatUser,
  GOOD_PASSWORD,
  importUsers,
  nestedUser,
  ROLE,
  reportOf,
} from './users-helpers.ts';

/**
 * Creating users through POST /api/metadata, in the shape each version reads (research 06 §1):
 * 2.36/2.37 `User.getUserCredentials` required, flat keys no properties of `User`; 2.38–2.41 flat,
 * `userCredentials` merged over it by `User.populateUserCredentialsDtoFields`; 2.42+ flat only
 * (commit 035abb8ac29 removed the DTO). Expectations worked out from those classes and `ErrorCode`.
 */
describe.each(['2.36', '2.37'])('DHIS2 %s: users in userCredentials', async (version) => {
  const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'empty', facilities: 2 });

  it('creates a user from the nested shape, who logs in at once', async () => {
    const { status, body } = await importUsers(sandbox, [nestedUser('nested36')]);
    expect(status).toBe(200);
    expect(body.status).toBe('OK');
    expect(body.stats).toEqual({ created: 2, updated: 0, deleted: 0, ignored: 0, total: 2 });
    // 2.36 writes the ImportReport itself; 2.37's plain answer is ImportReportWebMessageResponse.
    expect(body.responseType).toBe(version === '2.36' ? undefined : 'ImportReport');
    const me = await api(sandbox, '/api/me', { auth: basic('nested36', GOOD_PASSWORD) });
    expect(me.status).toBe(200);
    expect(me.body.userCredentials.username).toBe('nested36');
    expect(me.body.username).toBeUndefined();
  });

  it('drops a flat username: E4000 for the missing userCredentials, nothing committed', async () => {
    const { status, body } = await importUsers(sandbox, [flatUser('flat36')]);
    expect(status).toBe(200);
    expect(body.status).toBe('ERROR');
    expect(errorsOf(body)).toEqual([
      expect.objectContaining({
        errorCode: 'E4000',
        message: 'Missing required property `userCredentials`.',
        mainKlass: 'org.hisp.dhis.user.User',
        errorProperty: 'userCredentials',
      }),
    ]);
    // The role was valid but atomicMode ALL commits nothing: counted ignored with the user.
    expect(body.stats).toEqual({ created: 0, updated: 0, deleted: 0, ignored: 2, total: 2 });
    expect((await api(sandbox, `/api/userRoles/${ROLE.id}`)).status).toBe(200); // from the first test
    expect((await api(sandbox, '/api/me', { auth: basic('flat36', GOOD_PASSWORD) })).status).toBe(
      401,
    );
  });

  it('refuses a taken username with E5003 on the credentials (no E4054 before 2.38)', async () => {
    const { body } = await importUsers(sandbox, [nestedUser('nested36')]);
    const [error] = errorsOf(body);
    expect(error).toMatchObject({
      errorCode: 'E5003',
      mainKlass: 'org.hisp.dhis.user.UserCredentials',
      errorProperty: 'username',
    });
    expect(error.message).toMatch(
      /^Property `username` with value `nested36` on object Harry S\. \[\w{11}\] \(UserCredentials\) already exists on object \w{11}\.$/,
    );
  });

  it('takes any username and no role (no username rule, no role rule before 2.38)', async () => {
    const { body } = await importUsers(sandbox, [
      nestedUser('_Harrys', { userRoles: [] }, { id: 'UsrNoRole01' }),
    ]);
    expect(body.status).toBe('OK');
  });
});

describe.each(['2.38.7', '2.39', '2.41'])(
  'DHIS2 %s: flat users, userCredentials still read',
  async (version) => {
    const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'empty', facilities: 2 });

    it('creates a flat user (WebMessage 200) who logs in at once, served with a userCredentials DTO', async () => {
      const { status, body } = await importUsers(sandbox, [
        flatUser('flatuser', { id: 'UsrFlat0001' }),
      ]);
      expect(status).toBe(200);
      expect(body).toMatchObject({ httpStatusCode: 200, status: 'OK', response: { status: 'OK' } });
      const me = await api(sandbox, '/api/me', { auth: basic('flatuser', GOOD_PASSWORD) });
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('flatuser');
      // 2.38 UserControllerTest.testGetUserLegacyUserCredentialsIdPresent: the DTO carries an id.
      const user = await api(sandbox, '/api/users/UsrFlat0001');
      expect(user.body.userCredentials).toMatchObject({ id: 'UsrFlat0001', username: 'flatuser' });
      expect(user.body.password).toBeUndefined();
    });

    it('lets the nested values win when both shapes come', async () => {
      const user = { ...nestedUser('nestedwins'), username: 'flatloses' };
      expect((await importUsers(sandbox, [user])).status).toBe(200);
      expect(
        (await api(sandbox, '/api/me', { auth: basic('nestedwins', GOOD_PASSWORD) })).status,
      ).toBe(200);
      expect(
        (await api(sandbox, '/api/me', { auth: basic('flatloses', GOOD_PASSWORD) })).status,
      ).toBe(401);
    });

    it('copies an absent nested username over the flat one (BeanUtils.copyProperties): E4049 with null', async () => {
      const user = { ...flatUser('flatonly'), userCredentials: { password: GOOD_PASSWORD } };
      const { status, body } = await importUsers(sandbox, [user]);
      expect(status).toBe(409);
      expect(body).toMatchObject({
        httpStatus: 'Conflict',
        status: 'WARNING',
        message: 'One or more errors occurred, please see full details in import report.',
        response: { status: 'ERROR' },
      });
      const dot = version === '2.38.7' ? '.' : '';
      expect(errorsOf(body)).toEqual([
        expect.objectContaining({
          errorCode: 'E4049',
          message: `Property \`username\` requires a valid username, was given \`null\`${dot}`,
          errorProperty: 'username',
        }),
      ]);
    });

    it('refuses a user without a role (E4055) and a taken username (E4054)', async () => {
      const noRole = await importUsers(sandbox, [flatUser('norole', { userRoles: [] })]);
      expect(errorsOf(noRole.body).map((e: any) => e.message)).toEqual([
        version === '2.38.7'
          ? 'An user needs to have at least one user role associated with it.'
          : 'User needs to have at least one user role associated with it',
      ]);
      const taken = await importUsers(sandbox, [flatUser('flatuser')]);
      expect(errorsOf(taken.body)).toContainEqual(
        expect.objectContaining({
          errorCode: 'E4054',
          message: 'Property `username` already exists, was given `flatuser`.',
          errorProperty: 'username',
        }),
      );
    });
  },
);

describe.each(['2.42', '2.43'])('DHIS2 %s: flat users only', async (version) => {
  const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'empty', facilities: 2 });

  it('ignores userCredentials: no username (E4049, null) and no role (E4055)', async () => {
    const { status, body } = await importUsers(sandbox, [nestedUser('nested42')]);
    expect(status).toBe(409);
    expect(errorsOf(body)).toEqual([
      expect.objectContaining({
        errorCode: 'E4049',
        message: 'Property `username` requires a valid username, was given `null`',
      }),
      expect.objectContaining({
        errorCode: 'E4055',
        message: 'User needs to have at least one user role associated with it',
      }),
    ]);
  });

  it('requires firstName and surname again (User.hbm.xml not-null from 2.42)', async () => {
    const { body } = await importUsers(sandbox, [flatUser('nameless', { firstName: undefined })]);
    expect(errorsOf(body)).toEqual([
      expect.objectContaining({
        errorCode: 'E4000',
        message: 'Missing required property `firstName`',
      }),
    ]);
  });

  it('creates a flat user, served without userCredentials', async () => {
    await importUsers(sandbox, [flatUser('flat42', { id: 'UsrFlat0042' })]);
    const user = await api(sandbox, '/api/users/UsrFlat0042?fields=:all');
    expect(user.body.username).toBe('flat42');
    expect(user.body.userCredentials).toBeUndefined();
    expect((await api(sandbox, '/api/me', { auth: basic('flat42', GOOD_PASSWORD) })).status).toBe(
      200,
    );
  });
});

/**
 * atomicMode (DefaultMetadataImportService, 2.36 :137-157; 2.43 :123-137): ALL commits nothing when one
 * object fails, NONE commits the valid ones and reports WARNING. One refused check counts one ignored
 * (ObjectValidationCheck); ALL moves the created count to ignored too (TypeReport.ignoreAll).
 */
describe('atomicMode on DHIS2 2.40', async () => {
  const sandbox = await sandboxForFile({ dhis2Version: '2.40', seed: 'empty', facilities: 2 });
  const pair = () => [flatUser('goodone'), flatUser('badone', { userRoles: [] })];

  it('ALL: one refused user keeps the other out too', async () => {
    const { status, body } = await importUsers(sandbox, pair());
    expect(status).toBe(409);
    const users = reportOf(body).typeReports.find(
      (t: any) => t.klass === 'org.hisp.dhis.user.User',
    );
    expect(users.stats).toEqual({ created: 0, updated: 0, deleted: 0, ignored: 2, total: 2 });
    expect(users.objectReports.map((o: any) => o.index)).toEqual([1]);
    expect((await api(sandbox, '/api/me', { auth: basic('goodone', GOOD_PASSWORD) })).status).toBe(
      401,
    );
  });

  it('NONE: the valid user is created, the report says WARNING', async () => {
    const { body } = await importUsers(sandbox, pair(), { query: '?atomicMode=NONE' });
    const report = reportOf(body);
    expect(report.status).toBe('WARNING');
    const users = report.typeReports.find((t: any) => t.klass === 'org.hisp.dhis.user.User');
    expect(users.stats).toEqual({ created: 1, updated: 0, deleted: 0, ignored: 1, total: 2 });
    expect((await api(sandbox, '/api/me', { auth: basic('goodone', GOOD_PASSWORD) })).status).toBe(
      200,
    );
  });

  it('VALIDATE: checks without creating', async () => {
    const { body } = await importUsers(sandbox, [flatUser('validated')], {
      query: '?importMode=VALIDATE',
    });
    expect(reportOf(body).status).toBe('OK');
    expect(
      (await api(sandbox, '/api/me', { auth: basic('validated', GOOD_PASSWORD) })).status,
    ).toBe(401);
  });
});

import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { packagePath, withPackages } from '../packages.ts';
import { ADMIN_AUTH, api, sandboxForFile } from './helpers.ts';

/**
 * Where the sandbox must be as strict as DHIS2, version by version. Each block names the dhis2-core
 * class (and tag) it follows; the facts were read from dhis2-core's source at those tags.
 */
const NOW = new Date('2026-11-24T08:00:00Z');
const CODES = '?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE';
const CLERK = { username: 'clerk', password: 'Clerk123!', authorities: ['F_DATAVALUE_ADD'] };
const clerkAuth = `Basic ${Buffer.from(`${CLERK.username}:${CLERK.password}`).toString('base64')}`;

const value = (orgUnit: string, overrides: Record<string, unknown> = {}) => ({
  dataElement: 'IMM_BCG_DOSES',
  categoryOptionCombo: 'LT1Y_F',
  period: '202610',
  orgUnit,
  value: '5',
  ...overrides,
});

const hmis = (version: string) =>
  sandboxForFile({
    dhis2Version: version,
    seed: 'demo-hmis',
    now: NOW,
    facilities: 6,
    users: [CLERK],
  });

async function post(sandbox: RunningSandbox, dataValues: unknown[], query = CODES, auth?: string) {
  const answer = await api(sandbox, `/api/dataValueSets${query}`, {
    body: { dataValues },
    ...(auth ? { auth } : {}),
  });
  return { status: answer.status, summary: answer.body.response ?? answer.body };
}

async function held(sandbox: RunningSandbox, orgUnit: string, period = '202610') {
  const { body } = await api(
    sandbox,
    `/api/dataValueSets.json?dataSet=DemoImmMon1&period=${period}&orgUnit=${orgUnit}&dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
  );
  return (body.dataValues ?? []) as {
    dataElement: string;
    categoryOptionCombo: string;
    value: string;
  }[];
}

describe('2.43 data entry pipeline (DefaultDataEntryService, DataEntryPipeline, 2.43.0)', async () => {
  const sandbox = await hmis('2.43');
  const [a, b, c, d] = sandbox.seed.facilities as [string, string, string, string];

  it('1. rejects the whole group on a repeated key (E8128): every index, nothing written, counts 0', async () => {
    const { status, summary } = await post(sandbox, [
      value(a, { value: '5' }),
      value(a, { value: '7' }),
      value(a, { categoryOptionCombo: 'LT1Y_M' }),
    ]);
    expect(status).toBe(409);
    expect(summary).toMatchObject({
      status: 'ERROR',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
      rejectedIndexes: [0, 1, 2],
    });
    expect(summary.conflicts).toEqual([
      {
        errorCode: 'E8128',
        value: expect.stringMatching(
          /^Value #\[0, 1\] all affect the same data value: `DataValueKey\[dataElement=DemoDeBcg01, orgUnit=/,
        ),
        objects: { args: expect.stringMatching(/^\[0, 1\]-DataValueKey\[/) },
        indexes: [0, 1, 2],
      },
    ]);
    expect(await held(sandbox, a)).toEqual([]);
  });

  it('2. answers an empty value with E8120 and keeps the value; deleted: true deletes it', async () => {
    await post(sandbox, [value(b, { value: '4' })]);
    const empty = await post(sandbox, [value(b, { value: '' })]);
    expect(empty.status).toBe(409);
    expect(empty.summary).toMatchObject({
      status: 'ERROR',
      importCount: { imported: 0, updated: 0, ignored: 1, deleted: 0 },
      conflicts: [{ errorCode: 'E8120', value: 'Value #0 value is required', indexes: [0] }],
      rejectedIndexes: [0],
    });
    expect((await held(sandbox, b)).map((v) => v.value)).toEqual(['4']);
    const deleted = await post(sandbox, [value(b, { value: '', deleted: true })]);
    // 7. `deleted: true` under CREATE_AND_UPDATE is an upsert, counted as updated.
    expect(deleted.summary.importCount).toEqual({
      imported: 0,
      updated: 1,
      ignored: 0,
      deleted: 0,
    });
    expect(await held(sandbox, b)).toEqual([]);
  });

  it('5. rejects the group for an untimely period (E8030) and an unassigned org unit (E8022), naming all indexes', async () => {
    const dataSet = (await api(sandbox, '/api/dataSets/DemoImmMon1?fields=:owner')).body;
    await api(sandbox, '/api/dataSets/DemoImmMon1', {
      method: 'PUT',
      body: { ...dataSet, expiryDays: 10 },
    });
    const late = await post(
      sandbox,
      [
        value(c, { period: '202609' }),
        value(c, { period: '202609', categoryOptionCombo: 'LT1Y_M' }),
      ],
      CODES,
      clerkAuth,
    );
    await api(sandbox, '/api/dataSets/DemoImmMon1', { method: 'PUT', body: dataSet });
    expect(late.status).toBe(409);
    expect(late.summary).toMatchObject({
      status: 'ERROR',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
      rejectedIndexes: [0, 1],
      conflicts: [
        {
          errorCode: 'E8030',
          value: 'Untimely data entry for data set DemoImmMon1 and period(s): `[202609]`',
          objects: { args: 'DemoImmMon1-[202609]' },
          indexes: [0, 1],
        },
      ],
    });
    const unassigned = await post(sandbox, [value(sandbox.seed.root), value(c)]);
    expect(unassigned.summary.conflicts).toEqual([
      {
        errorCode: 'E8022',
        value: `Data set DemoImmMon1 not usable with org unit(s): \`[${sandbox.seed.root}]\``,
        objects: { args: `DemoImmMon1-[${sandbox.seed.root}]` },
        indexes: [0, 1],
      },
    ]);
  });

  it('6. stores "5.0" for an integer element as 5, and refuses "5.00" (E8122)', async () => {
    const ok = await post(sandbox, [value(d, { value: '5.0' })]);
    expect(ok.summary.status).toBe('SUCCESS');
    expect((await held(sandbox, d)).map((v) => v.value)).toEqual(['5']);
    const bad = await post(sandbox, [value(d, { value: '5.00' })]);
    expect(bad.summary.conflicts[0]).toMatchObject({ errorCode: 'E8122', indexes: [0] });
  });

  it('7. counts every value of a DELETE import as deleted, held or not', async () => {
    const deleted = await post(
      sandbox,
      [value(d), value(d, { categoryOptionCombo: '1_4Y_M' })],
      `${CODES}&importStrategy=DELETE`,
    );
    expect(deleted.summary.importCount).toEqual({
      imported: 0,
      updated: 0,
      ignored: 0,
      deleted: 2,
    });
    expect(await held(sandbox, d)).toEqual([]);
  });
});

describe('classic engine (DefaultDataValueSetService, DataValueSetImportValidator, 2.40–2.42)', async () => {
  const sandbox = await hmis('2.40.3');
  const [a, b] = sandbox.seed.facilities as [string, string];

  it('1. keeps the first of two values for a new key and drops the second unseen (quick batch handler)', async () => {
    const { summary } = await post(sandbox, [value(a, { value: '5' }), value(a, { value: '7' })]);
    expect(summary).toMatchObject({
      status: 'SUCCESS',
      importCount: { imported: 1, updated: 0, ignored: 0, deleted: 0 },
      conflicts: [],
      rejectedIndexes: [],
    });
    expect((await held(sandbox, a)).map((v) => v.value)).toEqual(['5']);
  });

  it('1. lets the last of two values win for a key that holds a value (updates run at once)', async () => {
    const { summary } = await post(sandbox, [value(a, { value: '8' }), value(a, { value: '9' })]);
    expect(summary.importCount).toEqual({ imported: 0, updated: 2, ignored: 0, deleted: 0 });
    expect((await held(sandbox, a)).map((v) => v.value)).toEqual(['9']);
  });

  it('6. refuses "5.0" for an integer element (E7619; this one is INTEGER_ZERO_OR_POSITIVE)', async () => {
    const { status, summary } = await post(sandbox, [value(b, { value: '5.0' })]);
    expect(status).toBe(409);
    expect(summary.conflicts[0]).toMatchObject({
      errorCode: 'E7619',
      value:
        'Value must match value type of data element `DemoDeBcg01`: `Data value is not zero or positive integer`',
    });
  });
});

describe('8. rejectedIndexes only from 2.39.2, 2.40.1, 2.41.0 (ImportSummary, DHIS2-4678)', () => {
  it.each([
    ['2.39.1', false],
    ['2.39.2', true],
    ['2.40.0', false],
    ['2.40.1', true],
    ['2.41.0', true],
  ] as const)('%s: %s', async (version, listed) => {
    const sandbox = await hmis(version);
    const { summary } = await post(sandbox, [
      value(sandbox.seed.facilities[0]!, { dataElement: 'NOPE' }),
    ]);
    expect('rejectedIndexes' in summary).toBe(listed);
  });
});

describe('3. analytics before its tables exist (JdbcAnalyticsManager, CrudControllerAdvice)', () => {
  it.each([
    ['2.38.4', 200, undefined],
    ['2.38.5', 409, 'E7144'],
    ['2.39.3', 200, undefined],
    ['2.39.4', 409, 'E7144'],
    ['2.40.1', 200, undefined],
    ['2.40.2', 409, 'E7144'],
    ['2.41.0', 409, 'E7144'],
    ['2.43.0', 409, 'E7144'],
  ] as const)('%s answers %i %s', async (version, status, code) => {
    const sandbox = await sandboxForFile({
      dhis2Version: version,
      seed: 'demo-tracker',
      now: NOW,
      facilities: 2,
      months: 1,
    });
    const answer = await api(
      sandbox,
      `/api/analytics/dataValueSet.json?dimension=dx:DemoPi00000&dimension=pe:202610&dimension=ou:${sandbox.seed.root}`,
    );
    expect(answer.status).toBe(status);
    if (code)
      expect(answer.body).toMatchObject({
        errorCode: code,
        message: expect.stringContaining('(SqlState: 42P01)'),
      });
    else expect(answer.body.dataValues ?? []).toEqual([]);
  });

  it.each([
    ['2.40.0', 'E7124'],
    ['2.40.1', 'E7143'],
  ] as const)('%s: an ou dimension that resolves to nothing is %s', async (version, code) => {
    const sandbox = await sandboxForFile({
      dhis2Version: version,
      seed: 'demo-tracker',
      now: NOW,
      facilities: 2,
      months: 1,
      runAnalytics: true,
    });
    const answer = await api(
      sandbox,
      '/api/analytics/dataValueSet.json?dimension=dx:DemoPi00000&dimension=pe:202610&dimension=ou:LEVEL-9',
    );
    expect(answer.status).toBe(409);
    expect(answer.body.errorCode).toBe(code);
  });
});

describe('4. complete registrations (DefaultCompleteDataSetRegistrationExchangeService.finalizeSummary)', () => {
  it.each(['2.40.3', '2.43'])(
    '%s: SUCCESS with conflicts when some were taken, ERROR (409) when none, never WARNING',
    async (version) => {
      const sandbox = await hmis(version);
      const unit = sandbox.seed.facilities[0]!;
      const register = (registrations: unknown[]) =>
        api(sandbox, '/api/completeDataSetRegistrations', {
          body: { completeDataSetRegistrations: registrations },
        });
      const some = await register([
        { dataSet: 'DemoImmMon1', period: '202610', organisationUnit: unit, completed: true },
        { dataSet: 'NOPE0000000', period: '202610', organisationUnit: unit, completed: true },
      ]);
      expect(some.status).toBe(200);
      const summary = some.body.response ?? some.body;
      expect(summary.status).toBe('SUCCESS');
      expect(summary.conflicts).toEqual([
        { object: 'NOPE0000000', value: 'Data set not found or not accessible' },
      ]);
      const none = await register([{ period: '202610', organisationUnit: unit, completed: true }]);
      expect(none.status).toBe(409);
      const failed = none.body.response ?? none.body;
      expect(failed.status).toBe('ERROR');
      // No data set given: the conflict has no object at all.
      expect(failed.conflicts).toEqual([{ value: 'Data set not found or not accessible' }]);
    },
  );
});

describe('11. GET /api/dataValueSets reads its org units by the input scheme (DataValueSetQueryParams)', () => {
  const read = (sandbox: RunningSandbox, orgUnit: string, extra = '') =>
    api(
      sandbox,
      `/api/dataValueSets.json?dataSet=DemoImmMon1&period=202610&orgUnit=${orgUnit}&orgUnitIdScheme=CODE${extra}`,
    );

  it('2.40: a code needs inputOrgUnitIdScheme=CODE; orgUnitIdScheme only names the output', async () => {
    const sandbox = await hmis('2.40.3');
    const unit = sandbox.seed.facilities[1]!;
    await post(sandbox, [value(unit)]);
    const code = (await api(sandbox, `/api/organisationUnits/${unit}?fields=code`)).body
      .code as string;
    const byCode = await read(sandbox, code, '&inputOrgUnitIdScheme=CODE');
    expect(byCode.body.dataValues.map((v: { orgUnit: string }) => v.orgUnit)).toEqual([code]);
    const unread = await read(sandbox, code);
    expect(unread.status).toBe(409);
    expect(unread.body).toMatchObject({ errorCode: 'E2006' });
    // Up to 2.42 the last failing check is the one reported.
    const nothing = await api(sandbox, '/api/dataValueSets.json?period=202610');
    expect(nothing.body.errorCode).toBe('E2006');
  });

  it('2.37.6: org units are UIDs, whatever the schemes', async () => {
    const sandbox = await hmis('2.37.6');
    const unit = sandbox.seed.facilities[1]!;
    await post(sandbox, [value(unit)]);
    const code = (await api(sandbox, `/api/organisationUnits/${unit}?fields=code`)).body
      .code as string;
    expect((await read(sandbox, code, '&inputOrgUnitIdScheme=CODE')).body.errorCode).toBe('E2006');
    expect((await read(sandbox, unit)).body.dataValues).toHaveLength(1);
  });

  it('2.43: a parameter that is not a UID is a bad request; the first failing check is reported', async () => {
    const sandbox = await hmis('2.43');
    const answer = await read(sandbox, 'FACILITY_1');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe(
      'UID must be an alphanumeric string of 11 characters starting with a letter, but was: FACILITY_1',
    );
    const nothing = await api(sandbox, '/api/dataValueSets.json?period=202610');
    expect(nothing.body.errorCode).toBe('E2001');
  });
});

describe('8. metadata paging past the last page (Pager, PaginationUtils)', async () => {
  const sandbox = await hmis('2.41');
  it('is an empty list, the pager saying the last page', async () => {
    const { body } = await api(sandbox, '/api/organisationUnits?fields=id&pageSize=2&page=99');
    expect(body.organisationUnits).toEqual([]);
    expect(body.pager.page).toBe(body.pager.pageCount);
  });
});

describe('9. the proxy in front of DHIS2 (nginx large_client_header_buffers 4 8k)', async () => {
  const sandbox = await hmis('2.41');
  it('answers a request line over 8 KB with 414, and takes one just under', async () => {
    const line = (length: number) => `/api/system/ping?pad=${'x'.repeat(length)}`;
    // "GET " + path + " HTTP/1.1\r\n" = 8192 bytes fits; one more does not.
    const fits = line(8192 - 4 - 11 - '/api/system/ping?pad='.length);
    expect(
      (await fetch(`${sandbox.baseUrl}${fits}`, { headers: { authorization: ADMIN_AUTH } })).status,
    ).toBe(200);
    const over = await fetch(`${sandbox.baseUrl}${fits}x`, {
      headers: { authorization: ADMIN_AUTH },
    });
    expect(over.status).toBe(414);
    expect(await over.text()).toContain('<title>414 Request-URI Too Large</title>');
  });
});

describe('12. tracker deletes by UID and JSON Patch removes array elements', async () => {
  const sandbox = await sandboxForFile({
    dhis2Version: '2.41',
    seed: 'demo-tracker',
    now: NOW,
    facilities: 2,
    months: 0,
  });
  const unit = sandbox.seed.facilities[0]!;

  it('deletes an event given only its UID (validators do not run for DELETE)', async () => {
    const created = await api(sandbox, '/api/tracker?async=false', {
      body: {
        events: [
          {
            event: 'EvDeleteMe1',
            program: 'DemoEirPrg1',
            programStage: 'DemoVaccStg',
            orgUnit: unit,
            occurredAt: '2026-10-05',
            dataValues: [],
          },
        ],
      },
    });
    expect(created.body.status).toBe('OK');
    const deleted = await api(sandbox, '/api/tracker?async=false&importStrategy=DELETE', {
      body: { events: [{ event: 'EvDeleteMe1' }] },
    });
    expect(deleted.body).toMatchObject({ status: 'OK', stats: { deleted: 1 } });
  });

  it('removes the element a JSON Patch path names, shrinking the array (JsonPatchManager)', async () => {
    const group = (
      await api(sandbox, '/api/programIndicatorGroups?fields=id,programIndicators[id]&paging=false')
    ).body.programIndicatorGroups[0] as { id: string; programIndicators: { id: string }[] };
    const before = group.programIndicators.map((pi) => pi.id);
    await api(sandbox, `/api/programIndicatorGroups/${group.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: [
        { op: 'remove', path: '/programIndicators/0' },
        { op: 'remove', path: '/nothing/here' },
      ],
    });
    const after = (
      await api(sandbox, `/api/programIndicatorGroups/${group.id}?fields=programIndicators[id]`)
    ).body.programIndicators.map((pi: { id: string }) => pi.id);
    expect(after).toEqual(before.slice(1));
    expect(after).not.toContain(null);
  });
});

describe(
  'an indicator whose expression cannot be evaluated (E7145 with E7144, else no values)',
  withPackages,
  () => {
    const EPI = packagePath('integration-t2a/EPI_EIR_TRK_1.1.1_DHIS2.36.4.metadata.json');
    it.each([
      ['2.40.1', 200],
      ['2.41.0', 409],
    ] as const)(
      '%s answers %i for a filter on a stage its programme lacks',
      async (version, status) => {
        const sandbox = await sandboxForFile({
          dhis2Version: version,
          seed: 'empty',
          metadata: [EPI],
          months: 1,
          runAnalytics: true,
          now: NOW,
          facilities: 2,
        });
        const answer = await api(
          sandbox,
          `/api/analytics/dataValueSet.json?dimension=dx:j17Fy0KAP9U&dimension=pe:202611&dimension=ou:${sandbox.seed.root}`,
        );
        expect(answer.status).toBe(status);
        if (status === 409)
          expect(answer.body).toMatchObject({
            errorCode: 'E7145',
            message: 'Query failed because of a syntax error (SqlState: 42703)',
            devMessage: 'SqlState: 42703',
          });
        else expect(answer.body.dataValues).toEqual([]);
      },
    );
  },
);

describe('where each version reads an import’s schemes and options', () => {
  it('2.43 reads attributeOptionComboIdScheme from the body only (DataEntryInput.fromJson); a URL one is ignored', async () => {
    const sandbox = await hmis('2.43');
    const unit = sandbox.seed.facilities[0]!;
    const withAoc = value(unit, { attributeOptionCombo: 'default' });
    const byUrl = await post(sandbox, [withAoc], `${CODES}&attributeOptionComboIdScheme=CODE`);
    expect(byUrl.status).toBe(409);
    expect(byUrl.summary.conflicts[0]).toMatchObject({
      errorCode: 'E8111',
      value: 'Value #0 attribute option combo UID is not valid: `default`',
      indexes: [-1],
    });
    const byBody = await api(sandbox, `/api/dataValueSets${CODES}`, {
      body: { attributeOptionComboIdScheme: 'CODE', dataValues: [withAoc] },
    });
    expect(byBody.body.response.status).toBe('SUCCESS');
  });

  it('2.40 resolves attribute option combos with the category option combo scheme', async () => {
    const sandbox = await hmis('2.40.3');
    const { summary } = await post(sandbox, [
      value(sandbox.seed.facilities[0]!, { attributeOptionCombo: 'default' }),
    ]);
    expect(summary.status).toBe('SUCCESS');
  });

  it.each([
    ['2.36.2', true],
    ['2.36.4', false],
  ] as const)(
    '%s: a dry run asked for in the URL of a registration import writes anyway: %s',
    async (version, written) => {
      const sandbox = await hmis(version);
      const unit = sandbox.seed.facilities[0]!;
      const registration = {
        dataSet: 'DemoImmMon1',
        period: '202610',
        organisationUnit: unit,
        completed: true,
      };
      await api(sandbox, '/api/completeDataSetRegistrations?dryRun=true', {
        body: { completeDataSetRegistrations: [registration] },
      });
      const read = async () =>
        (
          await api(
            sandbox,
            `/api/completeDataSetRegistrations?dataSet=DemoImmMon1&period=202610&orgUnit=${unit}`,
          )
        ).body.completeDataSetRegistrations ?? [];
      expect((await read()).length).toBe(written ? 1 : 0);
      // In the body, the option holds in every version.
      const other = { ...registration, period: '202609' };
      await api(sandbox, '/api/completeDataSetRegistrations', {
        body: { dryRun: true, completeDataSetRegistrations: [other] },
      });
      const september = await api(
        sandbox,
        `/api/completeDataSetRegistrations?dataSet=DemoImmMon1&period=202609&orgUnit=${unit}`,
      );
      expect(september.body).toEqual({});
    },
  );

  it('registrations are asked for by UID only; orgUnitIdScheme names the answer’s org units', async () => {
    const sandbox = await hmis('2.41');
    const unit = sandbox.seed.facilities[1]!;
    const code = (await api(sandbox, `/api/organisationUnits/${unit}?fields=code`)).body
      .code as string;
    await api(sandbox, '/api/completeDataSetRegistrations', {
      body: {
        completeDataSetRegistrations: [
          { dataSet: 'DemoImmMon1', period: '202610', organisationUnit: unit },
        ],
      },
    });
    const byCode = await api(
      sandbox,
      `/api/completeDataSetRegistrations?dataSet=DemoImmMon1&period=202610&orgUnit=${code}&children=true`,
    );
    expect(byCode.status).toBe(409);
    expect(byCode.body.errorCode).toBe('E2008');
    const byUid = await api(
      sandbox,
      `/api/completeDataSetRegistrations?dataSet=DemoImmMon1&period=202610&orgUnit=${unit}&orgUnitIdScheme=CODE`,
    );
    expect(
      byUid.body.completeDataSetRegistrations.map(
        (r: { organisationUnit: string }) => r.organisationUnit,
      ),
    ).toEqual([code]);
  });
});

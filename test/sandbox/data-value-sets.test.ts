import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const CODES = '?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE';
const value = (orgUnit: string, overrides: Record<string, unknown> = {}) => ({
  dataElement: 'IMM_BCG_DOSES',
  categoryOptionCombo: 'LT1Y_F',
  period: '202610',
  orgUnit,
  value: '5',
  ...overrides,
});

// DHIS2 behaviour: DataValueSetImportValidator, DefaultDataValueSetService (write semantics), WebMessageUtils
// (envelope per version) and the 2.43 DataEntryPipeline (api-notes §2).
describe('POST /api/dataValueSets on 2.40 (classic engine, web message)', async () => {
  const sandbox = await sandboxForFile({
    dhis2Version: '2.40.3', // rejectedIndexes came with 2.40.1
    seed: 'demo-hmis',
    now: NOW,
    facilities: 20,
    users: [
      { username: 'clerk', password: 'Clerk123!', authorities: ['F_DATAVALUE_ADD'], orgUnits: [] },
    ],
  });
  const [a, b, c] = sandbox.seed.facilities as [string, string, string];
  const post = (body: unknown, query = CODES, auth?: string) =>
    api(sandbox, `/api/dataValueSets${query}`, { body, ...(auth ? { auth } : {}) });

  it('imports, then ignores an identical value, then updates a changed one', async () => {
    const first = await post({ dataValues: [value(a)] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      httpStatusCode: 200,
      status: 'OK',
      message: 'Import was successful.',
      response: {
        responseType: 'ImportSummary',
        status: 'SUCCESS',
        importCount: { imported: 1, updated: 0, ignored: 0, deleted: 0 },
      },
    });
    expect((await post({ dataValues: [value(a)] })).body.response.importCount).toEqual({
      imported: 0,
      updated: 0,
      ignored: 1,
      deleted: 0,
    });
    expect(
      (await post({ dataValues: [value(a, { value: '6' })] })).body.response.importCount,
    ).toEqual({ imported: 0, updated: 1, ignored: 0, deleted: 0 });
  });

  it('answers conflicts with 409 and WARNING, grouped by cause with their indexes', async () => {
    const { status, body } = await post({
      dataValues: [
        value(b, { dataElement: 'NOPE' }),
        value(b, { categoryOptionCombo: 'NOPE' }),
        value(b, { dataElement: 'NOPE', period: '202609' }),
        value(b, { value: '2.5' }),
        value(b, { period: '202613' }),
      ],
    });
    expect(status).toBe(409);
    expect(body).toMatchObject({
      httpStatus: 'Conflict',
      status: 'WARNING',
      message: 'One more conflicts encountered, please check import summary.',
    });
    expect(body.response.importCount).toEqual({ imported: 0, updated: 0, ignored: 5, deleted: 0 });
    expect(body.response.conflicts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          errorCode: 'E7610',
          object: 'NOPE',
          value: 'Data element not found or not accessible: `NOPE`',
          indexes: [0, 2],
        }),
        expect.objectContaining({ errorCode: 'E7613', indexes: [1] }),
        expect.objectContaining({
          errorCode: 'E7619',
          value: expect.stringContaining('Data value is not zero or positive integer'),
          indexes: [3],
        }),
        expect.objectContaining({ errorCode: 'E7611', indexes: [4] }),
      ]),
    );
    expect(body.response.rejectedIndexes).toEqual([0, 1, 2, 3, 4]);
  });

  it('deletes on an empty value, drops an insignificant zero, and deletes with strategy DELETE', async () => {
    await post({
      dataValues: [
        value(c),
        value(c, { categoryOptionCombo: 'LT1Y_M' }),
        value(c, { categoryOptionCombo: '1_4Y_F' }),
      ],
    });
    expect(
      (await post({ dataValues: [value(c, { value: '' })] })).body.response.importCount.deleted,
    ).toBe(1);
    const zero = await post({
      dataValues: [
        value(c, { categoryOptionCombo: 'LT1Y_M', value: '0' }),
        value(c, { period: '202609', value: '0' }),
      ],
    });
    expect(zero.body.response.importCount).toEqual({
      imported: 0,
      updated: 0,
      ignored: 0,
      deleted: 1,
    });
    const deleted = await post(
      { dataValues: [value(c, { categoryOptionCombo: '1_4Y_F' })] },
      `${CODES}&importStrategy=DELETE`,
    );
    expect(deleted.body.response.importCount.deleted).toBe(1);
    const held = await api(
      sandbox,
      `/api/dataValueSets.json?dataSet=DemoImmMon1&period=202610&period=202609&orgUnit=${c}`,
    );
    expect(held.body.dataValues).toEqual([]);
  });

  it('writes nothing in a dry run, but counts', async () => {
    const dry = await post(
      { dataValues: [value(b, { period: '202608' })] },
      `${CODES}&dryRun=true`,
    );
    expect(dry.body.response.importCount.imported).toBe(1);
    const held = await api(
      sandbox,
      `/api/dataValueSets.json?dataSet=DemoImmMon1&period=202608&orgUnit=${b}`,
    );
    expect(held.body.dataValues).toEqual([]);
  });

  it('refuses an org unit outside the user’s hierarchy (E7617)', async () => {
    const district = (await api(sandbox, `/api/organisationUnits/${a}?fields=parent[id]`)).body
      .parent.id;
    sandbox.context.metadata.put('users', {
      ...sandbox.context.metadata.list('users').find((u) => u.username === 'clerk')!,
      organisationUnits: [{ id: district }],
    });
    const other = sandbox.seed.facilities.find(
      (f) => (sandbox.context.orgUnits.path(f) ?? '').includes(district) === false,
    )!;
    const clerk = `Basic ${Buffer.from('clerk:Clerk123!').toString('base64')}`;
    const { body } = await post({ dataValues: [value(other)] }, CODES, clerk);
    // The user's UID, as DataValueSetImportValidatorTest.testValidateDataValueOrgUnitInUserHierarchy
    // (2.42.5 l.294–307) expects it.
    const clerkId = sandbox.context.metadata.list('users').find((u) => u.username === 'clerk')!.id;
    expect(body.response.conflicts[0]).toMatchObject({
      errorCode: 'E7617',
      value: `Organisation unit: \`${other}\` not in hierarchy of current user: \`${clerkId}\``,
    });
  });

  it('refuses values for a period past the data set’s expiry days (E7640), for a non-superuser', async () => {
    const dataSet = sandbox.context.metadata.get('dataSets', 'DemoImmMon1')!;
    sandbox.context.metadata.put('dataSets', { ...dataSet, expiryDays: 15 });
    const clerk = `Basic ${Buffer.from('clerk:Clerk123!').toString('base64')}`;
    const mine = sandbox.context.orgUnits
      .subtree(
        (
          sandbox.context.metadata.list('users').find((u) => u.username === 'clerk')!
            .organisationUnits as { id: string }[]
        )[0]!.id,
      )
      .find((id) => sandbox.seed.facilities.includes(id))!;
    const locked = await post({ dataValues: [value(mine, { period: '202609' })] }, CODES, clerk);
    expect(locked.body.response.conflicts[0]).toMatchObject({
      errorCode: 'E7640',
      value: 'Current date is past expiry days for period: `202609`  and data set: `DemoImmMon1`',
    });
    sandbox.context.clock.set(new Date('2026-10-05T08:00:00Z'));
    const open = await post({ dataValues: [value(mine, { period: '202609' })] }, CODES, clerk);
    expect(open.body.response.importCount.imported).toBe(1);
    sandbox.context.clock.set(NOW);
    sandbox.context.metadata.put('dataSets', dataSet);
  });

  it('imports DHIS2’s data value CSV', async () => {
    const csv = `dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\nIMM_PENTA1_DOSES,202610,${a},LT1Y_M,,4,,,,false\n`;
    const { body } = await api(sandbox, `/api/dataValueSets${CODES}`, {
      body: csv,
      headers: { 'content-type': 'application/csv' },
    });
    expect(body.response.importCount.imported).toBe(1);
  });

  it('runs an import asynchronously when asked, with its summary at taskSummaries', async () => {
    const { body } = await post(
      { dataValues: [value(a, { dataElement: 'IMM_PENTA3_DOSES' })] },
      `${CODES}&async=true`,
    );
    expect(body.response).toMatchObject({
      responseType: 'JobConfiguration',
      jobType: 'DATAVALUE_IMPORT',
      relativeNotifierEndpoint: expect.stringContaining('/api/system/tasks/DATAVALUE_IMPORT/'),
    });
    const summary = await api(
      sandbox,
      `/api/system/taskSummaries/DATAVALUE_IMPORT/${body.response.id}`,
    );
    expect(summary.body).toMatchObject({
      responseType: 'ImportSummary',
      importCount: { imported: 1 },
    });
  });

  it('keeps the bare summary for the versioned path /api/37/dataValueSets', async () => {
    const { status, body } = await api(sandbox, `/api/37/dataValueSets${CODES}`, {
      body: { dataValues: [value(a, { dataElement: 'NOPE' })] },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ responseType: 'ImportSummary', status: 'WARNING' });
  });

  it('exports what it holds by data set, period and org unit with children, and says what is missing', async () => {
    const root = sandbox.seed.root;
    const { body } = await api(
      sandbox,
      `/api/dataValueSets.json?dataSet=DemoImmMon1&period=202610&orgUnit=${root}&children=true&dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
    );
    expect(body.dataValues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          dataElement: 'IMM_BCG_DOSES',
          categoryOptionCombo: 'LT1Y_F',
          orgUnit: a,
          value: '6',
          storedBy: 'admin',
        }),
      ]),
    );
    const missing = await api(sandbox, `/api/dataValueSets.json?period=202610&orgUnit=${root}`);
    expect(missing.status).toBe(409);
    // DefaultDataValueSetService.validate (2.40): E2001, an IllegalQueryException answered with 409.
    expect(missing.body).toMatchObject({
      message: 'At least one data element, data set or data element group must be specified',
      errorCode: 'E2001',
    });
  });

  it('registers complete data sets and reads them back', async () => {
    const posted = await api(sandbox, '/api/completeDataSetRegistrations', {
      body: {
        completeDataSetRegistrations: [
          { dataSet: 'DemoImmMon1', period: '202610', organisationUnit: a, completed: true },
        ],
      },
    });
    expect(posted.body.response.importCount.imported).toBe(1);
    const { body } = await api(
      sandbox,
      `/api/completeDataSetRegistrations?dataSet=DemoImmMon1&period=202610&orgUnit=${sandbox.seed.root}&children=true`,
    );
    expect(body.completeDataSetRegistrations).toEqual([
      expect.objectContaining({
        dataSet: 'DemoImmMon1',
        period: '202610',
        organisationUnit: a,
        completed: true,
      }),
    ]);
  });

  it('takes a DHIS2 message, and refuses one without recipients', async () => {
    const admin = sandbox.context.metadata.list('users').find((u) => u.username === 'admin')!;
    const sent = await api(sandbox, '/api/messageConversations', {
      body: { subject: 't2a failed', text: 'details', users: [{ id: admin.id }] },
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      httpStatus: 'Created',
      message: 'Message conversation created',
    });
    expect(sent.headers.get('location')).toMatch(/\/api\/messageConversations\/\w+$/);
    const none = await api(sandbox, '/api/messageConversations', {
      body: { subject: 'x', text: 'y' },
    });
    expect(none).toMatchObject({ status: 409, body: { message: 'No recipients selected.' } });
    const list = await api(sandbox, '/api/messageConversations');
    expect(list.body.messageConversations[0]).toMatchObject({
      subject: 't2a failed',
      messages: [{ text: 'details' }],
    });
  });
});

describe('the import answer of other versions', async () => {
  const v236 = await sandboxForFile({
    dhis2Version: '2.36',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 2,
  });
  const v243 = await sandboxForFile({
    dhis2Version: '2.43',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 2,
  });
  const ou236 = v236.seed.facilities[0]!;
  const ou243 = v243.seed.facilities[0]!;

  it('is a bare summary with 200 on 2.36, its conflicts only {object, value}', async () => {
    const { status, body } = await api(v236, `/api/dataValueSets${CODES}`, {
      body: { dataValues: [value(ou236, { dataElement: 'NOPE' })] },
    });
    expect(status).toBe(200);
    expect(body.status).toBe('WARNING');
    expect(body.conflicts).toEqual([
      { object: 'NOPE', value: 'Data element not found or not accessible: `NOPE`' },
    ]);
  });

  it('counts upserts as updated on 2.43, and aborts the whole request on one unknown code', async () => {
    const ok = await api(v243, `/api/dataValueSets${CODES}`, {
      body: { dataValues: [value(ou243)] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.response.importCount).toEqual({
      imported: 0,
      updated: 1,
      ignored: 0,
      deleted: 0,
    });
    const aborted = await api(v243, `/api/dataValueSets${CODES}`, {
      body: {
        dataValues: [value(ou243, { period: '202609' }), value(ou243, { dataElement: 'NOPE' })],
      },
    });
    expect(aborted.status).toBe(409);
    expect(aborted.body.response).toMatchObject({
      status: 'ERROR',
      conflicts: [{ errorCode: 'E8103', indexes: [-1] }],
    });
    const held = await api(
      v243,
      `/api/dataValueSets.json?dataSet=DemoImmMon1&period=202609&orgUnit=${ou243}`,
    );
    expect(held.body.dataValues).toEqual([]);
  });

  it('refuses on 2.43 an org unit not assigned to the data set (E8022), always enforced', async () => {
    const { body } = await api(v243, `/api/dataValueSets${CODES}`, {
      body: { dataValues: [value(v243.seed.root)] },
    });
    expect(body.response).toMatchObject({ status: 'ERROR', conflicts: [{ errorCode: 'E8022' }] });
  });
});

// SpringDataValueSetStore.getDataValueSql (2.36–2.42): `dv.lastupdated >= '<moment as UTC text>'`;
// HibernateDataExportStore (2.43): the moment bound as a DATE, only its day kept. Both AND it with the
// other filters; includeDeleted returns soft-deleted values marked deleted (DHIS2 2.36–2.43 source).
describe('GET /api/dataValueSets?lastUpdated=…', async () => {
  const classic = await sandboxForFile({
    dhis2Version: '2.40.3',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 3,
  });
  const v243 = await sandboxForFile({
    dhis2Version: '2.43.0',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 3,
  });

  async function writeAt(sandbox: typeof classic, at: string, values: unknown[], strategy = '') {
    sandbox.context.clock.set(new Date(at));
    const answer = await api(sandbox, `/api/dataValueSets${CODES}${strategy}`, {
      body: { dataSet: 'DemoImmMon1', dataValues: values },
    });
    expect(answer.status).toBe(200);
    sandbox.context.clock.set(NOW);
  }
  const since = async (sandbox: typeof classic, lastUpdated: string) => {
    const [ou] = sandbox.seed.facilities as [string];
    const answer = await api(
      sandbox,
      `/api/dataValueSets.json?dataSet=DemoImmMon1&period=202610&orgUnit=${ou}&lastUpdated=${encodeURIComponent(lastUpdated)}&includeDeleted=true${CODES.replace('?', '&')}`,
    );
    expect(answer.status).toBe(200);
    return (answer.body.dataValues ?? []).map(
      (dv: { categoryOptionCombo: string; deleted?: boolean }) =>
        `${dv.categoryOptionCombo}${dv.deleted ? ' deleted' : ''}`,
    );
  };

  for (const [name, sandbox] of [
    ['2.40', classic],
    ['2.43', v243],
  ] as const) {
    it(`${name}: returns what changed from that moment on, deletions included`, async () => {
      const [ou] = sandbox.seed.facilities as [string];
      await writeAt(sandbox, '2026-11-23T22:00:00Z', [
        value(ou),
        value(ou, { categoryOptionCombo: 'LT1Y_M' }),
      ]);
      await writeAt(sandbox, '2026-11-24T03:00:00Z', [
        value(ou, { categoryOptionCombo: '1_4Y_F' }),
      ]);
      await writeAt(
        sandbox,
        '2026-11-24T05:00:00Z',
        [value(ou, { categoryOptionCombo: 'LT1Y_M' })],
        '&importStrategy=DELETE',
      );
      if (name === '2.40') {
        expect(await since(sandbox, '2026-11-24T04:00:00Z')).toEqual(['LT1Y_M deleted']);
        // An offset names the same moment: 07:00 in Nairobi is 04:00 UTC.
        expect(await since(sandbox, '2026-11-24T07:00:00+03:00')).toEqual(['LT1Y_M deleted']);
        expect((await since(sandbox, '2026-11-24T03:00:00')).sort()).toEqual([
          '1_4Y_F',
          'LT1Y_M deleted',
        ]);
      } else {
        // Only the day counts: everything from midnight on.
        expect((await since(sandbox, '2026-11-24T04:00:00')).sort()).toEqual([
          '1_4Y_F',
          'LT1Y_M deleted',
        ]);
      }
      expect((await since(sandbox, '2026-11-23')).sort()).toEqual([
        '1_4Y_F',
        'LT1Y_F',
        'LT1Y_M deleted',
      ]);
    });
  }
});

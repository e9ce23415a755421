import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const BCG_F = 'DemoPi00000'; // BCG, <1 year, Female: decimals 0
const BCG_M = 'DemoPi00100'; // BCG, <1 year, Male: no decimals

async function waitForJob(sandbox: Awaited<ReturnType<typeof sandboxForFile>>, id: string) {
  for (let i = 0; i < 100; i++) {
    const { body } = await api(sandbox, `/api/system/tasks/ANALYTICS_TABLE/${id}`);
    if (body[0]?.completed) return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('analytics job did not finish');
}

// DHIS2 behaviour: AnalyticsUtils.getDataValueSet / handleGridForDataValueSet, SchemeIdResponseMapper,
// DefaultQueryValidator, ResourceTableController and NotifierJobProgress (api-notes §1, §3).
describe('analytics in the sandbox (2.40)', async () => {
  const sandbox = await sandboxForFile({
    dhis2Version: '2.40',
    seed: 'demo',
    now: NOW,
    facilities: 8,
    runAnalytics: true,
    users: [{ username: 'clerk', password: 'Clerk123!', authorities: ['F_DATAVALUE_ADD'] }],
  });
  const facilities = sandbox.seed.facilities;
  const query = (params: string) => api(sandbox, `/api/analytics/dataValueSet.json?${params}`);

  it('exports program indicator values with the mapping attribute as id scheme, org units kept as UIDs', async () => {
    const { status, body } = await query(
      `dimension=dx:${BCG_F};${BCG_M}&dimension=pe:LAST_12_MONTHS&dimension=ou:${facilities.join(';')}&outputIdScheme=ATTRIBUTE:vudyDP7jUy5&outputOrgUnitIdScheme=UID`,
    );
    expect(status).toBe(200);
    expect(body.dataValues.length).toBeGreaterThan(10);
    for (const value of body.dataValues) {
      expect(value.dataElement).toBe('IMM_BCG_DOSES');
      expect(facilities).toContain(value.orgUnit);
      expect(['LT1Y_F', 'LT1Y_M']).toContain(value.categoryOptionCombo);
      expect(value).toMatchObject({
        comment: '[aggregated]',
        created: '2026-11-24',
        followup: false,
      });
      expect(value.storedBy).toBe('[aggregated]'); // still written by 2.40.0; removed in 2.40.4
    }
  });

  it('writes "5.0" unless the indicator has decimals 0', async () => {
    const { body } = await query(
      `dimension=dx:${BCG_F};${BCG_M}&dimension=pe:LAST_12_MONTHS&dimension=ou:${facilities.join(';')}`,
    );
    const female = body.dataValues.filter((v: any) => v.dataElement === BCG_F);
    const male = body.dataValues.filter((v: any) => v.dataElement === BCG_M);
    expect(female.every((v: any) => /^\d+$/.test(v.value))).toBe(true);
    expect(male.every((v: any) => /^\d+\.0$/.test(v.value))).toBe(true);
  });

  it('ignores outputDataItemIdScheme before 2.41 (it maps nothing: UIDs stay)', async () => {
    const { body } = await query(
      `dimension=dx:${BCG_F}&dimension=pe:LAST_12_MONTHS&dimension=ou:${facilities.join(';')}&outputDataItemIdScheme=ATTRIBUTE:vudyDP7jUy5`,
    );
    expect(body.dataValues[0].dataElement).toBe(BCG_F);
  });

  it('maps org units too with outputIdScheme=CODE, and falls back to the UID where an object has no code', async () => {
    const { body } = await query(
      `dimension=dx:${BCG_F}&dimension=pe:LAST_12_MONTHS&dimension=ou:${facilities[0]}&outputIdScheme=CODE`,
    );
    expect(body.dataValues[0].orgUnit).toMatch(/^SB_F\d+$/);
    expect(body.dataValues[0].dataElement).toBe('IMM_BCG_DOSES_LT1Y_F');
  });

  it('sums facilities into their district (COUNT indicators add up the hierarchy)', async () => {
    const district = (
      await api(sandbox, `/api/organisationUnits/${facilities[0]}?fields=parent[id,children[id]]`)
    ).body.parent;
    const children = district.children.map((c: any) => c.id);
    const { body } = await query(
      `dimension=dx:${BCG_F}&dimension=pe:202610&dimension=ou:${[district.id, ...children].join(';')}`,
    );
    const byUnit = new Map(body.dataValues.map((v: any) => [v.orgUnit, Number(v.value)]));
    const sum = children.reduce(
      (total: number, id: string) => total + ((byUnit.get(id) as number) ?? 0),
      0,
    );
    expect(byUnit.get(district.id)).toBe(sum);
  });

  it('resolves LEVEL-n within boundaries, OU_GROUP and USER_ORGUNIT', async () => {
    const level = await query(
      `dimension=dx:${BCG_F}&dimension=pe:LAST_12_MONTHS&dimension=ou:LEVEL-4;${sandbox.seed.root}`,
    );
    expect(new Set(level.body.dataValues.map((v: any) => v.orgUnit)).size).toBeGreaterThan(1);
    const user = await query(
      `dimension=dx:${BCG_F}&dimension=pe:THIS_YEAR&dimension=ou:USER_ORGUNIT`,
    );
    expect(user.body.dataValues.map((v: any) => [v.orgUnit, v.period])).toEqual([
      [sandbox.seed.root, '2026'],
    ]);
  });

  it('emits duplicates as DHIS2 does when two indicators carry the same codes', async () => {
    const original = (await api(sandbox, `/api/programIndicators/${BCG_M}?fields=:owner`)).body;
    const copy = await api(sandbox, '/api/programIndicators', {
      body: {
        ...original,
        id: 'DemoPiCopy1',
        name: `${original.name} (copy)`,
        code: 'BCG_COPY',
        shortName: 'BCG copy',
      },
    });
    expect(copy.status).toBe(201);
    // duplicatesOnly is no longer bound from the request since 2.36: both rows come back.
    const { body } = await query(
      `dimension=dx:${BCG_M};DemoPiCopy1&dimension=pe:202610&dimension=ou:${sandbox.seed.root}&outputIdScheme=ATTRIBUTE:vudyDP7jUy5&duplicatesOnly=true`,
    );
    expect(body.dataValues.filter((v: any) => v.dataElement === 'IMM_BCG_DOSES')).toHaveLength(2);
  });

  it('answers 409 with DHIS2’s codes for a missing dimension or no valid item', async () => {
    const missing = await query(`dimension=dx:${BCG_F}&dimension=pe:202610`);
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({
      httpStatusCode: 409,
      status: 'ERROR',
      errorCode: 'E7119',
    });
    const invalid = await query(
      `dimension=dx:nonexisting&dimension=pe:202610&dimension=ou:${sandbox.seed.root}`,
    );
    expect(invalid.body).toMatchObject({
      errorCode: 'E7124',
      message: 'Dimension is present in query without any valid dimension options: `dx`',
    });
  });

  it('keeps tracker data written after the last analytics run out of analytics until the next run', async () => {
    const before = await query(
      `dimension=dx:${BCG_F}&dimension=pe:20261120&dimension=ou:${facilities[0]}`,
    );
    expect(before.body.dataValues).toEqual([]);
    sandbox.context.db
      .prepare(
        "INSERT INTO tracked_entities (id, tracked_entity_type, org_unit, attributes, created, last_updated) VALUES ('TeNewborn01', 'DemoPerson1', ?, ?, '2026-11-20', '2026-11-20')",
      )
      .run(facilities[0], JSON.stringify({ DemoTeaSex1: 'FEMALE', DemoTeaDob1: '2026-11-19' }));
    sandbox.context.db
      .prepare(
        "INSERT INTO enrollments (id, tracked_entity, program, org_unit, enrolled_at, occurred_at, created, last_updated) VALUES ('EnNewborn01', 'TeNewborn01', 'DemoEirPrg1', ?, '2026-11-20', '2026-11-19', '2026-11-20', '2026-11-20')",
      )
      .run(facilities[0]);
    sandbox.context.db
      .prepare(
        "INSERT INTO events (id, enrollment, program, program_stage, org_unit, occurred_at, data_values, created, last_updated) VALUES ('EvNewborn01', 'EnNewborn01', 'DemoEirPrg1', 'DemoVaccStg', ?, '2026-11-20', ?, '2026-11-20', '2026-11-20')",
      )
      .run(facilities[0], JSON.stringify({ DemoDeVacc1: 'BCG', DemoDeDose1: '1' }));
    expect(
      (await query(`dimension=dx:${BCG_F}&dimension=pe:20261120&dimension=ou:${facilities[0]}`))
        .body.dataValues,
    ).toEqual([]);
    const started = await api(sandbox, '/api/resourceTables/analytics?skipAggregate=true', {
      method: 'POST',
    });
    expect(started.body).toMatchObject({
      status: 'OK',
      response: { jobType: 'ANALYTICS_TABLE', name: 'inMemoryAnalyticsJob' },
    });
    const notifications = await waitForJob(sandbox, started.body.response.id);
    expect(notifications[0]).toMatchObject({
      level: 'INFO',
      completed: true,
      message: expect.stringMatching(/^Analytics tables updated/),
    });
    const after = await query(
      `dimension=dx:${BCG_F}&dimension=pe:20261120&dimension=ou:${facilities[0]}`,
    );
    expect(after.body.dataValues.map((v: any) => v.value)).toEqual(['1']);
    const info = await api(sandbox, '/api/system/info');
    expect(info.body.lastAnalyticsTableSuccess).toMatch(/^2026-11-24T\d{2}:\d{2}:\d{2}\.\d{3}$/);
  });

  it('reports a failing analytics job with level ERROR, and refuses a user without F_PERFORM_MAINTENANCE', async () => {
    sandbox.context.faults.analytics = { fail: 'disk full' };
    const started = await api(sandbox, '/api/resourceTables/analytics', { method: 'POST' });
    const notifications = await waitForJob(sandbox, started.body.response.id);
    expect(notifications[0]).toMatchObject({
      level: 'ERROR',
      completed: true,
      message: expect.stringContaining('disk full'),
    });
    sandbox.context.faults.analytics = {};
    const clerk = `Basic ${Buffer.from('clerk:Clerk123!').toString('base64')}`;
    expect(
      (await api(sandbox, '/api/resourceTables/analytics', { method: 'POST', auth: clerk })).status,
    ).toBe(403);
  });

  it('names an indicator it cannot evaluate instead of answering zero', async () => {
    const broken = {
      ...sandbox.context.metadata.get('programIndicators', BCG_F)!,
      id: 'DemoPiBrkn1',
      name: 'Broken (test)',
      code: 'BROKEN',
      // A date minus a date is an interval in PostgreSQL: DHIS2 runs it, the sandbox does not model it.
      // (An unknown function is DHIS2's own parse error, answered as DHIS2 answers it.)
      filter: 'V{current_date} - V{enrollment_date} > 0',
    };
    sandbox.context.metadata.put('programIndicators', broken);
    const { body } = await query(
      `dimension=dx:DemoPiBrkn1&dimension=pe:LAST_12_MONTHS&dimension=ou:${sandbox.seed.root}`,
    );
    expect(body.dataValues).toEqual([]);
    const unsupported = await api(sandbox, '/__sandbox/analytics/unsupported', { auth: null });
    expect(unsupported.body.programIndicators).toEqual([
      {
        id: 'DemoPiBrkn1',
        name: 'Broken (test)',
        reason: 'filter: date arithmetic giving an interval is not supported by the sandbox',
      },
    ]);
  });

  it('serves values seeded straight into the analytics tables (for benchmarks)', async () => {
    sandbox.context.db
      .prepare(
        "INSERT INTO analytics_values (dx, period, org_unit, value) VALUES ('DemoPi20000', '202501', ?, 7)",
      )
      .run(facilities[1]);
    const { body } = await query(
      `dimension=dx:DemoPi20000&dimension=pe:202501&dimension=ou:${facilities[1]}`,
    );
    expect(body.dataValues.map((v: any) => v.value)).toEqual(['7']);
  });
});

describe('analytics output by version', async () => {
  const v241 = await sandboxForFile({
    dhis2Version: '2.41',
    seed: 'demo',
    now: NOW,
    facilities: 3,
    runAnalytics: true,
  });
  const v238 = await sandboxForFile({
    dhis2Version: '2.38',
    seed: 'demo',
    now: NOW,
    facilities: 3,
    runAnalytics: true,
  });
  const v242 = await sandboxForFile({
    dhis2Version: '2.42',
    seed: 'demo',
    now: NOW,
    facilities: 3,
  });

  it('honours outputDataItemIdScheme from 2.41', async () => {
    const { body } = await api(
      v241,
      `/api/analytics/dataValueSet.json?dimension=dx:${BCG_F}&dimension=pe:LAST_12_MONTHS&dimension=ou:${v241.seed.root}&outputDataItemIdScheme=ATTRIBUTE:vudyDP7jUy5`,
    );
    expect(body.dataValues[0]).toMatchObject({
      dataElement: 'IMM_BCG_DOSES',
      orgUnit: v241.seed.root,
    });
  });

  it('writes storedBy "[aggregated]" up to 2.38, and no longer from 2.41', async () => {
    const { body } = await api(
      v238,
      `/api/analytics/dataValueSet.json?dimension=dx:${BCG_F}&dimension=pe:LAST_12_MONTHS&dimension=ou:${v238.seed.root}`,
    );
    expect(body.dataValues[0].storedBy).toBe('[aggregated]');
    const newer = await api(
      v241,
      `/api/analytics/dataValueSet.json?dimension=dx:${BCG_F}&dimension=pe:LAST_12_MONTHS&dimension=ou:${v241.seed.root}`,
    );
    expect(newer.body.dataValues[0].storedBy).toBeUndefined();
  });

  it('answers E7144 on 2.42 when analytics never ran', async () => {
    const { status, body } = await api(
      v242,
      `/api/analytics/dataValueSet.json?dimension=dx:${BCG_F}&dimension=pe:202610&dimension=ou:${v242.seed.root}`,
    );
    expect(status).toBe(409);
    expect(body.errorCode).toBe('E7144');
  });
});

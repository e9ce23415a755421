import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import {
  addEvent,
  analyticsSandbox,
  dataValueSet,
  MAPPING,
  OU,
  OU_ATTRIBUTE,
  PI,
  runAnalyticsJob,
} from './builder.ts';

// AnalyticsUtils.handleGridForDataValueSet / getDataValueSet / getRoundedValue,
// SchemeIdResponseMapper and the id scheme binding (api-notes §1.3, §1.4).
const NOW = new Date('2026-03-15T10:00:00Z');

/** Events: January at clinics A (cases 3 and 2) and B (4); February at C (1); March at C (1.25, 1.3). */
async function world(version: string): Promise<RunningSandbox> {
  const sandbox = await analyticsSandbox(version, NOW);
  const ctx = sandbox.context;
  addEvent(ctx, { orgUnit: OU.clinicA, date: '2026-01-10', cases: 3 });
  addEvent(ctx, { orgUnit: OU.clinicA, date: '2026-01-11', cases: 2 });
  addEvent(ctx, { orgUnit: OU.clinicB, date: '2026-01-12', cases: 4 });
  addEvent(ctx, { orgUnit: OU.clinicC, date: '2026-02-01', cases: 1 });
  addEvent(ctx, { orgUnit: OU.clinicC, date: '2026-03-01', cases: 1.25 });
  addEvent(ctx, { orgUnit: OU.clinicC, date: '2026-03-02', cases: 1.3 });
  await runAnalyticsJob(sandbox);
  return sandbox;
}

const q = (dx: string[], pe: string[], ou: string[], extra = '') =>
  `dimension=dx:${dx.join(';')}&dimension=pe:${pe.join(';')}&dimension=ou:${ou.join(';')}${extra}`;
const pick = (body: any, keys: string[]) =>
  body.dataValues.map((v: any) => keys.map((k) => v[k]).join(' '));

describe('rows of the data value set (2.40.0)', async () => {
  const sandbox = await world('2.40.0');
  const get = (params: string) => dataValueSet(sandbox, params);

  it('writes one row per indicator, period and org unit with data, as DHIS2 shapes it', async () => {
    const { status, body } = await get(q([PI.cases], ['202601'], [OU.clinicA]));
    expect(status).toBe(200);
    expect(body).toEqual({
      dataValues: [
        {
          dataElement: PI.cases,
          period: '202601',
          orgUnit: OU.clinicA,
          categoryOptionCombo: 'COC_ALL',
          attributeOptionCombo: 'AOC_MOH',
          value: '5.0',
          storedBy: '[aggregated]',
          created: '2026-03-15',
          lastUpdated: '2026-03-15',
          comment: '[aggregated]',
          followup: false,
        },
      ],
    });
  });

  it('writes "5" for decimals 0, "5.0" without decimals, and that many decimals otherwise', async () => {
    const { body } = await get(q([PI.visits, PI.cases, PI.averageCases], ['202601'], [OU.north]));
    expect(pick(body, ['dataElement', 'value'])).toEqual([
      `${PI.visits} 3`,
      `${PI.cases} 9.0`,
      `${PI.averageCases} 3.0`,
    ]);
    const visits = body.dataValues.find((v: any) => v.dataElement === PI.visits);
    expect(visits.categoryOptionCombo).toBe('COC_ALL');
    expect('attributeOptionCombo' in visits).toBe(false);
  });

  it('sums facilities into districts and the country for counts and sums; no row without data', async () => {
    const { body } = await get(
      q([PI.visits], ['202601', '202602'], [OU.root, OU.north, OU.south, OU.clinicA, OU.clinicC]),
    );
    expect(pick(body, ['orgUnit', 'period', 'value']).sort()).toEqual(
      [
        `${OU.root} 202601 3`,
        `${OU.root} 202602 1`,
        `${OU.north} 202601 3`,
        `${OU.south} 202602 1`,
        `${OU.clinicA} 202601 2`,
        `${OU.clinicC} 202602 1`,
      ].sort(),
    );
  });

  it('rounds to one decimal above 1 before DHIS2-17027 (2.40.3), keeps 10 with skipRounding', async () => {
    const march = q([PI.cases], ['202603'], [OU.clinicC]);
    expect(pick((await get(march)).body, ['value'])).toEqual(['2.6']);
    expect(pick((await get(`${march}&skipRounding=true`)).body, ['value'])).toEqual(['2.55']);
    const average = q([PI.averageCases], ['2026'], [OU.south]);
    // decimals 2: (1 + 1.25 + 1.3) / 3 = 1.18333…
    expect(pick((await get(average)).body, ['value'])).toEqual(['1.18']);
    expect(pick((await get(`${average}&skipRounding=true`)).body, ['value'])).toEqual([
      '1.1833333333',
    ]);
  });

  it('emits both rows when two indicators map to the same data element and combo (duplicatesOnly is not bound)', async () => {
    const original = sandbox.context.metadata.get('programIndicators', PI.visits)!;
    sandbox.context.metadata.put('programIndicators', {
      ...original,
      id: 'AnPiVisitsB',
      code: 'CODE_VISITS_COPY',
    });
    const { body } = await get(
      q(
        [PI.visits, 'AnPiVisitsB'],
        ['202601'],
        [OU.north],
        `&outputIdScheme=ATTRIBUTE:${MAPPING}&duplicatesOnly=true`,
      ),
    );
    expect(pick(body, ['dataElement', 'categoryOptionCombo', 'value'])).toEqual([
      'HMIS_VISITS COC_ALL 3',
      'HMIS_VISITS COC_ALL 3',
    ]);
  });

  it('renders XML with the values as attributes, and CSV with plain large numbers', async () => {
    addEvent(sandbox.context, { orgUnit: OU.clinicB, date: '2025-07-01', cases: 12345678 });
    await runAnalyticsJob(sandbox);
    const params = q([PI.cases], ['202507'], [OU.clinicB]);
    expect(pick((await get(params)).body, ['value'])).toEqual(['1.2345678E7']);
    const xml = await dataValueSet(sandbox, params, { format: 'xml' });
    expect(xml.body).toBe(
      `<?xml version='1.0' encoding='UTF-8'?><dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"><dataValue dataElement="${PI.cases}" period="202507" orgUnit="${OU.clinicB}" categoryOptionCombo="COC_ALL" attributeOptionCombo="AOC_MOH" value="1.2345678E7" storedBy="[aggregated]" created="2026-03-15" lastUpdated="2026-03-15" comment="[aggregated]" followup="false"/></dataValueSet>`,
    );
    const csv = await dataValueSet(sandbox, params, { format: 'csv' });
    expect(csv.headers.get('content-type')).toContain('application/csv');
    expect(csv.body).toBe(
      'data_element,period,organisation_unit,category_option_combo,attribute_option_combo,value,stored_by,created,last_updated,comment,follow_up\n' +
        `${PI.cases},202507,${OU.clinicB},COC_ALL,AOC_MOH,12345678.0,[aggregated],2026-03-15,2026-03-15,[aggregated],false\n`,
    );
  });

  it('ignores measureCriteria for program indicators before DHIS2-18788 (2.40.8)', async () => {
    const { body } = await get(
      q([PI.visits], ['202601'], [OU.clinicA, OU.clinicB], '&measureCriteria=GT:1'),
    );
    expect(body.dataValues).toHaveLength(2);
  });
});

describe('identifier schemes (2.40)', async () => {
  const sandbox = await world('2.40');
  const get = async (extra: string, dx = [PI.visits, PI.averageCases]) =>
    pick((await dataValueSet(sandbox, q(dx, ['202601'], [OU.clinicA, OU.clinicB], extra))).body, [
      'dataElement',
      'orgUnit',
    ]).sort();

  it('maps items and org units with outputIdScheme, falling back to the UID', async () => {
    expect(await get('&outputIdScheme=CODE')).toEqual(
      [
        `CODE_${PI.visits} AN_N_A`,
        `CODE_${PI.visits} ${OU.clinicB}`,
        `CODE_${PI.averageCases} AN_N_A`,
        `CODE_${PI.averageCases} ${OU.clinicB}`,
      ].sort(),
    );
    expect(await get('&outputIdScheme=NAME', [PI.visits])).toEqual(
      [`Indicator ${PI.visits} Clinic A`, `Indicator ${PI.visits} Clinic B`].sort(),
    );
  });

  it('maps the mapping attribute where an object has it, the UID elsewhere, org units included', async () => {
    expect(await get(`&outputIdScheme=ATTRIBUTE:${MAPPING}`)).toEqual(
      [
        `HMIS_VISITS ${OU.clinicA}`,
        `HMIS_VISITS ${OU.clinicB}`,
        `${PI.averageCases} ${OU.clinicA}`,
        `${PI.averageCases} ${OU.clinicB}`,
      ].sort(),
    );
    expect(
      await get(`&outputIdScheme=ATTRIBUTE:${MAPPING}&outputOrgUnitIdScheme=CODE`, [PI.visits]),
    ).toEqual([`HMIS_VISITS AN_N_A`, `HMIS_VISITS ${OU.clinicB}`].sort());
    expect(await get(`&outputOrgUnitIdScheme=ATTRIBUTE:${OU_ATTRIBUTE}`, [PI.visits])).toEqual(
      [`${PI.visits} HMIS-A`, `${PI.visits} ${OU.clinicB}`].sort(),
    );
  });

  it('leaves program indicators alone with outputDataElementIdScheme, and ignores outputDataItemIdScheme before 2.41', async () => {
    expect(await get('&outputDataElementIdScheme=CODE', [PI.visits])).toEqual(
      [`${PI.visits} ${OU.clinicA}`, `${PI.visits} ${OU.clinicB}`].sort(),
    );
    expect(await get(`&outputDataItemIdScheme=ATTRIBUTE:${MAPPING}`, [PI.visits])).toEqual(
      [`${PI.visits} ${OU.clinicA}`, `${PI.visits} ${OU.clinicB}`].sort(),
    );
    // Not bound before 2.41: not even a bad value is refused.
    expect(
      (
        await dataValueSet(
          sandbox,
          q([PI.visits], ['202601'], [OU.clinicA], '&outputDataItemIdScheme=FOO'),
        )
      ).status,
    ).toBe(200);
  });

  it('reads dx and ou by inputIdScheme', async () => {
    const { body } = await dataValueSet(
      sandbox,
      q([`CODE_${PI.visits}`], ['202601'], ['AN_N_A', 'AN_N'], '&inputIdScheme=CODE'),
    );
    expect(pick(body, ['dataElement', 'orgUnit', 'value']).sort()).toEqual(
      [`${PI.visits} ${OU.clinicA} 2`, `${PI.visits} ${OU.north} 3`].sort(),
    );
  });

  it('refuses a scheme that does not bind with 400, as Spring does from 2.40', async () => {
    for (const [param, value] of [
      ['outputIdScheme', 'FOO'],
      ['outputOrgUnitIdScheme', 'ATTRIBUTE:short'],
    ]) {
      const { status, body } = await dataValueSet(
        sandbox,
        q([PI.visits], ['202601'], [OU.clinicA], `&${param}=${value}`),
      );
      expect(status).toBe(400);
      expect(body).toEqual({
        httpStatus: 'Bad Request',
        httpStatusCode: 400,
        status: 'ERROR',
        message: `Value '${value}' is not valid for parameter ${param}. No enum constant org.hisp.dhis.common.IdentifiableProperty.${value!.toUpperCase()}`,
      });
    }
  });
});

describe('output by version', async () => {
  const v238 = await world('2.38');
  const v240p4 = await world('2.40.4');
  const v241 = await world('2.41.4');
  const v242 = await world('2.42');
  const march = q([PI.cases], ['202603'], [OU.clinicC]);

  it('drops storedBy from 2.40.4 and rounds to 2 decimals from there (DHIS2-16761, DHIS2-17027)', async () => {
    const row = (await dataValueSet(v240p4, march)).body.dataValues[0];
    expect(row.value).toBe('2.55');
    expect('storedBy' in row).toBe(false);
    const old = (await dataValueSet(v238, march)).body.dataValues[0];
    expect([old.value, old.storedBy]).toEqual(['2.6', '[aggregated]']);
  });

  it('honours outputDataItemIdScheme from 2.41: data items only, over outputIdScheme', async () => {
    const { body } = await dataValueSet(
      v241,
      q(
        [PI.visits],
        ['202601'],
        [OU.clinicA],
        `&outputIdScheme=CODE&outputDataItemIdScheme=ATTRIBUTE:${MAPPING}`,
      ),
    );
    expect(pick(body, ['dataElement', 'orgUnit'])).toEqual(['HMIS_VISITS AN_N_A']);
  });

  it('exports aggregateExportDataElement verbatim from 2.42 only, whatever the id scheme', async () => {
    for (const sandbox of [v241, v242]) {
      const pi = sandbox.context.metadata.get('programIndicators', PI.visits)!;
      sandbox.context.metadata.put('programIndicators', {
        ...pi,
        aggregateExportDataElement: 'deVisitsUid',
      });
    }
    const params = q([PI.visits], ['202601'], [OU.clinicA], `&outputIdScheme=ATTRIBUTE:${MAPPING}`);
    expect(pick((await dataValueSet(v242, params)).body, ['dataElement'])).toEqual(['deVisitsUid']);
    expect(pick((await dataValueSet(v241, params)).body, ['dataElement'])).toEqual(['HMIS_VISITS']);
  });

  it('applies measureCriteria to program indicators from 2.41.4 (HAVING on the aggregate)', async () => {
    const params = q([PI.visits], ['202601'], [OU.clinicA, OU.clinicB], '&measureCriteria=GT:1');
    expect(pick((await dataValueSet(v241, params)).body, ['orgUnit'])).toEqual([OU.clinicA]);
  });

  it('refuses a bad scheme with 2.38’s own message', async () => {
    const { status, body } = await dataValueSet(v238, `${march}&outputIdScheme=FOO`);
    expect([status, body.message]).toEqual([400, 'Value FOO is not a valid IdScheme.']);
  });
});

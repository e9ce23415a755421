import { describe, expect, it } from 'vitest';
import { api } from '../helpers.ts';
import {
  cocUid,
  E2E,
  E2E_AUTH,
  EXPECTED_CELLS,
  e2eSetup,
  SL,
  sierraLeone,
  weightUid,
} from './sierra-leone.ts';

/*
 * dhis2-core's e2e AnalyticsPiDisaggregationTest (dhis-2/dhis-test-e2e/src/test/java/org/hisp/dhis/
 * analytics/aggregate/AnalyticsPiDisaggregationTest.java, 2.42.1 and 2.43.0), every test with its own
 * request and expected answer. The test arrived in 2.42.1; the `disag` package it exercises is the same
 * in 2.42.0 but for `concat()` (research 07 §5), so 2.42.0 answers it too.
 */
const PI = E2E.indicator;
const header = (name: string, column: string) => ({
  name,
  column,
  valueType: 'TEXT',
  type: 'java.lang.String',
  hidden: false,
  meta: true,
});
const VALUE = {
  name: 'value',
  column: 'Value',
  valueType: 'NUMBER',
  type: 'java.lang.Double',
  hidden: false,
  meta: false,
};
const sorted = (rows: string[][]) => [...rows].map((r) => r.join(' ')).sort();

describe.each(['2.42.0', '2.42.1', '2.43.1'])(
  'AnalyticsPiDisaggregationTest on %s',
  async (version) => {
    const sandbox = await sierraLeone(version);
    const setup = await e2eSetup(sandbox);
    const analytics = (params: string) =>
      api(sandbox, `/api/analytics?${params}`, { auth: E2E_AUTH });
    const ngelehun2021 = `filter=pe:2021,ou:${SL.ngelehun}`;

    it('takes the setup as the test does: the metadata imported whole, the mappings PUT with 200', () => {
      // postMetadata (l.133–141) checks stats.updated == stats.total on the demo database, where the
      // objects already exist; here they are new, and nothing is ignored.
      expect(setup.metadata.status).toBe(200);
      expect(setup.metadata.body.status).toBe('OK');
      expect(setup.metadata.body.response.stats).toMatchObject({
        created: 132,
        ignored: 0,
        total: 132,
      });
      expect(setup.mappings.status).toBe(200);
    });

    it('queryAllWeightsTotal (l.549): every event with one gender and one weight, 117', async () => {
      const { status, body } = await analytics(`dimension=dx:${PI}&${ngelehun2021}&skipMeta=true`);
      expect(status).toBe(200);
      expect(body.headers).toEqual([header('dx', 'Data'), VALUE]);
      expect([body.height, body.width]).toEqual([1, 2]);
      expect(body.rows).toEqual([[PI, '117.0']]);
    });

    it('queryAllWeightsByGender (l.578): 51 female, 66 male', async () => {
      const { body } = await analytics(
        `dimension=${SL.genderCategory},dx:${PI}&${ngelehun2021}&skipMeta=true`,
      );
      expect(body.headers).toEqual([
        header('dx', 'Data'),
        header(SL.genderCategory, 'Gender'),
        VALUE,
      ]);
      expect([body.height, body.width]).toEqual([2, 3]);
      expect(sorted(body.rows)).toEqual(
        sorted([
          [PI, SL.female, '51.0'],
          [PI, SL.male, '66.0'],
        ]),
      );
    });

    it('queryAllWeightsByGenderAndWeight (l.609): the 48 rows', async () => {
      const { body } = await analytics(
        `dimension=${SL.genderCategory},${E2E.weightCategory},dx:${PI}&${ngelehun2021}&skipMeta=true`,
      );
      expect(body.headers).toEqual([
        header('dx', 'Data'),
        header(SL.genderCategory, 'Gender'),
        header(E2E.weightCategory, 'Weight in Kilograms'),
        VALUE,
      ]);
      expect([body.height, body.width]).toEqual([48, 4]);
      const expected = (['Female', 'Male'] as const).flatMap((gender) =>
        EXPECTED_CELLS[gender].map(([w, count]) => [
          PI,
          gender === 'Female' ? SL.female : SL.male,
          weightUid(w),
          `${count}.0`,
        ]),
      );
      expect(sorted(body.rows)).toEqual(sorted(expected));
    });

    it('queryFilteredWeightsTotal (l.695): a category filter, 48', async () => {
      const { body } = await analytics(
        `dimension=dx:${PI}&filter=pe:2021,ou:${SL.ngelehun},${E2E.weightCategory}:weight00055;weightOther&skipMeta=true`,
      );
      expect(body.headers).toEqual([header('dx', 'Data'), VALUE]);
      expect(body.rows).toEqual([[PI, '48.0']]);
    });

    it('queryFilteredWeightsByGender (l.726): 23 female, 25 male', async () => {
      const { body } = await analytics(
        `dimension=${SL.genderCategory},dx:${PI}&filter=pe:2021,ou:${SL.ngelehun},${E2E.weightCategory}:weight00055;weightOther&skipMeta=true`,
      );
      expect(body.headers).toEqual([
        header('dx', 'Data'),
        header(SL.genderCategory, 'Gender'),
        VALUE,
      ]);
      expect(sorted(body.rows)).toEqual(
        sorted([
          [PI, SL.female, '23.0'],
          [PI, SL.male, '25.0'],
        ]),
      );
    });

    it('queryFilteredWeightsByGenderAndWeight (l.759): dimension items restrict the rows', async () => {
      const { body } = await analytics(
        `dimension=${SL.genderCategory},${E2E.weightCategory}:weight00055;weightOther,dx:${PI}&${ngelehun2021}&skipMeta=true`,
      );
      expect([body.height, body.width]).toEqual([4, 4]);
      expect(sorted(body.rows)).toEqual(
        sorted([
          [PI, SL.female, 'weight00055', '1.0'],
          [PI, SL.female, 'weightOther', '22.0'],
          [PI, SL.male, 'weight00055', '3.0'],
          [PI, SL.male, 'weightOther', '22.0'],
        ]),
      );
    });

    it('queryDataSetFilteredWeightsByGenderAndWeight (l.803): ExportDeId with the resolved option combos', async () => {
      const { status, body } = await api(
        sandbox,
        `/api/analytics/dataValueSet.json?dimension=pe:2021,ou:${SL.ngelehun},dx:${PI}&filter=${E2E.weightCategory}:weight00055;weightOther&skipMeta=true`,
        { auth: E2E_AUTH },
      );
      expect(status).toBe(200);
      const values = body.dataValues.map((v: Record<string, string>) =>
        [v.dataElement, v.period, v.orgUnit, v.categoryOptionCombo, v.value].join(' '),
      );
      expect(values.sort()).toEqual(
        [
          [E2E.exportDataElement, '2021', SL.ngelehun, cocUid('Female', 55), '1.0'],
          [E2E.exportDataElement, '2021', SL.ngelehun, cocUid('Female', 'Other'), '22.0'],
          [E2E.exportDataElement, '2021', SL.ngelehun, cocUid('Male', 55), '3.0'],
          [E2E.exportDataElement, '2021', SL.ngelehun, cocUid('Male', 'Other'), '22.0'],
        ]
          .map((row) => row.join(' '))
          .sort(),
      );
      // The attribute combo is the default one: no attribute option combo is resolved, and the
      // indicator's aggregateExportAttributeOptionCombo (none) is what goes out.
      expect(body.dataValues.every((v: object) => !('attributeOptionCombo' in v))).toBe(true);
    });

    it('resolves every option combo of a whole year of the same indicator without a filter', async () => {
      const { body } = await api(
        sandbox,
        `/api/analytics/dataValueSet.json?dimension=pe:2021,ou:${SL.ngelehun},dx:${PI}`,
        { auth: E2E_AUTH },
      );
      // 48 cells: the two events with no Gender or no Weight option are dropped (`addCocAndAoc` false).
      expect(body.dataValues).toHaveLength(48);
      const total = body.dataValues.reduce(
        (sum: number, v: { value: string }) => sum + Number(v.value),
        0,
      );
      expect(total).toBe(117);
      expect(body.dataValues).toContainEqual(
        expect.objectContaining({ categoryOptionCombo: cocUid('Male', 'Missing'), value: '11.0' }),
      );
    });
  },
);

describe('the same setup on 2.41.9, before disaggregation', async () => {
  const sandbox = await sierraLeone('2.41.9');
  const setup = await e2eSetup(sandbox);

  it('takes the metadata and the PUT, keeping none of the 2.42 properties', async () => {
    expect([setup.metadata.status, setup.mappings.status]).toEqual([200, 200]);
    const { body: pi } = await api(sandbox, `/api/programIndicators/${PI}?fields=*`, {
      auth: E2E_AUTH,
    });
    expect([pi.categoryCombo, pi.aggregateExportDataElement, pi.categoryMappingIds]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('counts every 2021 event at Ngelehun, 119, and exports it under its own UID', async () => {
    const { body } = await api(
      sandbox,
      `/api/analytics?dimension=dx:${PI}&filter=pe:2021,ou:${SL.ngelehun}&skipMeta=true`,
      { auth: E2E_AUTH },
    );
    expect(body.rows).toEqual([[PI, '119.0']]);
    const dvs = await api(
      sandbox,
      `/api/analytics/dataValueSet.json?dimension=pe:2021,ou:${SL.ngelehun},dx:${PI}`,
      { auth: E2E_AUTH },
    );
    expect(
      dvs.body.dataValues.map((v: Record<string, string>) => [v.dataElement, v.value]),
    ).toEqual([[PI, '119.0']]);
  });

  it('reads a category as a column of the event table, which has none: E7145', async () => {
    const { status, body } = await api(
      sandbox,
      `/api/analytics?dimension=${SL.genderCategory},dx:${PI}&filter=pe:2021,ou:${SL.ngelehun}`,
      { auth: E2E_AUTH },
    );
    expect([status, body.errorCode, body.message, body.devMessage]).toEqual([
      409,
      'E7145',
      'Query failed because of a syntax error (SqlState: 42703)',
      'SqlState: 42703',
    ]);
  });
});

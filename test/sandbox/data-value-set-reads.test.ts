import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { api, sandboxForFile } from './helpers.ts';

/**
 * `GET /api/dataValueSets` as each version writes it. Facts read in dhis2-core:
 * - a header for a single set (one data set, period and org unit, no group) up to 2.42, the values
 *   keeping their own period and org unit: `DataExportParams.isSingleDataValueSet` (2.36.13 l.256–260,
 *   2.42.5 l.250–255), e2e `DataImportTest.dataValuesCanBeImportedForSingleDataSet` (2.40.12
 *   l.219–275) and `DataValueSetServiceExportTest.testExportBasic` (per value `orgUnit`/`period`);
 * - 2.43 decides each header field on its own and leaves it out of the values:
 *   `DataExportServiceExportTest.testExportBasic` (2.43.1 l.229–246, one data set, org unit and period
 *   in the header), `testExportOrgUnitChildren` (l.378–393, children: `dataSet` and `period` only);
 * - an object without a code read by code: the key left out (2.36–2.37, `StreamingJsonDataValue`),
 *   `null` (2.38–2.42, `JsonDataValueSetWriter`), 409 E8201 for the whole read (2.43,
 *   `DefaultDataExportService.encodeGroup` l.230–237, `ErrorCode` l.727–736).
 */
const NOW = new Date('2026-11-24T08:00:00Z');
const CODES = '?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE';

async function hmisWithValues(
  version: string,
): Promise<{ sandbox: RunningSandbox; a: string; b: string }> {
  const sandbox = await sandboxForFile({
    dhis2Version: version,
    seed: 'demo-hmis',
    now: NOW,
    facilities: 4,
  });
  const [a, b] = sandbox.seed.facilities as [string, string];
  const value = (orgUnit: string, dataElement: string, v: string) => ({
    dataElement,
    categoryOptionCombo: 'LT1Y_F',
    period: '202610',
    orgUnit,
    value: v,
  });
  await api(sandbox, `/api/dataValueSets${CODES}`, {
    body: {
      dataValues: [
        value(a, 'IMM_BCG_DOSES', '5'),
        value(a, 'IMM_MR1_DOSES', '2'),
        value(b, 'IMM_BCG_DOSES', '7'),
      ],
    },
  });
  return { sandbox, a, b };
}

const read = (sandbox: RunningSandbox, query: string) =>
  api(sandbox, `/api/dataValueSets.json?dataSet=DemoImmMon1&period=202610&${query}`);

describe.each(['2.37.10', '2.40.3', '2.42.1'])('a single set on %s', (version) => {
  it('has dataSet, period and org unit at the top, and each value keeps its own', async () => {
    const { sandbox, a } = await hmisWithValues(version);
    const { body } = await read(sandbox, `orgUnit=${a}`);
    expect(body).toMatchObject({ dataSet: 'DemoImmMon1', period: '202610', orgUnit: a });
    expect(body.dataValues).toHaveLength(2);
    for (const v of body.dataValues) expect(v).toMatchObject({ period: '202610', orgUnit: a });
    expect(body.dataValues[0].created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    // `completeDate` is null in the header, written as null from 2.38 and left out before.
    if (version === '2.37.10') expect('completeDate' in body).toBe(false);
    else expect(body.completeDate).toBeNull();
  });
});

describe('2.43.1', () => {
  it('puts what the read has one of at the top and leaves it out of the values', async () => {
    const { sandbox, a } = await hmisWithValues('2.43.1');
    const { body } = await read(sandbox, `orgUnit=${a}`);
    expect(body).toMatchObject({ dataSet: 'DemoImmMon1', period: '202610', orgUnit: a });
    expect(body).not.toHaveProperty('completeDate');
    expect(body.dataValues).toHaveLength(2);
    for (const v of body.dataValues) {
      expect(v).not.toHaveProperty('period');
      expect(v).not.toHaveProperty('orgUnit');
      expect(v).toHaveProperty('attributeOptionCombo');
    }
  });

  it('with children keeps the org unit in each value, the data set and period at the top', async () => {
    const { sandbox, a, b } = await hmisWithValues('2.43.1');
    const root = (sandbox.seed as { root: string }).root;
    const { body } = await read(sandbox, `orgUnit=${root}&children=true`);
    expect(body).toMatchObject({ dataSet: 'DemoImmMon1', period: '202610' });
    expect(body).not.toHaveProperty('orgUnit');
    expect(body.dataValues.map((v: { orgUnit: string }) => v.orgUnit).sort()).toEqual(
      [a, a, b].sort(),
    );
  });
});

describe.each([
  ['2.37.10', 'left out'],
  ['2.40.3', 'null'],
  ['2.43.1', 'refused'],
] as const)('a data element without a code, read by code, on %s', (version, answer) => {
  it(`is ${answer}`, async () => {
    const { sandbox, a } = await hmisWithValues(version);
    const element = sandbox.context.metadata.find(
      'dataElements',
      { kind: 'CODE' },
      'IMM_MR1_DOSES',
    )!;
    const { code: _code, ...withoutCode } = element;
    sandbox.context.metadata.put('dataElements', withoutCode);
    const { status, body } = await read(sandbox, `orgUnit=${a}&dataElementIdScheme=CODE`);
    if (answer === 'refused') {
      expect(status).toBe(409);
      expect(body).toMatchObject({
        errorCode: 'E8201',
        message: `Export as CODE not possible as the property is undefined for data element(s): \`[${element.id}]\``,
      });
      return;
    }
    expect(status).toBe(200);
    const codeless = body.dataValues.find((v: { value: string }) => v.value === '2');
    if (answer === 'null') expect(codeless.dataElement).toBeNull();
    else expect(codeless).not.toHaveProperty('dataElement');
  });
});

describe.each([
  ['2.37.6', 200],
  ['2.37.7', 400],
  ['2.43.1', 400],
] as const)('org units named by an attribute in the request, on %s', (version, status) => {
  it(
    status === 400 ? 'do not bind: 400 naming the valid schemes' : 'are read as UIDs',
    async () => {
      // `DataValueSetQueryParams.inputOrgUnitIdScheme` is an `IdentifiableProperty` (2.37.10 l.88):
      // "ATTRIBUTE:<uid>" is no constant of it, and `CrudControllerAdvice.getEnumWebMessage` answers
      // (2.37.10 l.163–171). 2.37.6 has no input schemes: the org unit is a UID, whatever is asked.
      const { sandbox, a } = await hmisWithValues(version);
      const answer = await read(sandbox, `orgUnit=${a}&inputOrgUnitIdScheme=ATTRIBUTE:AtHmisId001`);
      expect(answer.status).toBe(status);
      if (status === 400)
        expect(answer.body.message).toBe(
          'Value ATTRIBUTE:AtHmisId001 is not a valid inputOrgUnitIdScheme. Valid values are: [ID, UID, UUID, NAME, CODE, ATTRIBUTE]',
        );
      else expect(answer.body.dataValues.length).toBeGreaterThan(0);
    },
  );
});

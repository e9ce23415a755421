import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import { runAnalyticsJob } from '../analytics/builder.ts';
import { api, sandboxForFile } from '../helpers.ts';

/*
 * dhis2-core's integration test EventAnalyticsServiceTest (dhis-2/dhis-test-integration/src/test/java/
 * org/hisp/dhis/analytics/event/data/EventAnalyticsServiceTest.java), its four tests of "program
 * indicator with category mappings" (2.42.0 and 2.42.1 l.1460–1570, 2.43.0 l.1474–1586) over its setup
 * (2.43.0 l.322–483 and l.562–628), through the sandbox's HTTP API: two ATTRIBUTE categories mapped by
 * an integer and a text data element, the indicator's attribute combo made of them, eight events B1–B8
 * and M1 (which has neither value). programB is a tracker programme there with one enrollment; the
 * indicator counts events, so here it is an event programme.
 */
const ref = (id: string) => ({ id });
const ou = (c: string) => `ouabcdefgh${c}`;
const USER = { username: 'analyst', password: 'Analyst123!' };
const AUTH = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;

const STAGE_B = 'progrStageB';

/** The program's mappings (2.43.0 l.436–470). */
const MAPPINGS = [
  {
    id: 'ProgCatMapA',
    categoryId: 'categoryIdA',
    mappingName: 'Category A mapping',
    optionMappings: [
      { optionId: 'cataOptionA', filter: `#{${STAGE_B}.deInteger0A} < 15` },
      { optionId: 'cataOptionB', filter: `#{${STAGE_B}.deInteger0A} >= 15` },
    ],
  },
  {
    id: 'ProgCatMapB',
    categoryId: 'categoryIdB',
    mappingName: 'Category B mapping',
    optionMappings: [
      { optionId: 'cataOptionC', filter: `is(#{${STAGE_B}.deText0000B} in 'A','B','C')` },
      {
        optionId: 'cataOptionD',
        filter: `not is(#{${STAGE_B}.deText0000B} in 'A','B','C')`,
      },
    ],
  },
];

function metadata() {
  const unit = (c: string, parent?: string, path: string[] = []) => ({
    id: ou(c),
    name: `OrganisationUnit${c}`,
    shortName: `OrganisationUnitShort${c}`,
    path: `/${[...path, ou(c)].join('/')}`,
    openingDate: '2016-01-01T00:00:00.000',
    ...(parent ? { parent: ref(ou(parent)) } : {}),
  });
  const options = ['A', 'B', 'C', 'D'].map((c) => ({
    id: `cataOption${c}`,
    name: `CategoryOption${c}`,
  }));
  const category = (c: string, opts: string[]) => ({
    id: `categoryId${c}`,
    name: `Category${c}`,
    dataDimensionType: 'ATTRIBUTE',
    categoryOptions: opts.map((o) => ref(`cataOption${o}`)),
  });
  const coc = (a: string, b: string) => ({
    id: `catOptCom${a}${b}`,
    name: `COC${a.toLowerCase()}${b.toLowerCase()}`,
    categoryCombo: ref('categComboA'),
    categoryOptions: [ref(`cataOption${a}`), ref(`cataOption${b}`)],
  });
  const stageB = 'progrStageB';
  return {
    organisationUnits: [
      unit('A'),
      ...['B', 'C'].map((c) => unit(c, 'A', [ou('A')])),
      ...['D', 'E', 'F', 'G'].map((c) => unit(c, 'B', [ou('A'), ou('B')])),
      ...['H', 'I', 'J', 'K', 'L', 'M', 'N'].map((c) => unit(c, 'C', [ou('A'), ou('C')])),
    ],
    categoryOptions: options,
    categories: [category('A', ['A', 'B']), category('B', ['C', 'D'])],
    categoryCombos: [
      {
        id: 'categComboA',
        name: 'CategoryComboCCa',
        categories: [ref('categoryIdA'), ref('categoryIdB')],
      },
    ],
    categoryOptionCombos: [coc('A', 'C'), coc('A', 'D'), coc('B', 'C'), coc('B', 'D')],
    dataElements: [
      { id: 'deInteger0A', name: 'DataElementA', valueType: 'INTEGER', domainType: 'TRACKER' },
      { id: 'deText0000B', name: 'DataElementB', valueType: 'TEXT', domainType: 'TRACKER' },
      { id: 'deMultTextM', name: 'DataElementM', valueType: 'TEXT', domainType: 'TRACKER' },
    ],
    programs: [
      {
        id: 'programB123',
        name: 'ProgramB',
        programType: 'WITHOUT_REGISTRATION',
        categoryCombo: ref('categComboA'),
        programStages: [ref(stageB)],
        organisationUnits: ['D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N'].map((c) =>
          ref(ou(c)),
        ),
      },
    ],
    programStages: [
      {
        id: stageB,
        name: 'ProgramStageB',
        program: ref('programB123'),
        programStageDataElements: ['deInteger0A', 'deText0000B', 'deMultTextM'].map((id) => ({
          dataElement: ref(id),
        })),
      },
    ],
    // createProgramIndicatorBWithCategoryMappings (2.43.0 l.1697–1702) over createProgramIndicator.
    programIndicators: [
      {
        id: 'programIndB',
        name: 'IndicatorB',
        shortName: 'IndicatorShortB',
        program: ref('programB123'),
        analyticsType: 'EVENT',
        expression: 'V{event_count}',
        aggregationType: 'SUM',
        analyticsPeriodBoundaries: [
          {
            boundaryTarget: 'EVENT_DATE',
            analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
          },
          {
            boundaryTarget: 'EVENT_DATE',
            analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
          },
        ],
        categoryMappingIds: ['ProgCatMapA', 'ProgCatMapB'],
        attributeCombo: ref('categComboA'),
      },
    ],
  };
}

/** Events B1–B8 and M1 (2.43.0 l.562–628). */
const EVENTS: [string, string, string, Record<string, string>][] = [
  ['event0000B1', '2017-01-01', 'I', { deInteger0A: '10', deText0000B: 'A' }],
  ['event0000B2', '2017-01-20', 'I', { deInteger0A: '20', deText0000B: 'B' }],
  ['event0000B3', '2017-01-01', 'J', { deInteger0A: '30', deText0000B: 'C' }],
  ['event0000B4', '2017-01-20', 'J', { deInteger0A: '40', deText0000B: 'D' }],
  ['event0000B5', '2017-02-15', 'I', { deInteger0A: '50', deText0000B: 'E' }],
  ['event0000B6', '2017-02-15T12:00:00.000', 'I', { deInteger0A: '60', deText0000B: 'F' }],
  ['event0000B7', '2017-02-15', 'J', { deInteger0A: '70', deText0000B: 'G' }],
  ['event0000B8', '2017-02-15T12:00:00.000', 'J', { deInteger0A: '80', deText0000B: 'H' }],
  ['event0000M1', '2017-01-15', 'I', { deMultTextM: 'abc,def,ghi,jkl' }],
];

async function world(version: string): Promise<RunningSandbox> {
  const sandbox = await sandboxForFile({
    dhis2Version: version,
    seed: 'empty',
    facilities: 1,
    now: new Date('2017-06-01T10:00:00Z'),
    users: [{ ...USER, authorities: ['ALL'], orgUnits: [ou('A')] }],
  });
  const loaded = await api(sandbox, '/api/metadata', { auth: AUTH, body: metadata() });
  // The mappings in a second import: 2.42.0 looks their categories up among the stored objects.
  const program = (await api(sandbox, '/api/programs/programB123?fields=*', { auth: AUTH })).body;
  const mapped = await api(sandbox, '/api/programs/programB123', {
    method: 'PUT',
    auth: AUTH,
    body: { ...program, categoryMappings: MAPPINGS },
  });
  if (mapped.status !== 200) throw new Error(JSON.stringify(mapped.body));
  if (loaded.status !== 200)
    throw new Error(
      JSON.stringify(loaded.body.response.typeReports.filter((t: any) => t.objectReports.length)),
    );
  const events = EVENTS.map(([event, occurredAt, unit, values]) => ({
    event,
    program: 'programB123',
    programStage: 'progrStageB',
    orgUnit: ou(unit),
    occurredAt,
    status: 'ACTIVE',
    dataValues: Object.entries(values).map(([dataElement, value]) => ({ dataElement, value })),
  }));
  const imported = await api(sandbox, '/api/tracker?async=false', { auth: AUTH, body: { events } });
  if (imported.status !== 200) throw new Error(JSON.stringify(imported.body).slice(0, 800));
  await runAnalyticsJob(sandbox);
  return sandbox;
}

const PERIODS = 'pe:201701;201702;201703';
// `level3Ous`: every level-3 unit of the test's database, those below A here (the sandbox's own
// generated tree has a level 3 too, outside the user's units).

describe.each(['2.42.0', '2.43.0'])(
  'EventAnalyticsServiceTest, category mappings, on %s',
  async (version) => {
    const sandbox = await world(version);
    const grid = async (dimensions: string[]) => {
      const query = [...dimensions, PERIODS, `ou:LEVEL-3;${ou('A')}`]
        .map((d) => `dimension=${d}`)
        .join('&');
      const { status, body } = await api(sandbox, `/api/analytics?${query}&skipMeta=true`, {
        auth: AUTH,
      });
      expect([status, body.message]).toEqual([200, undefined]);
      return {
        headers: body.headers.map((h: { name: string }) => h.name),
        rows: body.rows.map((row: string[]) => row.join(' ')).sort(),
      };
    };

    it('testEventProgramIndicatorCategoryMappingsWithNoExtraDimension: M1 has no option of A nor B', async () => {
      expect(await grid(['dx:programIndB'])).toEqual({
        headers: ['dx', 'pe', 'ou', 'value'],
        rows: [
          `programIndB 201701 ${ou('I')} 2.0`,
          `programIndB 201701 ${ou('J')} 2.0`,
          `programIndB 201702 ${ou('I')} 2.0`,
          `programIndB 201702 ${ou('J')} 2.0`,
        ],
      });
    });

    it('testEventProgramIndicatorCategoryMappingsWithOneExtraDimension', async () => {
      expect(await grid(['dx:programIndB', 'categoryIdA'])).toEqual({
        headers: ['dx', 'categoryIdA', 'pe', 'ou', 'value'],
        rows: [
          `programIndB cataOptionA 201701 ${ou('I')} 1.0`,
          `programIndB cataOptionB 201701 ${ou('I')} 1.0`,
          `programIndB cataOptionB 201701 ${ou('J')} 2.0`,
          `programIndB cataOptionB 201702 ${ou('I')} 2.0`,
          `programIndB cataOptionB 201702 ${ou('J')} 2.0`,
        ],
      });
    });

    it('testEventProgramIndicatorCategoryMappingsWithTwoExtraDimensions', async () => {
      expect(await grid(['dx:programIndB', 'categoryIdA', 'categoryIdB'])).toEqual({
        headers: ['dx', 'categoryIdA', 'categoryIdB', 'pe', 'ou', 'value'],
        rows: [
          `programIndB cataOptionA cataOptionC 201701 ${ou('I')} 1.0`,
          `programIndB cataOptionB cataOptionC 201701 ${ou('I')} 1.0`,
          `programIndB cataOptionB cataOptionC 201701 ${ou('J')} 1.0`,
          `programIndB cataOptionB cataOptionD 201701 ${ou('J')} 1.0`,
          `programIndB cataOptionB cataOptionD 201702 ${ou('I')} 2.0`,
          `programIndB cataOptionB cataOptionD 201702 ${ou('J')} 2.0`,
        ],
      });
    });

    it('testEventProgramIndicatorCategoryMappingsAsDataValueSet: `programIndB.*.catOptComXY` as a data value set', async () => {
      const { status, body } = await api(
        sandbox,
        `/api/analytics/dataValueSet.json?dimension=dx:programIndB&dimension=${PERIODS}&dimension=ou:LEVEL-3;${ou('A')}`,
        { auth: AUTH },
      );
      expect(status).toBe(200);
      // `*`: the category combo is default, so the indicator's aggregateExportCategoryOptionCombo (none)
      // is written, which JSON leaves out; the attribute option combo is the resolved one.
      const rows = body.dataValues.map((v: Record<string, string>) =>
        [
          v.dataElement,
          v.categoryOptionCombo ?? '-',
          v.attributeOptionCombo,
          v.period,
          v.orgUnit,
          v.value,
        ].join(' '),
      );
      expect(rows.sort()).toEqual([
        `programIndB - catOptComAC 201701 ${ou('I')} 1.0`,
        `programIndB - catOptComBC 201701 ${ou('I')} 1.0`,
        `programIndB - catOptComBC 201701 ${ou('J')} 1.0`,
        `programIndB - catOptComBD 201701 ${ou('J')} 1.0`,
        `programIndB - catOptComBD 201702 ${ou('I')} 2.0`,
        `programIndB - catOptComBD 201702 ${ou('J')} 2.0`,
      ]);
    });
  },
);

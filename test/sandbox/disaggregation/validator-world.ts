import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import { runAnalyticsJob } from '../analytics/builder.ts';
import { api, sandboxForFile } from '../helpers.ts';

/**
 * The fixture of dhis2-core's ProgramCategoryMappingValidatorTest (dhis-2/dhis-test-integration/src/
 * test/java/org/hisp/dhis/program/ProgramCategoryMappingValidatorTest.java, 2.42.1 and 2.43.0
 * l.120–229), through the sandbox's HTTP API: options `cataOptionA`–`F`, categories `categoryId1`
 * {A,B}, `categoryId2` {C,D}, `categoryId3` {E,F}, combos `catagComboA` [1,2] and `catagComboB` [3],
 * mappings `catMapping1`–`3` of programme `programUidA`, and the indicator `programIndA` with
 * catagComboA as its category combo and catagComboB as its attribute combo. The test's filters
 * (`#{…} > 1` … `> 6`, one data element) overlap; here category n reads its own number data element,
 * its first option 1 and its second 2, so that an event can be given any options, and option combos
 * the test does not need are added for the data value set.
 */
export const V = {
  program: 'programUidA',
  stage: 'progrStageA',
  indicator: 'programIndA',
  unit: 'OuValidat01',
} as const;
export const de = (n: number) => `deNumber00${n}`;

const ref = (id: string) => ({ id });
const OPTIONS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export const option = (c: string) => `cataOption${c}`;
export const USER = { username: 'validator', password: 'Validator1!' };
export const AUTH = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;

export type Mapping = {
  id: string;
  categoryId: string;
  mappingName: string;
  optionMappings: { optionId: string; filter: string | null }[];
};

/** Category n's filter: its data element has one of the values. */
export const pick = (n: number, ...values: number[]) =>
  values.map((v) => `#{${V.stage}.${de(n)}} == ${v}`).join(' or ');

/** catMapping1–3 (l.202–220): category n's first option is its value 1, its second its value 2. */
export function mappings(): Mapping[] {
  const pairs = [
    ['A', 'B'],
    ['C', 'D'],
    ['E', 'F'],
  ] as const;
  return pairs.map(([a, b], i) => ({
    id: `catMapping${i + 1}`,
    categoryId: `categoryId${i + 1}`,
    mappingName: `Mapping ${i + 1}`,
    optionMappings: [
      { optionId: option(a), filter: pick(i + 1, 1) },
      { optionId: option(b), filter: pick(i + 1, 2) },
    ],
  }));
}

function metadata() {
  const combo = (id: string, categories: string[]) => ({
    id,
    name: `CategoryCombo ${id}`,
    categories: categories.map(ref),
  });
  return {
    organisationUnits: [
      {
        id: V.unit,
        name: 'Validator clinic',
        shortName: 'Validator clinic',
        path: `/${V.unit}`,
        openingDate: '2000-01-01T00:00:00.000',
      },
    ],
    categoryOptions: [...OPTIONS, 'G', 'H'].map((c) => ({
      id: option(c),
      name: `CategoryOption${c}`,
    })),
    categories: [
      ['1', 'A', 'B'],
      ['2', 'C', 'D'],
      ['3', 'E', 'F'],
      // Not in the test: a category no mapping names.
      ['4', 'G', 'H'],
    ].map(([n, a, b]) => ({
      id: `categoryId${n}`,
      name: `Category${n}`,
      dataDimensionType: 'DISAGGREGATION',
      categoryOptions: [ref(option(a!)), ref(option(b!))],
    })),
    categoryCombos: [
      combo('catagComboA', ['categoryId1', 'categoryId2']),
      combo('catagComboB', ['categoryId3']),
    ],
    categoryOptionCombos: [
      ...['AC', 'AD', 'BC', 'BD'].map((p) => ({
        id: `cocA${p}000000`.slice(0, 11),
        name: `COC ${p}`,
        categoryCombo: ref('catagComboA'),
        categoryOptions: [...p].map((c) => ref(option(c))),
      })),
      // catagComboB's option combo of E only: F has none (PiDisagDataHandler's Assert.notNull).
      {
        id: 'cocBE000000',
        name: 'COC E',
        categoryCombo: ref('catagComboB'),
        categoryOptions: [ref(option('E'))],
      },
    ],
    dataElements: [1, 2, 3].map((n) => ({
      id: de(n),
      name: `Number ${n}`,
      shortName: `Number ${n}`,
      valueType: 'NUMBER',
      domainType: 'TRACKER',
    })),
    programs: [
      {
        id: V.program,
        name: 'ProgramA',
        shortName: 'ProgramA',
        programType: 'WITHOUT_REGISTRATION',
        programStages: [ref(V.stage)],
        organisationUnits: [ref(V.unit)],
      },
    ],
    programStages: [
      {
        id: V.stage,
        name: 'StageA',
        program: ref(V.program),
        programStageDataElements: [1, 2, 3].map((n) => ({ dataElement: ref(de(n)) })),
      },
    ],
    programIndicators: [
      {
        id: V.indicator,
        name: 'IndicatorA',
        shortName: 'IndicatorShortA',
        program: ref(V.program),
        analyticsType: 'EVENT',
        expression: 'V{event_count}',
        aggregationType: 'SUM',
        analyticsPeriodBoundaries: [
          {
            boundaryTarget: 'EVENT_DATE',
            analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
          },
          {
            boundaryTarget: 'EVENT_DATE',
            analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
          },
        ],
        categoryCombo: ref('catagComboA'),
        attributeCombo: ref('catagComboB'),
        categoryMappingIds: ['catMapping1', 'catMapping2', 'catMapping3'],
      },
    ],
  };
}

/** Events of 2024 at the clinic, by the values of their three data elements (null: none). */
export type EventValues = readonly (number | null)[];

export async function validatorWorld(
  version: string,
  events: readonly EventValues[],
): Promise<RunningSandbox> {
  const sandbox = await sandboxForFile({
    dhis2Version: version,
    seed: 'empty',
    facilities: 1,
    now: new Date('2025-01-15T10:00:00Z'),
    users: [{ ...USER, authorities: ['ALL'], orgUnits: [V.unit] }],
  });
  const loaded = await api(sandbox, '/api/metadata', { auth: AUTH, body: metadata() });
  if (loaded.status !== 200) throw new Error(JSON.stringify(loaded.body).slice(0, 1000));
  await setMappings(sandbox, mappings());
  const body = events.map((values, i) => ({
    event: `ValEvent${String(i).padStart(3, '0')}`,
    program: V.program,
    programStage: V.stage,
    orgUnit: V.unit,
    occurredAt: `2024-03-${String(i + 1).padStart(2, '0')}`,
    status: 'COMPLETED',
    dataValues: values.flatMap((value, n) =>
      value === null ? [] : [{ dataElement: de(n + 1), value: String(value) }],
    ),
  }));
  const imported = await api(sandbox, '/api/tracker?async=false', {
    auth: AUTH,
    body: { events: body },
  });
  if (imported.status !== 200) throw new Error(JSON.stringify(imported.body).slice(0, 1000));
  await runAnalyticsJob(sandbox);
  return sandbox;
}

/** The programme's mappings replaced through PUT, as a maintainer edits them. */
export async function setMappings(sandbox: RunningSandbox, categoryMappings: readonly Mapping[]) {
  const { body: program } = await api(sandbox, `/api/programs/${V.program}?fields=*`, {
    auth: AUTH,
  });
  const put = await api(sandbox, `/api/programs/${V.program}`, {
    method: 'PUT',
    auth: AUTH,
    body: { ...program, categoryMappings },
  });
  if (put.status !== 200) throw new Error(JSON.stringify(put.body));
}

/** The indicator's fields changed through PATCH. */
export async function patchIndicator(sandbox: RunningSandbox, fields: Record<string, unknown>) {
  const patched = await api(sandbox, `/api/programIndicators/${V.indicator}`, {
    method: 'PATCH',
    auth: AUTH,
    body: fields,
  });
  if (patched.status !== 200) throw new Error(JSON.stringify(patched.body));
}

export const grid = (sandbox: RunningSandbox, extra = '') =>
  api(
    sandbox,
    `/api/analytics?dimension=dx:${V.indicator}&filter=pe:2024,ou:${V.unit}${extra}&skipMeta=true`,
    { auth: AUTH },
  );

export const dataValueSet = (sandbox: RunningSandbox, extra = '') =>
  api(
    sandbox,
    `/api/analytics/dataValueSet.json?dimension=dx:${V.indicator}&dimension=pe:2024&dimension=ou:${V.unit}${extra}`,
    { auth: AUTH },
  );

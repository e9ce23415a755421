import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import { runAnalyticsJob } from '../analytics/builder.ts';
import { api, sandboxForFile } from '../helpers.ts';
import { e2eEvents, postEvents } from './sierra-leone-events.ts';
import {
  cocUid,
  E2E,
  E2E_AUTH,
  E2E_USER,
  GENDER_OPTION,
  GENDERS,
  SL,
  WEIGHTS,
  weightUid,
} from './sierra-leone-ids.ts';

export { EXPECTED_CELLS } from './sierra-leone-events.ts';
export { cocUid, E2E, E2E_AUTH, SL, weightUid } from './sierra-leone-ids.ts';

const ref = (id: string) => ({ id });

/**
 * dhis2-core's e2e `AnalyticsPiDisaggregationTest` (dhis-2/dhis-test-e2e/src/test/java/org/hisp/dhis/
 * analytics/aggregate/AnalyticsPiDisaggregationTest.java, 2.42.1 and 2.43.0, identical), set up through
 * the sandbox's own HTTP API as the test sets up its Sierra Leone demo database: first the slice of the
 * demo database it relies on (Ngelehun CHC, the Gender category, the "Inpatient morbidity and
 * mortality" event programme with its Gender and Weight data elements), then the test's `setup()`
 * (l.124–131): `POST /api/metadata` of its category, category combo, 43 options, 86 option combos and
 * indicator (l.133–433), then `ProgramActions.addOrReplaceCategoryMappings` (GET `fields=*`, replace,
 * PUT, l.435–522). The demo database's 2021 events at Ngelehun are re-created from the test's expected
 * rows (`queryAllWeightsByGenderAndWeight`, l.609–692), with events DHIS2 leaves out beside them
 * (sierra-leone-events.ts).
 */

/** The slice of the Sierra Leone demo database the test relies on ("From SL Demo", l.71–92). */
function demoDatabase() {
  const unit = (id: string, name: string, path: string[], extra = {}) => ({
    id,
    name,
    shortName: name,
    path: `/${path.join('/')}`,
    openingDate: '1970-01-01T00:00:00.000',
    ...(path.length > 1 ? { parent: ref(path[path.length - 2]!) } : {}),
    ...extra,
  });
  const facilities = [SL.country, SL.bo, SL.badjia];
  return {
    organisationUnits: [
      unit(SL.country, 'Sierra Leone', [SL.country]),
      unit(SL.bo, 'Bo', [SL.country, SL.bo]),
      unit(SL.badjia, 'Badjia', facilities),
      unit(SL.ngelehun, 'Ngelehun CHC', [...facilities, SL.ngelehun]),
      unit(SL.njandama, 'Njandama MCHP', [...facilities, SL.njandama]),
    ],
    categoryOptions: [
      { id: 'xYerKDKCefk', name: 'default', code: 'default' },
      { id: SL.female, name: 'Female', shortName: 'Female' },
      { id: SL.male, name: 'Male', shortName: 'Male' },
    ],
    categories: [
      {
        id: 'GLevLNI9wkl',
        name: 'default',
        dataDimensionType: 'DISAGGREGATION',
        categoryOptions: [ref('xYerKDKCefk')],
      },
      {
        id: SL.genderCategory,
        name: 'Gender',
        shortName: 'Gender',
        dataDimensionType: 'DISAGGREGATION',
        dataDimension: true,
        categoryOptions: [ref(SL.female), ref(SL.male)],
      },
    ],
    categoryCombos: [
      {
        id: SL.defaultCombo,
        name: 'default',
        dataDimensionType: 'DISAGGREGATION',
        categories: [ref('GLevLNI9wkl')],
      },
    ],
    categoryOptionCombos: [
      {
        id: 'HllvX50cXC0',
        name: 'default',
        categoryCombo: ref(SL.defaultCombo),
        categoryOptions: [ref('xYerKDKCefk')],
      },
    ],
    dataElements: [
      {
        id: SL.genderDe,
        name: 'Gender',
        shortName: 'Gender',
        valueType: 'TEXT',
        domainType: 'TRACKER',
        aggregationType: 'NONE',
      },
      {
        id: SL.weightDe,
        name: 'Weight in kg',
        shortName: 'Weight in kg',
        valueType: 'NUMBER',
        domainType: 'TRACKER',
        aggregationType: 'AVERAGE',
      },
    ],
    programs: [
      {
        id: SL.program,
        name: 'Inpatient morbidity and mortality',
        shortName: 'Inpatient morbidity and mortality',
        programType: 'WITHOUT_REGISTRATION',
        categoryCombo: ref(SL.defaultCombo),
        programStages: [ref(SL.stage)],
        organisationUnits: [ref(SL.ngelehun), ref(SL.njandama)],
      },
    ],
    programStages: [
      {
        id: SL.stage,
        name: 'Inpatient morbidity and mortality',
        program: ref(SL.program),
        programStageDataElements: [
          { dataElement: ref(SL.genderDe) },
          { dataElement: ref(SL.weightDe) },
        ],
      },
    ],
  };
}

/** `getMetadataJson` (l.144–161): the category, the combo, its options and option combos, the indicator. */
export function e2eMetadata() {
  const weights = [...WEIGHTS, 'Other' as const, 'Missing' as const];
  const weightName = (w: number | 'Other' | 'Missing') =>
    typeof w === 'number' ? `${w} Kg` : `${w} weight`;
  return {
    categories: [
      {
        name: 'Weight in Kilograms',
        shortName: 'Weight in Kilograms',
        id: E2E.weightCategory,
        dataDimensionType: 'DISAGGREGATION',
        dataDimension: true,
        categoryCombos: [ref(E2E.combo)],
        categoryOptions: weights.map((w) => ref(weightUid(w))),
      },
    ],
    categoryCombos: [
      {
        name: 'Gender + Weight in Kilograms',
        shortName: 'Gender + Weight in Kilograms',
        id: E2E.combo,
        dataDimensionType: 'DISAGGREGATION',
        categories: [ref(SL.genderCategory), ref(E2E.weightCategory)],
      },
    ],
    categoryOptions: weights.map((w) => ({
      name: weightName(w),
      shortName: weightName(w),
      dataDimensionType: 'DISAGGREGATION',
      id: weightUid(w),
      sharing: { public: 'rwrw----' },
      categories: [ref(E2E.weightCategory)],
    })),
    categoryOptionCombos: GENDERS.flatMap((gender) =>
      weights.map((w) => ({
        name: `${gender}, ${typeof w === 'number' ? `${w} Kg` : `${w} Weight`}`,
        shortName: `${gender}, ${typeof w === 'number' ? `${w} Kg` : `${w} Weight`}`,
        dataDimensionType: 'DISAGGREGATION',
        id: cocUid(gender, w),
        categoryCombo: ref(E2E.combo),
        categoryOptions: [ref(GENDER_OPTION[gender]), ref(weightUid(w))],
      })),
    ),
    programIndicators: [
      {
        name: 'Inpatient morbidity and mortality cases',
        shortName: 'Inpatient morbidity and mortality cases',
        id: E2E.indicator,
        program: ref(SL.program),
        analyticsType: 'EVENT',
        categoryCombo: ref(E2E.combo),
        attributeCombo: ref(SL.defaultCombo),
        aggregationType: 'SUM',
        expression: 'V{event_count}',
        analyticsPeriodBoundaries: [
          {
            id: 'EAhNe5jie2a',
            boundaryTarget: 'EVENT_DATE',
            analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
          },
          {
            id: 'uooK4Ch3ip4',
            boundaryTarget: 'EVENT_DATE',
            analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
          },
        ],
        aggregateExportDataElement: E2E.exportDataElement,
        categoryMappingIds: [E2E.genderMapping, E2E.weightMapping],
      },
    ],
  };
}

const de = (id: string) => `#{${SL.stage}.${id}}`;

/** `getGenderMapping` and `getWeightMapping` (l.441–522). */
export function e2eMappings() {
  return [
    {
      id: E2E.genderMapping,
      categoryId: SL.genderCategory,
      mappingName: 'Gender mapping',
      optionMappings: GENDERS.map((g) => ({
        optionId: GENDER_OPTION[g],
        filter: `${de(SL.genderDe)} == '${g}'`,
      })),
    },
    {
      id: E2E.weightMapping,
      categoryId: E2E.weightCategory,
      mappingName: 'Weight mapping',
      optionMappings: [
        ...WEIGHTS.map((w) => ({ optionId: weightUid(w), filter: `${de(SL.weightDe)} == ${w}` })),
        {
          optionId: weightUid('Other'),
          filter: `${de(SL.weightDe)} < 20 or ${de(SL.weightDe)} > 60`,
        },
        { optionId: weightUid('Missing'), filter: `isNull(${de(SL.weightDe)})` },
      ],
    },
  ];
}

/** `ProgramActions.addOrReplaceCategoryMappings`: GET `fields=*`, drop mappings of the same categories, append, PUT. */
export async function addOrReplaceCategoryMappings(
  sandbox: RunningSandbox,
  mappings: readonly { categoryId: string }[],
) {
  const path = `/api/programs/${SL.program}`;
  const { body: program } = await api(sandbox, `${path}?fields=*`, { auth: E2E_AUTH });
  const categories = new Set(mappings.map((m) => m.categoryId));
  const kept = ((program.categoryMappings ?? []) as { categoryId: string }[]).filter(
    (m) => !categories.has(m.categoryId),
  );
  return api(sandbox, path, {
    method: 'PUT',
    auth: E2E_AUTH,
    body: { ...program, categoryMappings: [...kept, ...mappings] },
  });
}

/** The demo database, its events and an analytics run; the test's own setup is the caller's. */
export async function sierraLeone(version: string): Promise<RunningSandbox> {
  const sandbox = await sandboxForFile({
    dhis2Version: version,
    seed: 'empty',
    facilities: 1,
    now: new Date('2025-06-01T10:00:00Z'),
    users: [{ ...E2E_USER, authorities: ['ALL'], orgUnits: [SL.country] }],
  });
  const loaded = await api(sandbox, '/api/metadata', { auth: E2E_AUTH, body: demoDatabase() });
  if (loaded.status !== 200)
    throw new Error(`demo database not loaded: ${JSON.stringify(loaded.body)}`);
  await postEvents(sandbox, e2eEvents());
  await runAnalyticsJob(sandbox);
  return sandbox;
}

/** `setup()`: the test's metadata (atomicMode OBJECT in `MetadataActions.importMetadata`), then the mappings. */
export async function e2eSetup(sandbox: RunningSandbox) {
  const metadata = await api(sandbox, '/api/metadata?atomicMode=OBJECT&importReportMode=FULL', {
    auth: E2E_AUTH,
    body: e2eMetadata(),
  });
  const mappings = await addOrReplaceCategoryMappings(sandbox, e2eMappings());
  return { metadata, mappings };
}

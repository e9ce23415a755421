import type { MetadataObject } from '../metadata/store.ts';

/**
 * The project's own demo metadata, modelled on an immunisation registry and its monthly HMIS report
 * (the WHO packages carry no licence, so the demo cannot ship them). Fixed UIDs, so the example
 * configuration can name them.
 */
export type MetadataPackage = Record<string, MetadataObject[]>;

export const DEMO = {
  mappingAttribute: 'vudyDP7jUy5',
  program: 'DemoEirPrg1',
  stage: 'DemoVaccStg',
  trackedEntityType: 'DemoPerson1',
  group: 'DemoPiGrp01',
  dataSet: 'DemoImmMon1',
  attributes: {
    sex: 'DemoTeaSex1',
    birth: 'DemoTeaDob1',
    firstName: 'DemoTeaFnm1',
    lastName: 'DemoTeaLnm1',
  },
  dataElements: { vaccine: 'DemoDeVacc1', dose: 'DemoDeDose1' },
} as const;

export const DEFAULT_COMBO = {
  category: 'GLevLNI9wkl',
  option: 'xYerKDKCefk',
  combo: 'bjDvmb4bfuf',
  coc: 'HllvX50cXC0',
} as const;

/** Vaccines and doses reported in the HMIS, each by age and sex. */
export const DEMO_VACCINES = [
  { vaccine: 'BCG', dose: 1, code: 'IMM_BCG_DOSES', name: 'BCG doses given', id: 'DemoDeBcg01' },
  {
    vaccine: 'PENTA',
    dose: 1,
    code: 'IMM_PENTA1_DOSES',
    name: 'Penta 1 doses given',
    id: 'DemoDePen01',
  },
  {
    vaccine: 'PENTA',
    dose: 3,
    code: 'IMM_PENTA3_DOSES',
    name: 'Penta 3 doses given',
    id: 'DemoDePen03',
  },
  {
    vaccine: 'MEASLES',
    dose: 1,
    code: 'IMM_MR1_DOSES',
    name: 'Measles-rubella 1 doses given',
    id: 'DemoDeMr001',
  },
] as const;

export const DEMO_AGES = [
  { code: 'LT1Y', name: '<1 year', id: 'DemoAgeLt1Y', filter: '< 1' },
  { code: '1_4Y', name: '1-4 years', id: 'DemoAge14Yr', filter: '>= 1' },
] as const;

export const DEMO_SEXES = [
  { code: 'F', option: 'FEMALE', name: 'Female', id: 'DemoSexFeml' },
  { code: 'M', option: 'MALE', name: 'Male', id: 'DemoSexMale' },
] as const;

const ref = (id: string) => ({ id });

function defaultCombo(): MetadataPackage {
  return {
    categoryOptions: [{ id: DEFAULT_COMBO.option, name: 'default', code: 'default' }],
    categories: [
      {
        id: DEFAULT_COMBO.category,
        name: 'default',
        code: 'default',
        dataDimensionType: 'DISAGGREGATION',
        categoryOptions: [ref(DEFAULT_COMBO.option)],
      },
    ],
    categoryCombos: [
      {
        id: DEFAULT_COMBO.combo,
        name: 'default',
        code: 'default',
        dataDimensionType: 'DISAGGREGATION',
        categories: [ref(DEFAULT_COMBO.category)],
      },
    ],
    categoryOptionCombos: [
      {
        id: DEFAULT_COMBO.coc,
        name: 'default',
        code: 'default',
        categoryCombo: ref(DEFAULT_COMBO.combo),
        categoryOptions: [ref(DEFAULT_COMBO.option)],
      },
    ],
  };
}

const mappingAttribute = (): MetadataObject => ({
  id: DEMO.mappingAttribute,
  code: 'DATA_ELEMENT_AGG',
  name: 'Data element for aggregate data export',
  shortName: 'Data element for aggregate export',
  valueType: 'TEXT',
  programIndicatorAttribute: true,
  unique: false,
  mandatory: false,
});

function programIndicators(): MetadataObject[] {
  const stage = DEMO.stage;
  return DEMO_VACCINES.flatMap((vaccine, v) =>
    DEMO_AGES.flatMap((age, a) =>
      DEMO_SEXES.map((sex, s) => ({
        id: `DemoPi${v}${a}${s}00`.slice(0, 11).padEnd(11, '0'),
        name: `${vaccine.name}, ${age.name}, ${sex.name} (demo)`,
        shortName: `${vaccine.code} ${age.code} ${sex.code}`,
        code: `${vaccine.code}_${age.code}_${sex.code}`,
        program: ref(DEMO.program),
        analyticsType: 'EVENT',
        aggregationType: 'COUNT',
        expression: 'V{event_count}',
        filter: `#{${stage}.${DEMO.dataElements.vaccine}} == '${vaccine.vaccine}' && #{${stage}.${DEMO.dataElements.dose}} == ${vaccine.dose}\n  && A{${DEMO.attributes.sex}} == '${sex.option}' && d2:yearsBetween(A{${DEMO.attributes.birth}}, V{event_date}) ${age.filter}`,
        // Half of them leave decimals unset, as many real packages do: analytics then writes "5.0".
        ...(s === 0 ? { decimals: 0 } : {}),
        aggregateExportCategoryOptionCombo: `${age.code}_${sex.code}`,
        attributeValues: [{ attribute: ref(DEMO.mappingAttribute), value: vaccine.code }],
        analyticsPeriodBoundaries: [
          {
            id: `DemoBa${v}${a}${s}000`.slice(0, 11),
            analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
            boundaryTarget: 'EVENT_DATE',
          },
          {
            id: `DemoBb${v}${a}${s}000`.slice(0, 11),
            analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
            boundaryTarget: 'EVENT_DATE',
          },
        ],
      })),
    ),
  );
}

/** The source instance: the registry programme, its attribute, and the mapped program indicators. */
export function demoTrackerPackage(): MetadataPackage {
  const indicators = programIndicators();
  return {
    ...defaultCombo(),
    attributes: [mappingAttribute()],
    ...optionSets(),
    trackedEntityAttributes: trackedEntityAttributes(),
    trackedEntityTypes: [{ id: DEMO.trackedEntityType, name: 'Person (demo)' }],
    dataElements: trackerDataElements(),
    ...registryProgram(),
    programIndicators: indicators,
    programIndicatorGroups: [
      {
        id: DEMO.group,
        name: 'Immunisation registry — HMIS export (demo)',
        programIndicators: indicators.map((pi) => ref(pi.id)),
      },
    ],
  };
}

/** The sex and vaccine option sets, with their options. */
function optionSets(): MetadataPackage {
  const options = (prefix: string, values: readonly string[]) =>
    values.map((code, i) => ({
      id: `${prefix}${String(i).padStart(2, '0')}`.padEnd(11, '0').slice(0, 11),
      code,
      name: code.charAt(0) + code.slice(1).toLowerCase(),
    }));
  const sexOptions = options('DemoOptSx', ['FEMALE', 'MALE']);
  const vaccineOptions = options('DemoOptVc', ['BCG', 'OPV', 'PENTA', 'MEASLES']);
  return {
    options: [...sexOptions, ...vaccineOptions],
    optionSets: [
      {
        id: 'DemoOsSex01',
        name: 'Sex (demo)',
        valueType: 'TEXT',
        options: sexOptions.map((o) => ref(o.id)),
      },
      {
        id: 'DemoOsVacc1',
        name: 'Vaccines (demo)',
        valueType: 'TEXT',
        options: vaccineOptions.map((o) => ref(o.id)),
      },
    ],
  };
}

function trackedEntityAttributes(): MetadataObject[] {
  return [
    {
      id: DEMO.attributes.sex,
      name: 'Sex (demo)',
      shortName: 'Sex',
      valueType: 'TEXT',
      aggregationType: 'NONE',
      optionSet: ref('DemoOsSex01'),
    },
    {
      id: DEMO.attributes.birth,
      name: 'Date of birth (demo)',
      shortName: 'Date of birth',
      valueType: 'DATE',
      aggregationType: 'NONE',
    },
    {
      id: DEMO.attributes.firstName,
      name: 'First name (demo)',
      shortName: 'First name',
      valueType: 'TEXT',
      aggregationType: 'NONE',
    },
    {
      id: DEMO.attributes.lastName,
      name: 'Last name (demo)',
      shortName: 'Last name',
      valueType: 'TEXT',
      aggregationType: 'NONE',
    },
  ];
}

/** The vaccine and dose recorded at each vaccination event. */
function trackerDataElements(): MetadataObject[] {
  return [
    {
      id: DEMO.dataElements.vaccine,
      name: 'Vaccine given (demo)',
      shortName: 'Vaccine given',
      code: 'EIR_VACCINE',
      valueType: 'TEXT',
      domainType: 'TRACKER',
      aggregationType: 'NONE',
      optionSet: ref('DemoOsVacc1'),
      categoryCombo: ref(DEFAULT_COMBO.combo),
    },
    {
      id: DEMO.dataElements.dose,
      name: 'Dose number (demo)',
      shortName: 'Dose number',
      code: 'EIR_DOSE',
      valueType: 'INTEGER_POSITIVE',
      domainType: 'TRACKER',
      aggregationType: 'NONE',
      categoryCombo: ref(DEFAULT_COMBO.combo),
    },
  ];
}

/** The registry programme and its one repeatable vaccination stage. */
function registryProgram(): MetadataPackage {
  return {
    programs: [
      {
        id: DEMO.program,
        name: 'Immunisation registry (demo)',
        shortName: 'EIR (demo)',
        code: 'EIR_DEMO',
        programType: 'WITH_REGISTRATION',
        trackedEntityType: ref(DEMO.trackedEntityType),
        categoryCombo: ref(DEFAULT_COMBO.combo),
        programStages: [ref(DEMO.stage)],
        programTrackedEntityAttributes: Object.values(DEMO.attributes).map((id, i) => ({
          id: `DemoPtea${i}00`.slice(0, 11),
          trackedEntityAttribute: ref(id),
        })),
      },
    ],
    programStages: [
      {
        id: DEMO.stage,
        name: 'Vaccination',
        program: ref(DEMO.program),
        repeatable: true,
        programStageDataElements: [DEMO.dataElements.vaccine, DEMO.dataElements.dose].map(
          (de, i) => ({
            id: `DemoPsde${i}00`.slice(0, 11),
            dataElement: ref(de),
            programStage: ref(DEMO.stage),
          }),
        ),
      },
    ],
  };
}

/** The target instance: the monthly immunisation data set with its data elements and age × sex combos. */
export function demoHmisPackage(): MetadataPackage {
  const base = defaultCombo();
  const ageCategory = {
    id: 'DemoCatAge1',
    name: 'Age (demo)',
    code: 'AGE_DEMO',
    dataDimensionType: 'DISAGGREGATION',
    categoryOptions: DEMO_AGES.map((a) => ref(a.id)),
  };
  const sexCategory = {
    id: 'DemoCatSex1',
    name: 'Sex (demo)',
    code: 'SEX_DEMO',
    dataDimensionType: 'DISAGGREGATION',
    categoryOptions: DEMO_SEXES.map((s) => ref(s.id)),
  };
  const combo = {
    id: 'DemoCcAgeSx',
    name: 'Age and sex (demo)',
    code: 'AGE_SEX_DEMO',
    dataDimensionType: 'DISAGGREGATION',
    categories: [ref(ageCategory.id), ref(sexCategory.id)],
  };
  const cocs = DEMO_AGES.flatMap((age, a) =>
    DEMO_SEXES.map((sex) => ({
      id: `DemoCoc${a}${sex.code}`.padEnd(11, '0').slice(0, 11),
      name: `${age.name}, ${sex.name}`,
      code: `${age.code}_${sex.code}`,
      categoryCombo: ref(combo.id),
      categoryOptions: [ref(age.id), ref(sex.id)],
    })),
  );
  const elements = DEMO_VACCINES.map((v) => ({
    id: v.id,
    name: v.name,
    shortName: v.name,
    code: v.code,
    valueType: 'INTEGER_ZERO_OR_POSITIVE',
    domainType: 'AGGREGATE',
    aggregationType: 'SUM',
    zeroIsSignificant: false,
    categoryCombo: ref(combo.id),
  }));
  return {
    categoryOptions: [
      ...base.categoryOptions!,
      ...DEMO_AGES.map((a) => ({ id: a.id, name: a.name, code: a.code })),
      ...DEMO_SEXES.map((s) => ({ id: s.id, name: s.name, code: s.code })),
    ],
    categories: [...base.categories!, ageCategory, sexCategory],
    categoryCombos: [...base.categoryCombos!, combo],
    categoryOptionCombos: [...base.categoryOptionCombos!, ...cocs],
    dataElements: elements,
    dataSets: [
      {
        id: DEMO.dataSet,
        name: 'Immunisation monthly (demo)',
        shortName: 'Immunisation monthly',
        code: 'IMM_MONTHLY_DEMO',
        periodType: 'Monthly',
        expiryDays: 0,
        openFuturePeriods: 0,
        timelyDays: 15,
        categoryCombo: ref(DEFAULT_COMBO.combo),
        dataInputPeriods: [],
        dataSetElements: elements.map((e) => ({
          dataElement: ref(e.id),
          dataSet: ref(DEMO.dataSet),
        })),
      },
    ],
  };
}

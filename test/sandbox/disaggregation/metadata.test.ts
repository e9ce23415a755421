import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import { api, sandboxForFile } from '../helpers.ts';

/*
 * The metadata of 2.42 program indicator disaggregation through /api/metadata, /api/programs and
 * /api/programIndicators: what each version stores and serves, and the program import hook's checks,
 * with dhis2-core's own cases (ProgramObjectBundleHookTest, dhis-2/dhis-services/dhis-service-dxf2/
 * src/test/java/org/hisp/dhis/dxf2/metadata/objectbundle/hooks/; ProgramControllerIntegrationTest,
 * dhis-2/dhis-test-web-api/src/test/java/org/hisp/dhis/webapi/controller/).
 */
const ref = (id: string) => ({ id });
const PROGRAM = 'PrZMWi7rBga';

const mapping = (
  id: string,
  categoryId: string,
  mappingName: string,
  options: [string, string][],
) => ({
  id,
  categoryId,
  mappingName,
  optionMappings: options.map(([optionId, filter]) => ({ optionId, filter })),
});

function program(categoryMappings?: unknown[]) {
  return {
    id: PROGRAM,
    name: 'Program A',
    shortName: 'Program A',
    programType: 'WITHOUT_REGISTRATION',
    ...(categoryMappings ? { categoryMappings } : {}),
  };
}

const indicator = {
  id: 'PiDisagg001',
  name: 'Disaggregated',
  shortName: 'Disaggregated',
  program: ref(PROGRAM),
  expression: 'V{event_count}',
  categoryCombo: ref('CatComboA01'),
  attributeCombo: ref('bjDvmb4bfuf'),
  categoryMappingIds: ['Qairi4aiG5p', 'Qairi4aiG5p', 'cNah1phu8ce'],
  aggregateExportDataElement: 'ExportDeId',
  aggregateExportCategoryOptionCombo: 'FixedCoc001',
};

/** verifyGoodCategoryMappins (2.42.1 l.182, 2.43.0 l.93): categories and options that do not exist. */
const GOOD = [
  mapping('Qairi4aiG5p', 'mGeengien2R', 'Mapping 1', [
    ['sephoo5OWah', 'true'],
    ['iQuash1quuu', 'false'],
  ]),
  mapping('cNah1phu8ce', 'uweesh3Do7e', 'Mapping 2', [
    ['hohngoo6aiV', 'true'],
    ['rdie8Sibae0', 'false'],
  ]),
];

// One sandbox per version for the file, started here so that every describe block shares it.
const VERSIONS = ['2.36.0', '2.41.9', '2.42.0', '2.42.1', '2.43.1'] as const;
const started = new Map<string, RunningSandbox>();
for (const version of VERSIONS)
  started.set(
    version,
    await sandboxForFile({ dhis2Version: version, seed: 'empty', facilities: 1 }),
  );
const sandboxOf = async (version: string) => started.get(version)!;

async function importProgram(version: string, categoryMappings: unknown[]) {
  const sandbox = await sandboxOf(version);
  return api(sandbox, '/api/metadata', { body: { programs: [program(categoryMappings)] } });
}

const errorsOf = (body: any) =>
  body.response.typeReports.flatMap((t: any) =>
    t.objectReports.flatMap((o: any) => o.errorReports.map((e: any) => [e.errorCode, e.message])),
  );

describe('before 2.42 the properties are unknown to DHIS2, and Jackson drops them', () => {
  it.each(['2.36.0', '2.41.9'])(
    '%s stores neither the mappings nor the indicator’s combos',
    async (version) => {
      const sandbox = await sandboxOf(version);
      const loaded = await api(sandbox, '/api/metadata', {
        body: { programs: [program(GOOD)], programIndicators: [indicator] },
      });
      expect(loaded.status).toBe(200);
      const { body: stored } = await api(sandbox, `/api/programs/${PROGRAM}?fields=*`);
      expect('categoryMappings' in stored).toBe(false);
      const { body: pi } = await api(sandbox, `/api/programIndicators/${indicator.id}?fields=*`);
      for (const key of [
        'categoryCombo',
        'attributeCombo',
        'categoryMappingIds',
        'aggregateExportDataElement',
      ])
        expect(key in pi).toBe(false);
      // aggregateExportCategoryOptionCombo is older (BaseDataDimensionalItemObject): kept.
      expect(pi.aggregateExportCategoryOptionCombo).toBe('FixedCoc001');
    },
  );

  it('2.41.9 takes a PUT with mappings (200) and keeps none of them', async () => {
    const sandbox = await sandboxOf('2.41.9');
    const put = await api(sandbox, `/api/programs/${PROGRAM}`, {
      method: 'PUT',
      body: program([{ id: 'bad' }]),
    });
    expect(put.status).toBe(200);
    expect('categoryMappings' in (await api(sandbox, `/api/programs/${PROGRAM}`)).body).toBe(false);
  });
});

describe('2.42+ stores and serves them', async () => {
  const sandbox = await sandboxOf('2.43.1');
  await api(sandbox, '/api/metadata', {
    body: {
      categoryCombos: [{ id: 'CatComboA01', name: 'Combo A', categories: [] }],
      programs: [
        program(GOOD),
        { ...program(), id: 'PrgNoMaps01', name: 'Program B', shortName: 'B' },
      ],
      programIndicators: [
        indicator,
        {
          ...indicator,
          id: 'PiPlain0001',
          name: 'Plain',
          shortName: 'Plain',
          categoryCombo: undefined,
          attributeCombo: undefined,
          categoryMappingIds: undefined,
        },
      ],
    },
  });

  it('serves the mappings in their Java shape, nested fields filtered', async () => {
    const { body } = await api(
      sandbox,
      `/api/programs/${PROGRAM}?fields=categoryMappings[id,categoryId,optionMappings[optionId]]`,
    );
    expect(body.categoryMappings).toEqual([
      {
        id: 'Qairi4aiG5p',
        categoryId: 'mGeengien2R',
        optionMappings: [{ optionId: 'sephoo5OWah' }, { optionId: 'iQuash1quuu' }],
      },
      {
        id: 'cNah1phu8ce',
        categoryId: 'uweesh3Do7e',
        optionMappings: [{ optionId: 'hohngoo6aiV' }, { optionId: 'rdie8Sibae0' }],
      },
    ]);
  });

  it('serves an indicator’s combos as references, its mapping ids as the set they are', async () => {
    const { body } = await api(
      sandbox,
      `/api/programIndicators/${indicator.id}?fields=categoryCombo[id,name],attributeCombo[id],categoryMappingIds,aggregateExportDataElement`,
    );
    expect(body).toEqual({
      categoryCombo: { id: 'CatComboA01', name: 'Combo A' },
      attributeCombo: { id: 'bjDvmb4bfuf' },
      categoryMappingIds: ['Qairi4aiG5p', 'cNah1phu8ce'],
      aggregateExportDataElement: 'ExportDeId',
    });
  });

  it('gives what has none the defaults of the 2.42 migration: no mappings, the default combos', async () => {
    const { body } = await api(
      sandbox,
      '/api/programIndicators/PiPlain0001?fields=categoryCombo,attributeCombo,categoryMappingIds',
    );
    expect(body).toEqual({
      categoryCombo: ref('bjDvmb4bfuf'),
      attributeCombo: ref('bjDvmb4bfuf'),
      categoryMappingIds: [],
    });
    expect((await api(sandbox, '/api/programs/PrgNoMaps01?fields=categoryMappings')).body).toEqual({
      categoryMappings: [],
    });
  });

  it('ProgramControllerIntegrationTest.testFilterCategoryMappings (2.43.0 l.104): empty and !empty', async () => {
    const ids = async (filter: string) =>
      (
        await api(sandbox, `/api/programs?filter=categoryMappings:${filter}&fields=id`)
      ).body.programs.map((p: any) => p.id);
    expect(await ids('empty')).toEqual(['PrgNoMaps01']);
    expect(await ids('!empty')).toEqual([PROGRAM]);
  });
});

describe('the program import hook (ProgramObjectBundleHook.validateCategoryMappings)', () => {
  const cases: [string, string, unknown[], string, string][] = [
    [
      'verifyBadCategoryOptionMappingUid (2.42.1 l.221)',
      '2.42.1',
      [mapping('Dve0nohNixu', 'vaiZahCei7P', 'Mapping 1', [['Bad UID', 'true']])],
      'E4080',
      'Program `PrZMWi7rBga` category mapping `Dve0nohNixu` has an invalid option mapping `Dve0nohNixu`',
    ],
    [
      'verifyDuplicateCategoryOptionMappingUids (2.42.1 l.245)',
      '2.43.1',
      [
        mapping('Dve0nohNixu', 'vaiZahCei7P', 'Mapping 1', [
          ['TheSameUids', 'true'],
          ['TheSameUids', 'false'],
        ]),
      ],
      'E4079',
      'Program `PrZMWi7rBga` category mapping `Dve0nohNixu` has multiple option mappings for Category Option `TheSameUids`',
    ],
    [
      'verifyCategoryMappingsWithInvalidId (2.43.0 l.184)',
      '2.43.1',
      [mapping('invalid_UID', 'daihai8Vee4', 'Mapping 1', [['Ueeth6egaeH', 'true']])],
      'E4075',
      'Program `PrZMWi7rBga` has an invalid category mapping `invalid_UID`',
    ],
    [
      'verifyCategoryMappingsWithDuplicteId (2.43.0 l.208)',
      '2.42.1',
      [
        mapping('SameGoodUID', 'Zhoo0oTaej2', 'Mapping 1', [['gvieJuud0Ro', 'true']]),
        mapping('SameGoodUID', 'IaD3eey1wee', 'Mapping 2', [['prah3dao8Ra', 'true']]),
      ],
      'E4076',
      'Program `PrZMWi7rBga` has duplicate category mapping `SameGoodUID`',
    ],
    [
      'verifyCategoryMappingsWithDuplicteName (2.43.0 l.243)',
      '2.43.1',
      [
        mapping('eOl1Oof6Ood', 'zceth5Ia2oh', 'Same mapping name for same category', [
          ['oohX9vageij', 'true'],
        ]),
        mapping('kXee7cekae7', 'zceth5Ia2oh', 'Same mapping name for same category', [
          ['oohX9vageij', 'false'],
        ]),
      ],
      'E4077',
      'Program `PrZMWi7rBga` category `zceth5Ia2oh` has duplicate category mapping name `Same mapping name for same category`',
    ],
    [
      'verifyUnresolvableCategoryMapping (2.42.0 l.252): 2.42.0 looks the category up',
      '2.42.0',
      [mapping('Dve0nohNixu', 'vaiZahCei7P', 'Mapping 1', [['zmeiNahdow2', 'true']])],
      'E4072',
      'Program `PrZMWi7rBga` category mapping `Dve0nohNixu` category `vaiZahCei7P` not found',
    ],
    [
      'verifyBadCategoryOptionMappingUid on 2.42.0: no E4080 yet, the missing category first',
      '2.42.0',
      [mapping('Dve0nohNixu', 'vaiZahCei7P', 'Mapping 1', [['Bad UID', 'true']])],
      'E4072',
      'Program `PrZMWi7rBga` category mapping `Dve0nohNixu` category `vaiZahCei7P` not found',
    ],
  ];

  it.each(cases)('%s', async (_name, version, mappings, code, message) => {
    const { status, body } = await importProgram(version, mappings);
    expect(status).toBe(409);
    expect(body.response.status).toBe('ERROR');
    expect(errorsOf(body)).toEqual([[code, message]]);
  });

  it('verifyGoodCategoryMappins (2.42.1 l.182): categories and options that exist nowhere pass from 2.42.1', async () => {
    const { status } = await importProgram('2.42.1', GOOD);
    expect(status).toBe(200);
  });

  it('two equal mappings are one (a HashSet of Lombok-equal objects): no E4076', async () => {
    const { status, body } = await importProgram('2.43.1', [GOOD[0], GOOD[0]]);
    expect(status).toBe(200);
    const stored = await api(
      await sandboxOf('2.43.1'),
      `/api/programs/${PROGRAM}?fields=categoryMappings`,
    );
    expect(stored.body.categoryMappings).toEqual([GOOD[0]]);
    expect(body.status).toBe('OK');
  });

  it('refuses a PUT of /api/programs/{id} as the import it is: 409, the object report', async () => {
    const sandbox = await sandboxOf('2.43.1');
    await importProgram('2.43.1', GOOD);
    const { status, body } = await api(sandbox, `/api/programs/${PROGRAM}`, {
      method: 'PUT',
      body: program([mapping('invalid_UID', 'daihai8Vee4', 'Mapping 1', [])]),
    });
    expect(status).toBe(409);
    expect(body).toMatchObject({
      status: 'ERROR',
      response: {
        responseType: 'ObjectReport',
        uid: PROGRAM,
        klass: 'org.hisp.dhis.program.Program',
        errorReports: [
          {
            errorCode: 'E4075',
            message: 'Program `PrZMWi7rBga` has an invalid category mapping `invalid_UID`',
          },
        ],
      },
    });
    // Nothing changed.
    const stored = await api(sandbox, `/api/programs/${PROGRAM}?fields=categoryMappings[id]`);
    expect(stored.body.categoryMappings).toEqual([{ id: 'Qairi4aiG5p' }, { id: 'cNah1phu8ce' }]);
  });

  it('does not check indicators at import: unknown mapping ids and combos are taken', async () => {
    const sandbox = await sandboxOf('2.42.1');
    const { status } = await api(sandbox, '/api/metadata', {
      body: {
        programIndicators: [
          {
            ...indicator,
            id: 'PiUnchecked',
            name: 'U',
            shortName: 'U',
            categoryMappingIds: ['NoMappingId'],
          },
        ],
      },
    });
    expect(status).toBe(200);
  });
});

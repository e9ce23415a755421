import { describe, expect, it } from 'vitest';
import { mappingFromCsv, mappingToCsv } from '../../src/core/mapping-table.ts';
import { explainValue } from '../../src/jobs/explain.ts';
import { exportMapping } from '../../src/jobs/mapping.ts';
import { resolveJob } from '../../src/jobs/resolve-job.ts';
import { validateLive } from '../../src/jobs/validate-live.ts';
import { DEMO, DEMO_AGES, DEMO_SEXES } from '../../src/sandbox/seed/demo-packages.ts';
import {
  configFor,
  contextOf,
  demoSandboxes,
  expectedValues,
  get,
  send,
  storeOf,
  sync,
  targetValues,
} from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202608', '202609', '202610'];
const STAGE = DEMO.stage;
const { vaccine, dose } = DEMO.dataElements;
const { sex, birth } = DEMO.attributes;

/**
 * The tracker's side of 2.42 disaggregation, set up only through DHIS2's API as dhis2-core's e2e
 * `AnalyticsPiDisaggregationTest` does: category options, categories, a category combo and its option
 * combos, the programme's category mappings (a filter per option), and one indicator with a category
 * combo, the mappings' ids and `aggregateExportDataElement`. The options carry the HMIS's codes; the
 * UIDs are the tracker's own.
 */
async function disaggregatedBcg(source: Awaited<ReturnType<typeof demoSandboxes>>['source']) {
  const ages = DEMO_AGES.map((age, i) => ({
    id: `TrkAgeOpt0${i}`,
    code: age.code,
    name: age.name,
  }));
  const sexes = DEMO_SEXES.map((s, i) => ({ id: `TrkSexOpt0${i}`, code: s.code, name: s.name }));
  const category = (id: string, name: string, options: { id: string }[]) => ({
    id,
    name,
    shortName: name,
    dataDimensionType: 'DISAGGREGATION',
    dataDimension: true,
    categoryOptions: options.map((o) => ({ id: o.id })),
  });
  const cocs = ages.flatMap((age, a) =>
    sexes.map((s, x) => ({
      id: `TrkCoc${a}${x}0000`,
      name: `${age.name}, ${s.name}`,
      categoryCombo: { id: 'TrkAgeSexCc' },
      categoryOptions: [{ id: age.id }, { id: s.id }],
    })),
  );
  const answer = await send(source, 'POST', 'metadata', {
    categoryOptions: [...ages, ...sexes].map((o) => ({ ...o, shortName: o.name })),
    categories: [
      category('TrkCatAge01', 'Age (tracker)', ages),
      category('TrkCatSex01', 'Sex (tracker)', sexes),
    ],
    categoryCombos: [
      {
        id: 'TrkAgeSexCc',
        name: 'Age and sex (tracker)',
        dataDimensionType: 'DISAGGREGATION',
        categories: [{ id: 'TrkCatAge01' }, { id: 'TrkCatSex01' }],
      },
    ],
    categoryOptionCombos: cocs,
  });
  expect(answer.status).toBe('OK');
  const program = await get(source, `programs/${DEMO.program}?fields=*`);
  const years = `d2:yearsBetween(A{${birth}}, V{event_date})`;
  await send(source, 'PUT', `programs/${DEMO.program}`, {
    ...program,
    categoryMappings: [
      {
        id: 'TrkMapAge01',
        categoryId: 'TrkCatAge01',
        mappingName: 'Age at the visit',
        optionMappings: DEMO_AGES.map((age, i) => ({
          optionId: ages[i]!.id,
          filter: `${years} ${age.filter}`,
        })),
      },
      {
        id: 'TrkMapSex01',
        categoryId: 'TrkCatSex01',
        mappingName: 'Sex in the register',
        optionMappings: DEMO_SEXES.map((s, i) => ({
          optionId: sexes[i]!.id,
          filter: `A{${sex}} == '${s.option}'`,
        })),
      },
    ],
  });
  await send(source, 'POST', 'metadata', {
    programIndicators: [
      {
        id: 'TrkPiBcgDis',
        name: 'BCG doses by age and sex (disaggregated)',
        shortName: 'BCG by age and sex',
        program: { id: DEMO.program },
        analyticsType: 'EVENT',
        aggregationType: 'COUNT',
        decimals: 0,
        expression: 'V{event_count}',
        filter: `#{${STAGE}.${vaccine}} == 'BCG' && #{${STAGE}.${dose}} == 1`,
        categoryCombo: { id: 'TrkAgeSexCc' },
        attributeCombo: { id: 'bjDvmb4bfuf' },
        categoryMappingIds: ['TrkMapAge01', 'TrkMapSex01'],
        aggregateExportDataElement: 'IMM_BCG_DOSES',
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
      },
    ],
  });
}

describe('a 2.42 disaggregated indicator delivered into another instance', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.42',
    target: '2.41',
    facilities: 4,
    now: NOW,
  });
  await disaggregatedBcg(source);
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: `{ fixed: [${PERIODS.join(', ')}] }`,
  });
  (loaded.config.jobs[0] as { programIndicators: unknown }).programIndicators = {
    ids: ['TrkPiBcgDis'],
  };

  it('validates clean: every combo it can give has a coded counterpart in the HMIS', async () => {
    const validation = await validateLive(contextOf(loaded));
    expect(validation.jobs[0]!.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('writes the same cells, value for value, as the four per-combo indicators of the demo', async () => {
    const report = await sync(loaded);
    expect(report.jobs[0]!.error).toBeUndefined();
    const bcg = (values: Map<string, string>) =>
      new Map([...values].filter(([key]) => key.startsWith('IMM_BCG_DOSES|')));
    const perCombo = bcg(await expectedValues(source, ids.group, ids.root, PERIODS));
    expect(perCombo.size).toBeGreaterThan(4);
    expect(bcg(await targetValues(target, ids.dataSet, ids.root, PERIODS))).toEqual(perCombo);
    expect(report.outcome).toBe('success');
  });

  it('explains each cell it writes by the records its category mappings give that cell', async () => {
    const ctx = { ...contextOf(loaded), store: storeOf(loaded)! };
    const resolved = await resolveJob(ctx, 'immunisation', { periods: ['202609'], dryRun: true });
    const held = [...(await targetValues(target, ids.dataSet, ids.root, ['202609']))].filter(
      ([key]) => key.startsWith('IMM_BCG_DOSES|'),
    );
    expect(held.length).toBeGreaterThan(3);
    for (const [key, value] of held) {
      const [dataElement, categoryOptionCombo, , orgUnit] = key.split('|') as [
        string,
        string,
        string,
        string,
      ];
      const e = await explainValue(ctx, resolved, {
        dataElement,
        categoryOptionCombo,
        period: '202609',
        orgUnit,
      });
      expect(e.mapping.indicators[0]!.disaggregated).toBe(true);
      expect([key, e.recordsAddUp, e.records.length]).toEqual([key, true, Number(value)]);
    }
  });

  it('shows a row per cell it writes in the mapping export, marked as kept in DHIS2', async () => {
    const rows = await exportMapping(contextOf(loaded), 'immunisation');
    const cells = rows.filter((row) => row.programIndicator === 'TrkPiBcgDis');
    expect(cells.map((row) => row.categoryOptionCombo).sort()).toEqual([
      '1_4Y_F',
      '1_4Y_M',
      'LT1Y_F',
      'LT1Y_M',
    ]);
    expect(cells.every((row) => row.dataElement === 'IMM_BCG_DOSES')).toBe(true);
    expect(cells[0]!.disaggregation).toContain('TrkAgeSexCc');
    // A mapping file edited and uploaded leaves them alone: they are not the indicator's attribute.
    expect(mappingFromCsv(mappingToCsv(rows), 'mapping.csv')).toHaveLength(
      rows.length - cells.length,
    );
  });

  it('names an export data element the HMIS lacks, and a category left without a mapping, before any value moves', async () => {
    const pi = await get(source, 'programIndicators/TrkPiBcgDis?fields=*');
    await send(source, 'PUT', 'programIndicators/TrkPiBcgDis', {
      ...pi,
      aggregateExportDataElement: 'IMM_BCG_DOSES_TYPO',
    });
    const typo = await validateLive(contextOf(loaded));
    const unknown = typo.jobs[0]!.findings.find((f) => f.kind === 'unknown-data-element');
    expect(unknown?.message).toContain('"IMM_BCG_DOSES_TYPO" (aggregateExportDataElement)');
    await send(source, 'PUT', 'programIndicators/TrkPiBcgDis', {
      ...pi,
      categoryMappingIds: ['TrkMapAge01'],
    });
    const halfMapped = await validateLive(contextOf(loaded));
    expect(halfMapped.jobs[0]!.findings.map((f) => `${f.severity}:${f.kind}`)).toContain(
      'error:missing-category-mapping',
    );
    const refused = await sync(loaded);
    expect(refused.jobs[0]!.error?.kind).toBe('validation');
    await send(source, 'PUT', 'programIndicators/TrkPiBcgDis', pi);
  });
});

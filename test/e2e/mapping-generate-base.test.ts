import { describe, expect, it } from 'vitest';
import { loadMappingFile } from '../../src/config/mapping-file.ts';
import { T2aError } from '../../src/core/errors.ts';
import { generateMapping } from '../../src/jobs/mapping-generate.ts';
import { configFor, contextOf, demoSandboxes, get, send } from './harness.ts';
import { demoMappingYaml, mappingFile } from './mapping-files.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const WRITE = { dryRun: false, removeOrphans: false, native: false };
const BASE_FILTER = "#{DemoVaccStg.DemoDeVacc1} == 'MEASLES' && #{DemoVaccStg.DemoDeDose1} == 1";

/** A family may copy an indicator the source already has: its expression, filter, boundaries… */
describe('t2a mapping generate from an existing indicator on 2.40', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.40',
    target: '2.41',
    facilities: 2,
    now: NOW,
  });
  const { loaded } = configFor({ source, target, group: ids.group, root: ids.root });
  await send(source, 'POST', 'metadata', {
    programIndicators: [
      {
        id: 'BaseMr1Dose',
        name: 'Measles-rubella 1 doses (all ages)',
        shortName: 'MR1 doses (all)',
        program: { id: 'DemoEirPrg1' },
        analyticsType: 'EVENT',
        aggregationType: 'COUNT',
        expression: 'V{event_count}',
        filter: BASE_FILTER,
        decimals: 0,
        analyticsPeriodBoundaries: [
          {
            analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
            boundaryTarget: 'EVENT_DATE',
          },
          {
            analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
            boundaryTarget: 'EVENT_DATE',
            offsetPeriods: -1,
            offsetPeriodType: 'Monthly',
          },
        ],
      },
    ],
  });
  const yaml = `${demoMappingYaml({ withoutPenta: true })}  MR1:
    name: Measles-rubella 1 doses given
    dataElement: IMM_MR1_DOSES
    base: { programIndicator: BaseMr1Dose }
    categories: [age, sex]
`;

  it('copies its filter, boundaries and analytics type into each combo’s indicator', async () => {
    const result = await generateMapping(
      contextOf(loaded),
      loadMappingFile(mappingFile(yaml)),
      WRITE,
    );
    expect(result.errors).toBe(0);
    const body = await get(
      source,
      'programIndicators?fields=code,filter,analyticsType,aggregationType,analyticsPeriodBoundaries[analyticsPeriodBoundaryType,offsetPeriods,offsetPeriodType]&filter=code:eq:T2A_DEMO_MR1_LT1Y_M',
    );
    const pi = body.programIndicators[0];
    expect(pi.filter).toBe(
      `(${BASE_FILTER}) && (d2:yearsBetween(A{DemoTeaDob1}, V{event_date}) < 1) && (A{DemoTeaSex1} == 'MALE')`,
    );
    expect(pi).toMatchObject({ analyticsType: 'EVENT', aggregationType: 'COUNT' });
    const before = pi.analyticsPeriodBoundaries.find(
      (b: any) => b.analyticsPeriodBoundaryType === 'BEFORE_END_OF_REPORTING_PERIOD',
    );
    expect(before.offsetPeriods).toBe(-1);
    expect(
      before.offsetPeriodType === 'Monthly' || before.offsetPeriodType?.name === 'Monthly',
    ).toBe(true);
    const again = await generateMapping(
      contextOf(loaded),
      loadMappingFile(mappingFile(yaml)),
      WRITE,
    );
    expect(again.imports).toEqual([]);
  });

  it('names a base the source does not have', async () => {
    const result = await generateMapping(
      contextOf(loaded),
      loadMappingFile(mappingFile(yaml.replace('BaseMr1Dose', 'BaseMissing'))),
      WRITE,
    );
    const unknown = result.findings.find((f) => f.kind === 'generate-unknown-base');
    expect(unknown?.message).toContain('no program indicator BaseMissing');
    expect(result.imports).toEqual([]);
  });

  it('refuses --native before 2.42, with the way that works', async () => {
    const run = generateMapping(contextOf(loaded), loadMappingFile(mappingFile(yaml)), {
      ...WRITE,
      native: true,
    });
    await expect(run).rejects.toThrow(T2aError);
    await expect(run).rejects.toThrow('runs 2.40');
  });

  it('checks every target of the job, naming the one that lacks a code', async () => {
    const twoTargets = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      targetExtra: '\n      - connection: tracker',
    });
    const result = await generateMapping(
      contextOf(twoTargets.loaded),
      loadMappingFile(mappingFile(demoMappingYaml({ key: 'TWO' }))),
      { ...WRITE, dryRun: true },
    );
    const unknown = result.findings.filter((f) => f.kind === 'unknown-data-element');
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((f) => f.message.startsWith('tracker: '))).toBe(true);
    expect(result.findings.some((f) => f.message.startsWith('hmis: '))).toBe(false);
  });
});

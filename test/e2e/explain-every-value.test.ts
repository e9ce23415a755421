import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/load.ts';
import { aggregate } from '../../src/core/explain.ts';
import { explainValue } from '../../src/jobs/explain.ts';
import { resolveJob } from '../../src/jobs/resolve-job.ts';
import { packagePath, REAL_PACKAGES, readPackage, withPackages } from '../packages.ts';
import {
  configFor,
  contextOf,
  demoSandboxes,
  get,
  sandbox,
  send,
  storeOf,
  sync,
  targetValues,
} from './harness.ts';

/**
 * The property the explanation stands on: for every value t2a delivered, the records it lists give
 * that value, and t2a's own evaluation over the tracker records agrees with the source's analytics.
 */
async function explainEvery(
  loaded: LoadedConfig,
  cells: readonly [string, string][],
  period: string,
): Promise<string[]> {
  const ctx = { ...contextOf(loaded), store: storeOf(loaded)! };
  const resolved = await resolveJob(ctx, 'immunisation', { periods: [period], dryRun: true });
  const wrong: string[] = [];
  for (const [key, value] of cells) {
    const [dataElement, coc, , orgUnit] = key.split('|') as [string, string, string, string];
    const e = await explainValue(ctx, resolved, {
      dataElement,
      categoryOptionCombo: coc,
      period,
      orgUnit,
    });
    const indicator = e.mapping.indicators[0]!;
    const total = aggregate(
      indicator.aggregationType,
      e.records.map((r) => r.value),
    );
    const own = 'value' in e.ownEvaluation ? e.ownEvaluation.value : undefined;
    if (
      !e.recordsAddUp ||
      Math.abs((total ?? Number.NaN) - Number(value)) > 0.01 ||
      Math.abs((own ?? Number.NaN) - Number(value)) > 0.01
    )
      wrong.push(
        `${key}=${value}: records ${total}, own ${own} (${e.recordsFrom}; ${e.notes.join(' ')})`,
      );
  }
  return wrong;
}

describe('every delivered value of the demo is explained by records that add up to it', async () => {
  const PERIOD = '202603';
  const { source, target, ids } = await demoSandboxes({
    source: '2.42',
    target: '2.42',
    facilities: 2,
    now: new Date('2026-04-10T08:00:00Z'),
  });
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: `{ fixed: [${PERIOD}] }`,
  });

  it('holds for every value, an enrollment indicator among them', async () => {
    // Two indicators become ENROLLMENT ones: girls enrolled in the period (by enrollment date, which
    // DHIS2's enrollment query lists), and boys of any date (no boundaries: t2a's own evaluation lists them).
    const enrollmentDate = (type: string) => ({
      boundaryTarget: 'ENROLLMENT_DATE',
      analyticsPeriodBoundaryType: type,
    });
    for (const [id, sex, boundaries] of [
      [
        'DemoPi31000',
        'FEMALE',
        [
          enrollmentDate('AFTER_START_OF_REPORTING_PERIOD'),
          enrollmentDate('BEFORE_END_OF_REPORTING_PERIOD'),
        ],
      ],
      ['DemoPi31100', 'MALE', []],
    ] as const) {
      const pi = await get(source, `programIndicators/${id}?fields=:owner`);
      await send(source, 'PUT', `programIndicators/${id}`, {
        ...pi,
        analyticsType: 'ENROLLMENT',
        expression: 'V{enrollment_count}',
        filter: `A{DemoTeaSex1} == '${sex}'`,
        analyticsPeriodBoundaries: boundaries,
      });
    }
    await sync(loaded);
    const held = [...(await targetValues(target, ids.dataSet, ids.root, [PERIOD]))];
    expect(held.length).toBeGreaterThan(10);
    expect(held.some(([key]) => key.startsWith('IMM_MR1_DOSES|1_4Y_M|'))).toBe(true);
    expect(held.some(([key]) => key.startsWith('IMM_MR1_DOSES|1_4Y_F|'))).toBe(true);
    expect(await explainEvery(loaded, held, PERIOD)).toEqual([]);
  });
});

describe(
  'every mapped indicator with values in a rehearsal of the mpox package is explained by its records',
  withPackages,
  async () => {
    // Collected even when the group is skipped: without the packages, register the group's place only.
    if (!REAL_PACKAGES.available) {
      it('needs the real packages', () => {});
      return;
    }
    const PERIOD = '202610';
    const NOW = new Date('2026-11-24T08:00:00Z');
    const TRACKER = 'MPOX_EIR/MPOX_EIR_TRK_DHIS2.40.4.1-en.metadata.json';
    const source = await sandbox({
      dhis2Version: '2.41',
      seed: 'empty',
      metadata: [packagePath(TRACKER)],
      months: 2,
      runAnalytics: true,
      now: NOW,
      facilities: 3,
    });
    const target = await sandbox({
      dhis2Version: '2.41',
      seed: 'empty',
      metadata: [packagePath('MPOX_EPI/MPOX_EPI_AGG_complete.metadata.json')],
      now: NOW,
      facilities: 3,
    });
    const ids = (
      readPackage(TRACKER).programIndicators as {
        id: string;
        attributeValues?: { attribute: { id: string }; value: string }[];
      }[]
    )
      .filter((pi) => pi.attributeValues?.some((a) => a.attribute.id === 'vudyDP7jUy5'))
      .map((pi) => pi.id);
    const { loaded } = configFor({
      source,
      target,
      group: 'unused0000a',
      root: source.seed.root,
      periods: `{ fixed: [${PERIOD}] }`,
      jobExtra: '    periodType: Monthly',
    });
    (loaded.config.jobs[0] as { programIndicators: unknown }).programIndicators = { ids };

    it('holds for one value of every indicator with values', async () => {
      await sync(loaded);
      const held = await targetValues(target, 'TEA3VcVaeQM', source.seed.root, [PERIOD]);
      // One cell per data element and combo: each is one indicator's.
      const cells = [...held].filter(
        ([key], index, all) =>
          all.findIndex(
            ([other]) => other.split('|').slice(0, 2).join() === key.split('|').slice(0, 2).join(),
          ) === index,
      );
      expect(cells.length).toBeGreaterThan(5);
      expect(await explainEvery(loaded, cells, PERIOD)).toEqual([]);
    });
  },
);

import { describe, expect, it } from 'vitest';
import {
  configFor,
  demoIds,
  expectedValues,
  get,
  sandbox,
  send,
  sync,
  targetValues,
} from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202610'];
const INDICATORS = 300;
const FACILITIES = 500;

const uid = (prefix: string, n: number) =>
  `${prefix}${String(n).padStart(11 - prefix.length, '0')}`;

describe('a job larger than one URL can carry', async () => {
  // Both sandboxes refuse request lines over 8 KB, as nginx in front of DHIS2 does by default.
  const source = await sandbox({
    dhis2Version: '2.41',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: FACILITIES,
    months: 1,
  });
  const target = await sandbox({
    dhis2Version: '2.41',
    seed: 'demo-hmis',
    now: NOW,
    facilities: FACILITIES,
  });
  const ids = await demoIds(source, target);

  /** 300 mapped indicators: the demo's 16, and copies of them mapped to copies of their data elements. */
  async function growTo300() {
    const originals = (await get(source, `programIndicatorGroups/${ids.group}?fields=:owner`)) as {
      programIndicators: { id: string }[];
    };
    const indicators = (
      await get(
        source,
        `programIndicators?fields=:owner&filter=programIndicatorGroups.id:eq:${ids.group}&paging=false`,
      )
    ).programIndicators as any[];
    const elements = (await get(target, 'dataElements?fields=:owner&paging=false'))
      .dataElements as any[];
    const byCode = new Map(elements.map((element) => [element.code, element]));
    const copies: any[] = [];
    const newElements: any[] = [];
    for (let n = 0; indicators.length + copies.length < INDICATORS; n++) {
      const original = indicators[n % indicators.length];
      const code = `${original.attributeValues[0].value}_C${n}`;
      copies.push({
        ...original,
        id: uid('PiCopy', n),
        name: `${original.name} copy ${n}`,
        shortName: `${original.shortName} c${n}`.slice(0, 50),
        code: `${original.code}_C${n}`,
        attributeValues: [{ attribute: { id: 'vudyDP7jUy5' }, value: code }],
        analyticsPeriodBoundaries: original.analyticsPeriodBoundaries?.map((b: any, i: number) => ({
          ...b,
          id: uid(`Pb${i}`, n),
        })),
      });
      if (!newElements.some((element) => element.code === code)) {
        const element = byCode.get(original.attributeValues[0].value);
        newElements.push({
          ...element,
          id: uid('DeCopy', newElements.length),
          code,
          name: `${element.name} ${code}`,
          shortName: `${element.shortName} ${n}`.slice(0, 50),
        });
      }
    }
    await send(source, 'POST', 'metadata', {
      programIndicators: copies,
      programIndicatorGroups: [
        {
          ...originals,
          programIndicators: [...originals.programIndicators, ...copies.map((c) => ({ id: c.id }))],
        },
      ],
    });
    const dataSet = await get(target, `dataSets/${ids.dataSet}?fields=:owner`);
    await send(target, 'POST', 'metadata', {
      dataElements: newElements,
      dataSets: [
        {
          ...dataSet,
          dataSetElements: [
            ...dataSet.dataSetElements,
            ...newElements.map((element) => ({
              dataElement: { id: element.id },
              dataSet: { id: ids.dataSet },
            })),
          ],
        },
      ],
    });
    const { runAnalyticsNow } = await import('../../src/sandbox/analytics/analytics-job.ts');
    runAnalyticsNow(source.context);
  }

  it(`syncs ${INDICATORS} indicators × ${FACILITIES} org units in one chunk, every URL under the limit`, async () => {
    await growTo300();
    const { loaded } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: '{ fixed: [202610] }',
      chunk: `{ periods: 1, orgUnits: ${FACILITIES} }`,
    });
    const report = await sync(loaded);
    const job = report.jobs[0]!;
    expect(job.error).toBeUndefined();
    expect(job.indicators.mapped).toBe(INDICATORS);
    expect(job.failedChunks).toEqual([]);
    expect(job.exports).toMatchObject({ chunks: 1, maxUrlLength: 8000 });
    expect(job.exports!.requests).toBeGreaterThan(1);
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    expect(expected.size).toBeGreaterThan(1000);
    expect(await targetValues(target, ids.dataSet, ids.root, PERIODS)).toEqual(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { configFor, demoSandboxes, get, send, sync } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/**
 * What a target holds is read in every shape a version writes (test/sandbox/data-value-set-reads.test.ts):
 * 2.43 names a chunk's one period and org unit at the top only, and refuses a read by code outright
 * where any object of it has no code (E8201–E8203); 2.38–2.42 answer such ids as null. t2a reads by UID
 * and names what it reads itself, so neither costs a chunk or a value.
 */
describe.each(['2.40', '2.43'])(
  'reading a %s target whose data set holds a data element without a code',
  (version) => {
    it('delivers, then finds every value unchanged: no failed chunk, nothing sent twice', async () => {
      const { source, target, ids } = await demoSandboxes({
        source: '2.41',
        target: version,
        facilities: 2,
        now: NOW,
      });
      // A data element typed by hand in the same data set, with no code (not one t2a maps).
      const dataSet = await get(target, `dataSets/${ids.dataSet}?fields=:owner`);
      const [anyElement] = (
        await get(target, 'dataElements?filter=code:eq:IMM_BCG_DOSES&fields=:owner')
      ).dataElements;
      await send(target, 'POST', 'metadata', {
        dataElements: [
          {
            ...anyElement,
            id: 'DemoDeNoCod',
            name: 'Remarks count',
            shortName: 'Remarks',
            code: undefined,
          },
        ],
        dataSets: [
          {
            ...dataSet,
            dataSetElements: [...dataSet.dataSetElements, { dataElement: { id: 'DemoDeNoCod' } }],
          },
        ],
      });
      await send(target, 'POST', 'dataValueSets', {
        dataValues: [
          {
            dataElement: 'DemoDeNoCod',
            period: '202610',
            orgUnit: source.seed.facilities[0],
            categoryOptionCombo: anyElement.categoryCombo.categoryOptionCombos?.[0]?.id,
            value: '3',
          },
        ],
      });
      const { loaded } = configFor({
        source,
        target,
        group: ids.group,
        root: ids.root,
        periods: '{ fixed: [202609, 202610] }',
        // One period and one org unit a chunk: 2.43 then puts both at the top of what it answers.
        chunk: '{ periods: 1, orgUnits: 1 }',
      });
      const first = await sync(loaded);
      expect(first.jobs[0]!.failedChunks).toEqual([]);
      expect(first.totals.sent).toBeGreaterThan(0);
      const second = await sync(loaded);
      expect(second.jobs[0]!.failedChunks).toEqual([]);
      expect(second.totals).toMatchObject({ sent: 0, unchanged: first.totals.sent, deleted: 0 });
      expect(second.outcome).toBe('success');
    });
  },
);

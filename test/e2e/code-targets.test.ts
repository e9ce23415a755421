import { describe, expect, it } from 'vitest';
import { completeJob } from '../../src/jobs/complete.ts';
import { resolveJob } from '../../src/jobs/resolve-job.ts';
import { configFor, contextOf, demoSandboxes, get, send, storeOf, sync } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/**
 * A target addressed by org unit codes must also be read by codes: from 2.37.7 the request's org units
 * are read in `inputOrgUnitIdScheme` (`orgUnitIdScheme` names only the output's), and before they are
 * UIDs whatever the schemes. A second run that finds every value unchanged proves t2a read them back.
 */
describe.each(['2.37.6', '2.41.0', '2.43.0'])(
  'a target on DHIS2 %s addressed by codes',
  async (version) => {
    const { source, target, ids } = await demoSandboxes({
      source: '2.41',
      target: version,
      facilities: 4,
      now: NOW,
    });
    const { loaded } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: '{ fixed: [202609, 202610] }',
      // Basic auth: 2.37 reads no personal access token unless its dhis.conf turns them on.
      targetAuth: '{ username: admin, password: "${SOURCE_PASSWORD}" }',
      targetExtra: '\n        orgUnitIdScheme: CODE',
      jobExtra: '    complete: { rule: { minValues: 1 } }',
    });

    it('sends every value once, and finds them all unchanged the next night', async () => {
      const first = await sync(loaded);
      expect(first.jobs[0]!.error).toBeUndefined();
      expect(first.totals.imported + first.totals.updated).toBeGreaterThan(0);
      const second = await sync(loaded);
      expect(second.outcome).toBe('success');
      expect(second.totals.sent).toBe(0);
      expect(second.totals.unchanged).toBe(first.totals.sent);
    });

    it('marks complete once: registrations are asked for by UID and come back named by code', async () => {
      const ctx = { ...contextOf(loaded), store: storeOf(loaded)! };
      const job = async () =>
        (await completeJob(ctx, await resolveJob(ctx, 'immunisation'), { dryRun: false }))[0]!;
      const first = await job();
      expect(first.marked).toBeGreaterThan(0);
      const second = await job();
      expect(second.plan.mark).toEqual([]);
      expect(second.plan.alreadyComplete).toBe(first.marked);
    });
  },
);

const HMIS_ID = 'AtHmisId001';

/** An org unit attribute "HMIS id" on both sides, with the same value for the same facility. */
async function withHmisIds(instance: Awaited<ReturnType<typeof demoSandboxes>>['source']) {
  await send(instance, 'POST', 'metadata', {
    attributes: [
      {
        id: HMIS_ID,
        name: 'HMIS id',
        code: 'HMIS_ID',
        valueType: 'TEXT',
        organisationUnitAttribute: true,
      },
    ],
  });
  const { organisationUnits } = await get(instance, 'organisationUnits?fields=:owner&paging=false');
  await send(instance, 'POST', 'metadata', {
    organisationUnits: organisationUnits.map((unit: { id: string }, index: number) => ({
      ...unit,
      attributeValues: [{ attribute: { id: HMIS_ID }, value: `HMIS-${index + 1}` }],
    })),
  });
}

/**
 * A target addressed by an attribute of its org units: DHIS2 reads a request's org units in no attribute
 * scheme (`inputOrgUnitIdScheme=ATTRIBUTE:…` does not bind, 400), so t2a looks their UIDs up — by the
 * attribute's UID as filter property from 2.37.9, 2.38.2, 2.39.0 (`DefaultQueryPlanner
 * .isFilterByAttributeId`), reading every org unit before — and reads what the target holds by UID.
 */
describe.each(['2.37.8', '2.41.0'])(
  'a target on DHIS2 %s addressed by an attribute',
  async (version) => {
    const { source, target, ids } = await demoSandboxes({
      source: '2.41',
      target: version,
      facilities: 4,
      now: NOW,
    });
    await withHmisIds(source);
    await withHmisIds(target);
    const { loaded } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: '{ fixed: [202609, 202610] }',
      targetAuth: '{ username: admin, password: "${SOURCE_PASSWORD}" }',
      targetExtra: `\n        orgUnitIdScheme: ATTRIBUTE:${HMIS_ID}`,
    });

    it('sends every value once, and finds them all unchanged the next night', async () => {
      const first = await sync(loaded);
      expect(first.jobs[0]!.error).toBeUndefined();
      expect(first.totals.imported).toBeGreaterThan(0);
      const second = await sync(loaded);
      expect(second.outcome).toBe('success');
      expect(second.totals.sent).toBe(0);
      expect(second.totals.unchanged).toBe(first.totals.sent);
    });
  },
);

import { describe, expect, it } from 'vitest';
import { explainValue } from '../../src/jobs/explain.ts';
import { resolveJob } from '../../src/jobs/resolve-job.ts';
import {
  ADMIN,
  configFor,
  contextOf,
  demoSandboxes,
  get,
  storeOf,
  sync,
  targetValues,
} from './harness.ts';

/*
 * The target's audit trail of a cell, kept by the sandbox as DHIS2 keeps it (src/sandbox/data-values/
 * audits.ts) and read by `t2a explain` through /api/audits/dataValue: before 2.43 an import audits
 * the value an update replaces, and nothing on creation; 2.43's trigger audits every write with the
 * value it leaves.
 */

const NOW = new Date('2026-04-10T08:00:00Z');
const LATER = '2026-04-12T09:00:00.000Z';
const PERIOD = '202603';
const CLERK = {
  username: 'facility-clerk',
  password: 'Clerk-2026!',
  authorities: ['F_DATAVALUE_ADD'],
};

async function setClock(instance: { baseUrl: string }, now: string) {
  const response = await fetch(`${instance.baseUrl}/__sandbox/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ now }),
  });
  expect(response.ok).toBe(true);
}

async function changedByClerk(targetVersion: string) {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: targetVersion,
    facilities: 1,
    now: NOW,
    targetUsers: [CLERK],
  });
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: `{ fixed: [${PERIOD}] }`,
  });
  await sync(loaded);
  const held = await targetValues(target, ids.dataSet, ids.root, [PERIOD]);
  const [key, sent] = [...held].find(([, v]) => Number(v) > 1)!;
  const [dataElement, coc, , orgUnit] = key.split('|');
  const changed = String(Number(sent) + 7);
  await setClock(target, LATER);
  // A clerk of the facility corrects the value in the HMIS, as its data entry app does.
  const typedIn = await fetch(
    `${target.baseUrl}/api/dataValueSets?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLERK.username}:${CLERK.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        dataValues: [
          { dataElement, categoryOptionCombo: coc, period: PERIOD, orgUnit, value: changed },
        ],
      }),
    },
  );
  expect(typedIn.ok).toBe(true);
  const ctx = { ...contextOf(loaded), store: storeOf(loaded)! };
  const resolved = await resolveJob(ctx, 'immunisation', { periods: [PERIOD], dryRun: true });
  const explained = await explainValue(ctx, resolved, {
    dataElement: dataElement!,
    categoryOptionCombo: coc,
    period: PERIOD,
    orgUnit: orgUnit!,
  });
  return { target, explained, sent, changed, orgUnit: orgUnit! };
}

describe('t2a explain reads the audit trail the HMIS keeps', () => {
  it("2.40: the clerk's update audits the value t2a sent, and nothing audits its creation", async () => {
    const { target, explained, sent, changed, orgUnit } = await changedByClerk('2.40');
    expect(explained.target.value).toBe(changed);
    expect(explained.target.changedAfterT2a).toBe(true);
    expect(explained.target.audit).toEqual([
      expect.objectContaining({
        auditType: 'UPDATE',
        value: sent,
        modifiedBy: CLERK.username,
        created: '2026-04-12T09:00:00.000',
      }),
    ]);
    // The endpoint itself: paged by default, filtered by audit type.
    const paged = await get(target, `audits/dataValue?ou=${orgUnit}&pe=${PERIOD}`);
    expect(paged.pager).toMatchObject({ page: 1, total: 1, pageSize: 50 });
    const creations = await get(target, `audits/dataValue?ou=${orgUnit}&auditType=CREATE`);
    expect(creations.dataValueAudits).toEqual([]);
  });

  it("2.43: each write is audited with the value it leaves, t2a's as CREATE and the clerk's as UPDATE", async () => {
    const { explained, sent, changed } = await changedByClerk('2.43');
    expect(explained.target.changedAfterT2a).toBe(true);
    const trail = explained.target.audit!.map((entry) => [
      entry.auditType,
      entry.value,
      entry.modifiedBy,
    ]);
    expect(trail).toEqual([
      ['CREATE', sent, ADMIN.username],
      ['UPDATE', changed, CLERK.username],
    ]);
    expect(explained.target.audit![0]!.created! < explained.target.audit![1]!.created!).toBe(true);
  });
});

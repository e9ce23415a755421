import { describe, expect, it } from 'vitest';
import { validateLive } from '../../src/jobs/validate-live.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import {
  configFor,
  contextOf,
  demoSandboxes,
  send,
  storeOf,
  sync,
  targetValues,
} from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];

/** An import user of the HMIS whose data capture org units are these. */
async function importUser(target: RunningSandbox, username: string, orgUnits: readonly string[]) {
  await send(target, 'POST', 'metadata', {
    userRoles: [{ id: 'ImpRole0001', name: 'Import', authorities: ['F_DATAVALUE_ADD'] }],
    users: [
      {
        firstName: 'Import',
        surname: 'User',
        username,
        password: 'Import-2026!',
        userRoles: [{ id: 'ImpRole0001' }],
        organisationUnits: orgUnits.map((id) => ({ id })),
      },
    ],
  });
}

/**
 * The morning's broken promise: validate refused a job whose import user may not write most of its org
 * units, and sync ran it anyway, every chunk failing on the read. Both read the same findings now:
 * org units the user may not write lose only their own values (a warning; the read leaves them out),
 * and a job with no org unit left to write to is an error that sync refuses as validate does.
 */
describe('a job whose import user may not write some or all of its org units', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 4,
    now: NOW,
  });
  const [only] = target.seed.facilities as [string];
  await importUser(target, 'one-facility', [only]);
  // A new region of the HMIS with no facility yet: none of the job's facilities is below it.
  await send(target, 'POST', 'metadata', {
    organisationUnits: [
      {
        id: 'OuNewRegion',
        name: 'New region',
        shortName: 'New region',
        openingDate: '2026-01-01',
        parent: { id: ids.root },
      },
    ],
  });
  await importUser(target, 'elsewhere', ['OuNewRegion']);
  const job = (username: string) =>
    configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: `{ fixed: [${PERIODS.join(', ')}] }`,
      targetAuth: `{ username: ${username}, password: "Import-2026!" }`,
    }).loaded;

  it('some: a warning of validate, and sync delivers the writable facility, withholding the others by name', async () => {
    const loaded = job('one-facility');
    const validation = await validateLive(contextOf(loaded));
    const finding = validation.jobs[0]!.findings.find(
      (f) => f.kind === 'org-unit-outside-hierarchy',
    );
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding!.message).toMatch(/may not write 3 org unit\(s\)/);
    const report = await sync(loaded);
    expect(report.jobs[0]!.failedChunks).toEqual([]);
    expect(
      report.jobs[0]!.targets[0]!.issues.find((i) => i.cause === 'outside-hierarchy')?.count,
    ).toBeGreaterThan(0);
    const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(held.size).toBeGreaterThan(0);
    expect([...held.keys()].every((key) => key.endsWith(`|${only}`))).toBe(true);
    expect(report.outcome).toBe('incomplete');
  });

  it('none: an error of validate, refused by sync before any value moves (exit 5), recorded as refused', async () => {
    const loaded = job('elsewhere');
    const validation = await validateLive(contextOf(loaded));
    expect(validation.jobs[0]!.findings.map((f) => `${f.severity}:${f.kind}`)).toContain(
      'error:org-unit-outside-hierarchy',
    );
    const report = await sync(loaded);
    expect(report.jobs[0]!.error?.kind).toBe('validation');
    expect(report.totals.sent).toBe(0);
    const [run] = await storeOf(loaded)!.runs({ last: 1 });
    expect(run?.status).toBe('refused');
  });
});

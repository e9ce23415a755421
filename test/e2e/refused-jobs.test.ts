import { describe, expect, it } from 'vitest';
import { validateLive } from '../../src/jobs/validate-live.ts';
import { configFor, contextOf, demoSandboxes, send, storeOf, sync } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/**
 * The morning's broken promise: validate refused a job whose import user may not write most of its org
 * units (`org-unit-outside-hierarchy`), and sync ran it anyway, every chunk failing. Both read the same
 * findings now, and sync refuses as validate does.
 */
describe('a job whose import user may not write its org units', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 4,
    now: NOW,
  });
  const [only] = target.seed.facilities as [string];
  await send(target, 'POST', 'metadata', {
    userRoles: [{ id: 'ImpRole0001', name: 'Import', authorities: ['F_DATAVALUE_ADD'] }],
    users: [
      {
        id: 'UsrImport01',
        firstName: 'Import',
        surname: 'User',
        username: 'one-facility',
        password: 'Import-2026!',
        userRoles: [{ id: 'ImpRole0001' }],
        organisationUnits: [{ id: only }],
      },
    ],
  });
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202610] }',
    targetAuth: '{ username: one-facility, password: "Import-2026!" }',
  });

  it('is an error of validate', async () => {
    const validation = await validateLive(contextOf(loaded));
    expect(validation.jobs[0]!.findings.map((f) => `${f.severity}:${f.kind}`)).toContain(
      'error:org-unit-outside-hierarchy',
    );
  });

  it('is refused by sync before any value moves (exit 5), and recorded as refused', async () => {
    const report = await sync(loaded);
    const job = report.jobs[0]!;
    expect(job.error?.kind).toBe('validation');
    expect(job.error?.message).toMatch(/may not write 3 org unit\(s\)/);
    expect(report.totals.sent).toBe(0);
    const [run] = await storeOf(loaded)!.runs({ last: 1 });
    expect(run?.status).toBe('refused');
  });
});

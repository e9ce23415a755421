import { describe, expect, it } from 'vitest';
import { validateLive } from '../../src/jobs/validate-live.ts';
import { configFor, contextOf, demoSandboxes, send, sync } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/**
 * The demo HMIS data set has open future periods 0, DHIS2's default: "Rewind one as 0 open periods
 * implies current period is locked" (`DataElement.getLatestOpenFuturePeriod`, 2.36.13 l.406;
 * `PeriodType.getFuturePeriod`, 2.39.1+): November 2026 is closed on 24 November, October is open.
 * The sandbox refuses it as each version does (E7641 up to 2.42, E8030 on 2.43), and t2a, which knows
 * the rule, withholds it before sending and says why.
 */
describe.each(['2.40', '2.43'])('a job that includes the current period, into %s', (version) => {
  it('validate warns, sync withholds the current period with the fix, and the target refuses it too', async () => {
    const { source, target, ids } = await demoSandboxes({
      source: '2.41',
      target: version,
      facilities: 2,
      now: NOW,
      targetUsers: [
        { username: 'hmis-import', password: 'Import-2026!', authorities: ['F_DATAVALUE_ADD'] },
      ],
    });
    const { loaded } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: '{ last: 1, includeCurrent: true }',
      targetAuth: '{ username: hmis-import, password: "Import-2026!" }',
    });
    const validation = await validateLive(contextOf(loaded));
    const warning = validation.jobs[0]!.findings.find((f) => f.kind === 'current-period-closed');
    expect(warning).toMatchObject({ severity: 'warning' });
    expect(warning!.message).toContain('keeps the current period 202611 closed');
    expect(warning!.fix).toContain('open future periods to 1 or more');
    const report = await sync(loaded);
    const issues = report.jobs[0]!.targets[0]!.issues;
    const closed = issues.find((issue) => issue.cause === 'future-period')!;
    expect(closed.count).toBeGreaterThan(0);
    expect(closed.objects[0]).toMatch(/^202611 /);
    expect(closed.messages[0]).toContain('202611 is the current period');
    expect(issues.find((issue) => issue.cause === 'locked-period')).toBeUndefined();
    expect(report.totals.conflicted).toBe(0);
    // October went (2.43 counts every write as updated).
    expect(report.totals.imported + report.totals.updated).toBeGreaterThan(0);
    // The target itself refuses the current period from its import user, as DHIS2 does.
    const answer = await fetch(
      `${target.baseUrl}/api/dataValueSets?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('hmis-import:Import-2026!').toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          dataSet: ids.dataSet,
          dataValues: [
            {
              dataElement: 'IMM_BCG_DOSES',
              categoryOptionCombo: 'LT1Y_F',
              period: '202611',
              orgUnit: source.seed.facilities[0],
              value: '1',
            },
          ],
        }),
      },
    ).then((response) => response.json() as Promise<any>);
    const conflict = answer.response.conflicts[0];
    expect(conflict.errorCode).toBe(version === '2.43' ? 'E8030' : 'E7641');
  });
});

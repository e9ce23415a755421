import { describe, expect, it } from 'vitest';
import {
  child,
  configFor,
  expectedValues,
  runAnalytics,
  STAGE,
  sandbox,
  send,
  sync,
  targetValues,
  uid,
} from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];

/**
 * Nights of a job that narrows its export (ADR 11): each night the target must hold exactly what the
 * source's analytics holds — computed here from analytics, not from t2a — while the export reaches
 * only the org units and periods the tracker's changes can.
 */
// 2.40.12: `instances` and `ouMode` (before 2.41), and a version that reports a failing indicator, so a value
// that is gone is cleared (older ones keep it: failing-indicators.test.ts).
describe.each(['2.40.12', '2.41', '2.42'])('a quiet night against DHIS2 %s', (version) => {
  it('exports only what changed, and the target holds what a full export gives', async () => {
    const source = await sandbox({
      dhis2Version: version,
      seed: 'demo-tracker',
      now: NOW,
      facilities: 4,
      months: 0,
    });
    const target = await sandbox({
      dhis2Version: '2.40',
      seed: 'demo-hmis',
      now: NOW,
      facilities: 4,
    });
    const [a, b, c] = source.seed.facilities as [string, string, string];
    await send(source, 'POST', 'tracker?async=false', {
      trackedEntities: [
        child('1', a, 'FEMALE', '2026-01-10', 'BCG', 1, '2026-10-05'),
        child('2', b, 'MALE', '2026-02-01', 'PENTA', 1, '2026-09-07'),
      ],
    });
    await runAnalytics(source);
    const { loaded } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      periods: '{ fixed: [202609, 202610] }',
      // Deleting one value of four is a quarter of this tiny job: let the guard allow it, as it would in a large one.
      jobExtra: '    fullExportEvery: 7d\n    reconcile: { maxDeleteShare: 0.5 }',
    });
    const expectTargetRight = async () =>
      expect(await targetValues(target, 'DemoImmMon1', source.seed.root, PERIODS)).toEqual(
        await expectedValues(source, 'DemoPiGrp01', source.seed.root, PERIODS),
      );
    const night = async () => {
      const report = await sync(loaded);
      expect(report.outcome).not.toBe('failed');
      await expectTargetRight();
      return report.jobs[0]!.exports?.scope;
    };

    expect(await night()).toMatchObject({ kind: 'full', text: expect.stringMatching(/first run/) });

    // Nothing changed: nothing is exported, and the night is no "empty source".
    await runAnalytics(source);
    expect(await night()).toMatchObject({
      kind: 'narrowed',
      text: expect.stringMatching(/0 org units × 0 periods/),
    });

    // A child registered in c in September: c × September only.
    await send(source, 'POST', 'tracker?async=false', {
      trackedEntities: [child('3', c, 'FEMALE', '2026-03-01', 'MEASLES', 1, '2026-09-15')],
    });
    await runAnalytics(source);
    expect(await night()).toMatchObject({
      kind: 'narrowed',
      text: expect.stringMatching(/1 org units × 1 periods/),
    });

    // That visit moved to a in October: where it was and where it is now.
    await send(source, 'POST', 'tracker?async=false', {
      events: [
        {
          event: uid('Ev', '3'),
          programStage: STAGE,
          orgUnit: a,
          enrollment: uid('En', '3'),
          occurredAt: '2026-10-02',
          dataValues: [
            { dataElement: 'DemoDeVacc1', value: 'MEASLES' },
            { dataElement: 'DemoDeDose1', value: '1' },
          ],
        },
      ],
    });
    await runAnalytics(source);
    expect(await night()).toMatchObject({
      kind: 'narrowed',
      text: expect.stringMatching(/2 org units × 2 periods/),
    });

    // A visit t2a never saw before is edited: where it stood before is unknown, so everything goes.
    await send(source, 'POST', 'tracker?async=false&importStrategy=DELETE', {
      events: [{ event: uid('Ev', '2'), programStage: STAGE }],
    });
    await runAnalytics(source);
    expect(await night()).toMatchObject({ kind: 'full', text: expect.stringMatching(/never saw/) });
  });
});

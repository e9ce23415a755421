import { describe, expect, it } from 'vitest';
import {
  addEvent,
  analyticsSandbox,
  CASES,
  dataValueSet,
  OU,
  PROGRAM,
  runAnalyticsJob,
  STAGE,
} from '../analytics/builder.ts';
import { api } from '../helpers.ts';

/**
 * DHIS2 generates a program indicator's SQL when analytics is queried
 * (`DefaultProgramIndicatorService.getAnalyticsSql`, called by the event analytics managers per
 * request): an indicator created or edited after the last analytics run answers at once from the rows
 * the run copied into the analytics tables; only new tracker data waits for the next run.
 */
describe('program indicators are evaluated when analytics is queried', () => {
  it('answers an indicator created and then edited after the analytics run, from the rows of that run', async () => {
    const sandbox = await analyticsSandbox('2.41.9');
    addEvent(sandbox.context, { orgUnit: OU.clinicA, date: '2026-01-10', cases: 3 });
    addEvent(sandbox.context, { orgUnit: OU.clinicB, date: '2026-01-12', cases: 4 });
    await runAnalyticsJob(sandbox);
    // Written after the run: not in the analytics tables.
    addEvent(sandbox.context, { orgUnit: OU.clinicA, date: '2026-01-13', cases: 100 });
    const indicator = {
      id: 'AnPiLater01',
      name: 'Created after the run',
      shortName: 'Later',
      program: { id: PROGRAM },
      analyticsType: 'EVENT',
      aggregationType: 'SUM',
      expression: `#{${STAGE}.${CASES}}`,
      analyticsPeriodBoundaries: [
        {
          boundaryTarget: 'EVENT_DATE',
          analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
        },
        {
          boundaryTarget: 'EVENT_DATE',
          analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
        },
      ],
    };
    const created = await api(sandbox, '/api/programIndicators', { body: indicator });
    expect(created.status).toBe(201);
    const ask = async () =>
      (
        await dataValueSet(
          sandbox,
          `dimension=dx:AnPiLater01&dimension=pe:202601&dimension=ou:${OU.root}`,
        )
      ).body.dataValues.map((row: { value: string }) => row.value);
    // 3 + 4 from the run; the 100 written after it is not there.
    expect(await ask()).toEqual(['7.0']);
    const edited = await api(sandbox, '/api/programIndicators/AnPiLater01', {
      method: 'PUT',
      body: { ...indicator, expression: `#{${STAGE}.${CASES}} * 10` },
    });
    expect(edited.status).toBe(200);
    expect(await ask()).toEqual(['70.0']);
  });
});

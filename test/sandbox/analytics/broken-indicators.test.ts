import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import {
  addEvent,
  analyticsSandbox,
  CASES,
  dataValueSet,
  OU,
  PI,
  PROGRAM,
  runAnalyticsJob,
  STAGE,
} from './builder.ts';

/**
 * What DHIS2 answers when one program indicator's SQL fails, by version. Facts read in dhis2-core:
 * - the planner runs one statement per indicator × org unit level × period type
 *   (`DefaultEventQueryPlanner.groupByQueryItems`, 2.36.13 l.225–235, 2.43.1 l.262–270);
 * - from 2.38.5 / 2.39.4 / 2.40.2 / 2.41.0 `AnalyticsUtils.withExceptionHandling` (2.38.7 l.1009–1034):
 *   a grammar error (class 42) is rethrown only when the request is one statement, and answered 409
 *   E7145 "Query failed because of a syntax error (SqlState: 42703)", devMessage "SqlState: 42703"
 *   (`WebMessageUtils.createWebMessage`, 2.38.7 l.244–264), the database's text from 2.42.0
 *   (2.42.5 l.274–287); from a request of several it is dropped: dhis2-core's e2e
 *   `AnalyticsQueryTest.testQueryFailsGracefullyIfMultipleQueries` expects 200;
 * - a data exception (class 22) becomes `QueryRuntimeException(E7132)`: 409 "Expression violation.
 *   Maybe an indicator caused division by zero?" (ErrorCode 2.38.7 l.319) whatever the statements;
 * - before those versions a grammar error is logged and the indicator has no rows (200), and a data
 *   exception is not caught by analytics: 500 with the database's message
 *   (`AbstractJdbcEventAnalyticsManager` 2.40.1 l.517–522; `CrudControllerAdvice.defaultExceptionHandler`).
 */
const NOW = new Date('2026-03-15T10:00:00Z');
const YES_NO = 'AnDeYesNo01';
/**
 * A filter on a data element of the metadata that no stage of the programme has: the event table has
 * no such column (42703). A data element missing from the metadata altogether, or a name that is no
 * UID, fails DHIS2's SQL generation instead (`ProgramItemStageElement`: 409 without error code).
 */
const MISSING_COLUMN = 'AnPiMissCo1';
const ELSEWHERE = 'AnDeNoSuch1';
/** A yes/no data element (an integer column) compared with text: 22P02. */
const YES_NO_AS_TEXT = 'AnPiYesNoT1';
/** A filter naming a data element that is not in the metadata: DHIS2 cannot build the SQL. */
const NO_SUCH_ELEMENT = 'AnPiNoSuchE';
const NOT_IN_METADATA = 'AnDeMissin1';

async function world(version: string): Promise<RunningSandbox> {
  const sandbox = await analyticsSandbox(version, NOW);
  const ctx = sandbox.context;
  ctx.metadata.putMany('dataElements', [
    { id: YES_NO, name: 'Referred', valueType: 'BOOLEAN', domainType: 'TRACKER' },
    { id: ELSEWHERE, name: 'In another programme', valueType: 'NUMBER', domainType: 'TRACKER' },
  ]);
  // The programme's event table has a column per data element of its stages.
  ctx.metadata.put('programs', {
    ...ctx.metadata.get('programs', PROGRAM)!,
    programStages: [{ id: STAGE }],
  });
  ctx.metadata.put('programStages', {
    ...ctx.metadata.get('programStages', STAGE)!,
    programStageDataElements: [{ dataElement: { id: CASES } }, { dataElement: { id: YES_NO } }],
  });
  const broken = (id: string, filter: string) => ({
    id,
    name: `Broken ${id}`,
    shortName: id,
    program: { id: PROGRAM },
    analyticsType: 'EVENT',
    aggregationType: 'COUNT',
    expression: 'V{event_count}',
    filter,
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
  });
  ctx.metadata.putMany('programIndicators', [
    broken(MISSING_COLUMN, `#{${STAGE}.${ELSEWHERE}} > 0`),
    broken(YES_NO_AS_TEXT, `#{${STAGE}.${YES_NO}} == 'Yes'`),
    broken(NO_SUCH_ELEMENT, `#{${STAGE}.${NOT_IN_METADATA}} > 0`),
  ]);
  addEvent(ctx, { orgUnit: OU.clinicA, date: '2026-01-10', cases: 3 });
  addEvent(ctx, { orgUnit: OU.clinicB, date: '2026-01-12', cases: 4 });
  await runAnalyticsJob(sandbox);
  return sandbox;
}

const ask = (sandbox: RunningSandbox, dx: string[], ou: string[] = [OU.root]) =>
  dataValueSet(
    sandbox,
    `dimension=dx:${dx.join(';')}&dimension=pe:202601&dimension=ou:${ou.join(';')}`,
  );

describe.each([
  ['2.40.1', 'before'],
  ['2.41.0', 'rethrows'],
  ['2.42.1', 'rethrows with the database’s text'],
] as const)('a program indicator whose SQL fails, on %s (%s)', (version, era) => {
  it('a grammar error alone: 409 E7145 from the versions that rethrow, no rows before', async () => {
    const sandbox = await world(version);
    const answer = await ask(sandbox, [MISSING_COLUMN]);
    if (era === 'before') {
      expect(answer.status).toBe(200);
      expect(answer.body.dataValues).toEqual([]);
      return;
    }
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      httpStatusCode: 409,
      status: 'ERROR',
      errorCode: 'E7145',
      message: 'Query failed because of a syntax error (SqlState: 42703)',
      devMessage:
        version === '2.42.1' ? 'ERROR: column "AnDeNoSuch1" does not exist' : 'SqlState: 42703',
    });
  });

  it('a grammar error among several statements: dropped, the other indicator’s rows answered', async () => {
    const sandbox = await world(version);
    for (const request of [
      ask(sandbox, [MISSING_COLUMN, PI.visits]),
      // One indicator, org units of two levels: two statements.
      ask(sandbox, [MISSING_COLUMN], [OU.root, OU.clinicA]),
    ]) {
      const answer = await request;
      expect(answer.status).toBe(200);
      expect(answer.body.dataValues.every((v: any) => v.dataElement !== MISSING_COLUMN)).toBe(true);
    }
    const mixed = await ask(sandbox, [MISSING_COLUMN, PI.visits]);
    expect(mixed.body.dataValues).toHaveLength(1);
  });

  it('a data exception fails the whole request: E7132, or 500 with the database’s message before', async () => {
    const sandbox = await world(version);
    const answer = await ask(sandbox, [YES_NO_AS_TEXT, PI.visits]);
    if (era === 'before') {
      expect(answer.status).toBe(500);
      expect(answer.body).toMatchObject({
        httpStatusCode: 500,
        // `coalesce(… ::numeric,0) = 'Yes'`: the comparison reads both sides as numbers.
        message: 'ERROR: invalid input syntax for type numeric: "Yes"',
      });
      return;
    }
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      errorCode: 'E7132',
      message: 'Expression violation. Maybe an indicator caused division by zero?',
    });
  });

  it('an indicator whose SQL cannot be built fails the whole request: 409 without an error code', async () => {
    // `ProgramItemStageElement.getSql`: "Data element … not found during SQL generation." is a
    // ParserException (an IllegalStateException): `CrudControllerAdvice` answers 409 with its message.
    const sandbox = await world(version);
    const answer = await ask(sandbox, [PI.visits, NO_SUCH_ELEMENT]);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ httpStatusCode: 409, status: 'ERROR' });
    expect(answer.body.errorCode).toBeUndefined();
    expect(answer.body.message).toContain(NOT_IN_METADATA);
  });
});

import { describe, expect, it } from 'vitest';
import { compileProgramIndicator } from '../../src/program-indicators/compile.ts';
import type {
  AnalyticsEnrollmentRow,
  AnalyticsEventRow,
  MetadataObject,
  ReportingPeriod,
} from '../../src/program-indicators/types.ts';

/**
 * How DHIS2's analytics SQL evaluates program indicators (2.41.0 unless said), each value below worked
 * out by hand from the SQL dhis2-core generates:
 * - stage values in ENROLLMENT indicators: the latest event of the stage whose value is not null, cut only
 *   by the indicator's first EVENT_DATE boundaries (`ProgramItemStageElement`,
 *   `PostgreSqlStatementBuilder.getProgramIndicatorEventInEnrollmentSelectSql`, `ProgramIndicator.
 *   getEndEventBoundary`);
 * - `d2:count*` over the enrollment's events of the stage, in both analytics types (`ProgramCountFunction`);
 * - EVENT indicators leave out events with none of the expression's items (`JdbcEventAnalyticsManager`,
 *   `getAnyValueExistsClauseAnalyticsSql`), and `#{stage.de}` is null on another stage's event;
 * - period boundaries: start types compare `>=` the period start, end types `<` the period end plus one
 *   day, both shifted by the offset (`AnalyticsPeriodBoundary.getBoundaryDate`, `getBoundaryCondition`);
 *   ENROLLMENT rows are restricted by cohort boundaries only (`EnrollmentTimeFieldSqlRenderer`), with
 *   PS_EVENTDATE as "some event in the window" (of that stage only from 2.43);
 * - the aggregation type's fallback (`ProgramIndicator.getAggregationTypeFallback`: none → AVERAGE),
 *   and the count variables under it (`vEventCount`: ACTIVE and COMPLETED events only).
 */
const OCT: ReportingPeriod = {
  id: '202610',
  periodType: 'Monthly',
  startDate: '2026-10-01',
  endDate: '2026-10-31',
};
const Q3: ReportingPeriod = {
  id: '2026Q3',
  periodType: 'Quarterly',
  startDate: '2026-07-01',
  endDate: '2026-09-30',
};
const TODAY = new Date('2026-11-30T00:00:00Z');

const METADATA: Record<string, MetadataObject> = {
  'programStages|StageVisit1': { id: 'StageVisit1' },
  'programStages|StageOther1': { id: 'StageOther1' },
  'dataElements|DeNumber001': { id: 'DeNumber001', valueType: 'INTEGER' },
  'dataElements|DeText00001': { id: 'DeText00001', valueType: 'TEXT' },
  'trackedEntityAttributes|AttrDob0001': { id: 'AttrDob0001', valueType: 'DATE' },
};
const lookup = (type: string, id: string) => METADATA[`${type}|${id}`];

type Boundary = [target: string, type: string, offset?: number, offsetType?: string];
const IN_PERIOD = (target: string): Boundary[] => [
  [target, 'AFTER_START_OF_REPORTING_PERIOD'],
  [target, 'BEFORE_END_OF_REPORTING_PERIOD'],
];

function compile(pi: Partial<MetadataObject> & { boundaries?: Boundary[] }, version = '2.41') {
  const result = compileProgramIndicator(
    {
      id: 'PiUnderTest',
      name: 'under test',
      program: { id: 'ProgramP001' },
      analyticsType: 'ENROLLMENT',
      aggregationType: 'SUM',
      ...pi,
      analyticsPeriodBoundaries: (pi.boundaries ?? []).map(
        ([target, type, offset, offsetType]) => ({
          boundaryTarget: target,
          analyticsPeriodBoundaryType: type,
          ...(offset !== undefined && { offsetPeriods: offset, offsetPeriodType: offsetType }),
        }),
      ),
    } as MetadataObject,
    lookup,
    { dhis2Minor: Number(version.split('.')[1]) },
  );
  if (!result.ok) throw new Error(result.reason);
  return result.indicator;
}

type EventSpec = [stage: string, date: string, values: Record<string, string>, status?: string];

function enrollment(
  id: string,
  enrolledAt: string,
  events: EventSpec[],
  dob = '2024-06-01',
): AnalyticsEnrollmentRow {
  const row = {
    kind: 'enrollment',
    id,
    trackedEntity: `te${id}`,
    program: 'ProgramP001',
    orgUnit: 'ou',
    enrolledAt,
    occurredAt: enrolledAt,
    status: 'ACTIVE',
    attributes: { AttrDob0001: dob },
    events: [] as AnalyticsEventRow[],
  } as const;
  for (const [i, [stage, date, values, status]] of events.entries())
    row.events.push({
      kind: 'event',
      id: `${id}e${i}`,
      enrollment: id,
      trackedEntity: row.trackedEntity,
      program: 'ProgramP001',
      programStage: stage,
      orgUnit: 'ou',
      occurredAt: date,
      status: status ?? 'COMPLETED',
      dataValues: values,
      enrollmentRow: row,
    });
  return row;
}

/** One child: a visit in September (3), two in October (5, then one left empty), one in November (9). */
const E1 = enrollment('E1', '2026-10-05', [
  ['StageVisit1', '2026-09-20', { DeNumber001: '3' }],
  ['StageVisit1', '2026-10-10', { DeNumber001: '5' }],
  ['StageVisit1', '2026-10-20', { DeNumber001: '' }],
  ['StageVisit1', '2026-11-05', { DeNumber001: '9' }],
  ['StageOther1', '2026-10-15', { DeText00001: 'A' }],
]);
const ENROLLED = IN_PERIOD('ENROLLMENT_DATE');
const value = (pi: ReturnType<typeof compile>, rows: AnalyticsEnrollmentRow[], period = OCT) =>
  pi.aggregate(pi.analyticsType === 'EVENT' ? rows.flatMap((r) => r.events) : rows, period, TODAY);

describe('program indicators as DHIS2’s analytics SQL computes them (hand-worked values)', () => {
  it('S1: an ENROLLMENT stage value is the latest non-empty one, with no time cut without EVENT_DATE boundaries', () => {
    // Latest S1 event with a value: 2026-11-05 (9), though after the period; the empty 10-20 is skipped.
    expect(
      value(compile({ expression: '#{StageVisit1.DeNumber001}', boundaries: ENROLLED }), [E1]),
    ).toBe(9);
  });

  it('S1: with EVENT_DATE boundaries, the latest non-empty one inside them', () => {
    const pi = compile({
      expression: '#{StageVisit1.DeNumber001}',
      boundaries: [...ENROLLED, ...IN_PERIOD('EVENT_DATE')],
    });
    // Window [10-01, 11-01): 10-10 (5) and 10-20 (empty): 5.
    expect(value(pi, [E1])).toBe(5);
  });

  it('S2: d2:countIfValue counts the enrollment’s stage events, also from an EVENT indicator', () => {
    const pi = compile({
      analyticsType: 'EVENT',
      expression:
        'd2:countIfValue(#{StageVisit1.DeNumber001}, 5) + d2:count(#{StageVisit1.DeNumber001})',
      boundaries: IN_PERIOD('EVENT_DATE'),
    });
    // The `#{}` inside d2:count… is part of the function, not an expression of its own, so
    // `ProgramElementsAndAttributesCollecter` finds no item and there is no any-value clause: every
    // October event counts (10-10, 10-20 and 10-15 of the other stage). For each, over the enrollment's
    // S1 events with a value inside the EVENT_DATE window [10-01, 11-01): countIfValue 5 → 1 (10-10),
    // count → 1. SUM over the three events: 3 × 2 = 6.
    expect(value(pi, [E1])).toBe(6);
  });

  it('S3/S8: an EVENT indicator leaves out events with none of its items; #{stage.de} is null elsewhere', () => {
    const pi = compile({
      analyticsType: 'EVENT',
      expression: 'if(#{StageVisit1.DeNumber001} == 0, 1, 0)',
      boundaries: IN_PERIOD('EVENT_DATE'),
    });
    // 10-10: 5 → 0; 10-20: no value → left out (else null → 0 → 1); 10-15: another stage's event has a
    // DeNumber001 column that is null → left out too.
    expect(value(pi, [E1])).toBe(0);
  });

  it('S5: an indicator without aggregation type is averaged', () => {
    const pi = compile({
      aggregationType: undefined,
      expression: 'd2:yearsBetween(A{AttrDob0001}, V{enrollment_date})',
      boundaries: ENROLLED,
    });
    const two = enrollment('E2', '2026-10-01', [], '2024-06-01');
    const four = enrollment('E4', '2026-10-01', [], '2022-06-01');
    expect(value(pi, [two, four])).toBe(3);
  });

  it('S4: V{event_count} counts ACTIVE and COMPLETED events, and is 1 under AVERAGE', () => {
    const withScheduled = enrollment('E5', '2026-10-01', [
      ['StageVisit1', '2026-10-02', { DeNumber001: '1' }],
      ['StageVisit1', '2026-10-03', { DeNumber001: '1' }, 'SCHEDULE'],
      ['StageVisit1', '2026-10-04', { DeNumber001: '1' }, 'ACTIVE'],
    ]);
    const base = {
      analyticsType: 'EVENT',
      expression: 'V{event_count}',
      boundaries: IN_PERIOD('EVENT_DATE'),
    };
    expect(value(compile({ ...base, aggregationType: 'COUNT' }), [withScheduled])).toBe(2);
    expect(value(compile({ ...base, aggregationType: 'AVERAGE' }), [withScheduled])).toBe(1);
  });

  it('S7: an end boundary with a month offset keeps the whole last day (end + 1 day, then shifted, then <)', () => {
    const pi = compile({
      expression: 'V{enrollment_count}',
      aggregationType: 'COUNT',
      boundaries: [
        ['ENROLLMENT_DATE', 'AFTER_START_OF_REPORTING_PERIOD', -9, 'Monthly'],
        ['ENROLLMENT_DATE', 'BEFORE_END_OF_REPORTING_PERIOD', -9, 'Monthly'],
      ],
    });
    // 2026Q3 shifted back 9 months: [2025-10-01, 2026-01-01): 2025-12-31 is in, 2026-01-01 is not.
    const lastDay = enrollment('E6', '2025-12-31', []);
    const nextDay = enrollment('E7', '2026-01-01', []);
    expect(value(pi, [lastDay, nextDay], Q3)).toBe(1);
  });

  it('S6: EVENT_DATE boundaries do not restrict enrollment rows: without cohort boundaries, every enrollment counts', () => {
    const pi = compile({
      expression: 'V{enrollment_count}',
      aggregationType: 'COUNT',
      boundaries: IN_PERIOD('EVENT_DATE'),
    });
    const longAgo = enrollment('E8', '2025-01-10', [
      ['StageVisit1', '2025-01-10', { DeNumber001: '1' }],
    ]);
    expect(value(pi, [E1, longAgo])).toBe(2);
  });

  it('S6: a PS_EVENTDATE boundary asks for an event in the window: any stage up to 2.42, that stage on 2.43', () => {
    const otherStageOnly = enrollment('E9', '2026-03-01', [['StageOther1', '2026-10-12', {}]]);
    const visitInOctober = enrollment('E10', '2026-03-01', [['StageVisit1', '2026-10-12', {}]]);
    const rows = [otherStageOnly, visitInOctober];
    const pi = (version: string) =>
      compile(
        {
          expression: 'V{enrollment_count}',
          aggregationType: 'COUNT',
          boundaries: IN_PERIOD('PS_EVENTDATE:StageVisit1'),
        },
        version,
      );
    expect(value(pi('2.41'), rows)).toBe(2);
    expect(value(pi('2.43'), rows)).toBe(1);
  });

  it('V{event_date} in an ENROLLMENT indicator is the latest ACTIVE or COMPLETED event of any stage in the window', () => {
    const pi = compile({
      expression: 'd2:daysBetween(V{enrollment_date}, V{event_date})',
      boundaries: [...ENROLLED, ...IN_PERIOD('EVENT_DATE')],
    });
    // Latest event in [10-01, 11-01): 10-20 (empty value, but V{event_date} reads only the date): 15 days.
    expect(value(pi, [E1])).toBe(15);
  });

  it('without any boundary an indicator is not restricted by period at all (hasNonDefaultBoundaries)', () => {
    const pi = compile({
      analyticsType: 'EVENT',
      expression: 'V{event_count}',
      aggregationType: 'COUNT',
    });
    // Every ACTIVE or COMPLETED event of E1, September and November included, counts for October.
    expect(value(pi, [E1])).toBe(5);
  });
});

import { compileProgramIndicator } from '../../src/program-indicators/compile.ts';
import type {
  AnalyticsEnrollmentRow,
  AnalyticsEventRow,
  CompileResult,
  MetadataObject,
  RelationshipCounter,
  ReportingPeriod,
} from '../../src/program-indicators/types.ts';

/**
 * A small world for hand-worked program indicator values: a tracker programme with a repeatable
 * "Visit" stage and an "Other" stage, data elements of every column type of the analytics tables,
 * two attributes, two constants, and one data element that is in the metadata but in no stage of the
 * programme (no column of its event table).
 */
export const P = 'PrgTracker1';
export const EP = 'PrgEvents01';
export const VISIT = 'StgVisit001';
export const OTHER = 'StgOther001';
export const EVENT_STAGE = 'StgEvent001';
export const DE = {
  int: 'DeInt000001',
  num: 'DeNum000001',
  bool: 'DeBool00001',
  text: 'DeText00001',
  date: 'DeDate00001',
  empty: 'DeEmpty0001',
  elsewhere: 'DeElsewhr01',
} as const;
export const AT = { dob: 'AtDob000001', sex: 'AtSex000001' } as const;
export const C = { seven: 'CoSeven0001', minusTwo: 'CoNegativ01' } as const;

const ref = (id: string) => ({ id });
const stageElements = (ids: string[]) => ids.map((id) => ({ dataElement: ref(id) }));
const IN_PROGRAM = [DE.int, DE.num, DE.bool, DE.text, DE.date, DE.empty];

const METADATA: Record<string, MetadataObject> = {};
const put = (type: string, object: MetadataObject) => {
  METADATA[`${type}|${object.id}`] = object;
};
put('programs', {
  id: P,
  programType: 'WITH_REGISTRATION',
  programStages: [ref(VISIT), ref(OTHER)],
  programTrackedEntityAttributes: [
    { trackedEntityAttribute: ref(AT.dob) },
    { trackedEntityAttribute: ref(AT.sex) },
  ],
});
put('programs', {
  id: EP,
  programType: 'WITHOUT_REGISTRATION',
  programStages: [ref(EVENT_STAGE)],
});
put('programStages', {
  id: VISIT,
  name: 'Visit',
  repeatable: true,
  programStageDataElements: stageElements(IN_PROGRAM),
});
put('programStages', {
  id: OTHER,
  name: 'Other',
  repeatable: false,
  programStageDataElements: stageElements([DE.int, DE.text]),
});
put('programStages', {
  id: EVENT_STAGE,
  name: 'Event',
  programStageDataElements: stageElements([DE.int, DE.text]),
});
for (const [id, valueType] of [
  [DE.int, 'INTEGER'],
  [DE.num, 'NUMBER'],
  [DE.bool, 'BOOLEAN'],
  [DE.text, 'TEXT'],
  [DE.date, 'DATE'],
  [DE.empty, 'INTEGER'],
  [DE.elsewhere, 'INTEGER'],
] as const)
  put('dataElements', { id, valueType });
put('trackedEntityAttributes', { id: AT.dob, valueType: 'DATE' });
put('trackedEntityAttributes', { id: AT.sex, valueType: 'TEXT' });
put('constants', { id: C.seven, value: 7 });
put('constants', { id: C.minusTwo, value: -2 });

export const lookup = (type: string, id: string) => METADATA[`${type}|${id}`];

export const JAN: ReportingPeriod = {
  id: '202501',
  periodType: 'Monthly',
  startDate: '2025-01-01',
  endDate: '2025-01-31',
};
export const FEB: ReportingPeriod = {
  id: '202502',
  periodType: 'Monthly',
  startDate: '2025-02-01',
  endDate: '2025-02-28',
};
export const TODAY = new Date('2025-03-01T08:30:00Z');

const IN_PERIOD = (target: string) => [
  { boundaryTarget: target, analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD' },
  { boundaryTarget: target, analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD' },
];

export interface IndicatorSpec {
  expression: string;
  filter?: string;
  analyticsType?: 'EVENT' | 'ENROLLMENT';
  aggregationType?: string;
  program?: string;
  boundaries?: 'event' | 'enrollment' | 'none';
}

/** Compiles an indicator of the world as a version (`2.41.0` when not said). */
export function compile(spec: IndicatorSpec, version = '2.41.0'): CompileResult {
  const [, minor, patch] = version.split('.').map(Number);
  const analyticsType = spec.analyticsType ?? 'EVENT';
  const boundaries = spec.boundaries ?? (analyticsType === 'EVENT' ? 'event' : 'enrollment');
  return compileProgramIndicator(
    {
      id: 'PiUnderTest',
      name: 'under test',
      program: ref(spec.program ?? P),
      analyticsType,
      aggregationType: spec.aggregationType ?? 'SUM',
      expression: spec.expression,
      ...(spec.filter ? { filter: spec.filter } : {}),
      analyticsPeriodBoundaries:
        boundaries === 'none'
          ? []
          : IN_PERIOD(boundaries === 'event' ? 'EVENT_DATE' : 'ENROLLMENT_DATE'),
    },
    lookup,
    { dhis2Version: { minor: minor!, patch: patch ?? 0 } },
  );
}

export interface EventSpec {
  stage?: string;
  date: string;
  values?: Record<string, string>;
  status?: string;
  orgUnit?: string;
  created?: string;
  completedAt?: string;
  scheduledAt?: string;
}

/** An enrollment with its events (oldest first), attributes and dates. */
export function enrollment(
  id: string,
  spec: {
    enrolled: string;
    incident?: string;
    status?: string;
    orgUnit?: string;
    attributes?: Record<string, string>;
    trackedEntity?: string;
    events?: EventSpec[];
  },
): AnalyticsEnrollmentRow {
  const row = {
    kind: 'enrollment' as const,
    id,
    trackedEntity: spec.trackedEntity ?? `te${id}`,
    program: P,
    orgUnit: spec.orgUnit ?? 'OuFacility1',
    enrolledAt: spec.enrolled,
    occurredAt: spec.incident ?? spec.enrolled,
    status: spec.status ?? 'ACTIVE',
    lastUpdated: `${spec.enrolled}T09:00:00.000`,
    attributes: spec.attributes ?? {},
    events: [] as AnalyticsEventRow[],
  };
  for (const [i, e] of (spec.events ?? []).entries())
    row.events.push(eventRow(`${id}e${i}`, e, row));
  return row;
}

export function eventRow(
  id: string,
  e: EventSpec,
  enrollmentRow?: AnalyticsEnrollmentRow,
): AnalyticsEventRow {
  return {
    kind: 'event',
    id,
    enrollment: enrollmentRow?.id ?? null,
    trackedEntity: enrollmentRow?.trackedEntity ?? null,
    program: enrollmentRow ? P : EP,
    programStage: e.stage ?? VISIT,
    orgUnit: e.orgUnit ?? enrollmentRow?.orgUnit ?? 'OuFacility1',
    occurredAt: e.date,
    status: e.status ?? 'COMPLETED',
    dataValues: e.values ?? {},
    created: e.created ?? `${e.date}T10:00:00.000`,
    lastUpdated: `${e.date}T11:00:00.000`,
    scheduledAt: e.scheduledAt ?? null,
    completedAt: e.completedAt ?? null,
    ...(enrollmentRow ? { enrollmentRow } : {}),
  };
}

/** The indicator's value over rows (events for EVENT, enrollments for ENROLLMENT) in a period. */
export function indicatorValue(
  result: CompileResult,
  enrollments: readonly AnalyticsEnrollmentRow[],
  period = JAN,
  relationshipCount?: RelationshipCounter,
): number | undefined {
  if (!result.ok) throw new Error(result.reason);
  const pi = result.indicator;
  const rows = pi.analyticsType === 'EVENT' ? enrollments.flatMap((e) => e.events) : enrollments;
  return pi.aggregate(rows, period, TODAY, relationshipCount);
}

/**
 * The child every table starts from: born 2023-01-15, enrolled 2024-12-01 (incident 2024-11-20), one
 * Visit on 2025-01-10 with an integer 4, a number 2.5, a yes, the text `abc,def,ghi,jkl` (dhis2-core's
 * EventAnalyticsServiceTest multi-text value) and a date 2024-12-25, completed 2025-01-12.
 */
export const CHILD = enrollment('Enr0000001', {
  enrolled: '2024-12-01',
  incident: '2024-11-20',
  attributes: { [AT.dob]: '2023-01-15', [AT.sex]: 'FEMALE' },
  events: [
    {
      date: '2025-01-10',
      completedAt: '2025-01-12T16:00:00.000',
      values: {
        [DE.int]: '4',
        [DE.num]: '2.5',
        [DE.bool]: 'true',
        [DE.text]: 'abc,def,ghi,jkl',
        [DE.date]: '2024-12-25',
      },
    },
  ],
});

import { describe, expect, it } from 'vitest';
import {
  foldRecordValues,
  indicatorRecords,
  programDataFromTracker,
  recordSummary,
} from '../../src/program-indicators/records.ts';
import type {
  AnalyticsEnrollmentRow,
  CompiledProgramIndicator,
} from '../../src/program-indicators/types.ts';
import {
  AT,
  compile,
  DE,
  EP,
  EVENT_STAGE,
  enrollment,
  eventRow,
  FEB,
  type IndicatorSpec,
  JAN,
  P,
  TODAY,
  VISIT,
} from './world.ts';

/**
 * The records behind a value: for every aggregation type the fold of the records' own values is the
 * value `aggregate` gives (what `/api/analytics` answers), over events and enrollments with values,
 * empty values, filters and several org units.
 */
const compiled = (spec: IndicatorSpec): CompiledProgramIndicator => {
  const result = compile(spec);
  if (!result.ok) throw new Error(result.reason);
  return result.indicator;
};

const int = `#{${VISIT}.${DE.int}}`;
const eventInt = `#{${EVENT_STAGE}.${DE.int}}`;

const PEOPLE: AnalyticsEnrollmentRow[] = [
  enrollment('EnrA', {
    enrolled: '2025-01-03',
    orgUnit: 'OuA',
    attributes: { [AT.sex]: 'FEMALE' },
    events: [
      { date: '2025-01-05', values: { [DE.int]: '4', [DE.text]: 'x' } },
      { date: '2025-01-20', values: { [DE.int]: '7' } },
      { date: '2025-02-02', values: { [DE.int]: '5' } },
    ],
  }),
  enrollment('EnrB', {
    enrolled: '2025-01-15',
    orgUnit: 'OuB',
    attributes: { [AT.sex]: 'MALE' },
    events: [
      { date: '2025-01-16', values: { [DE.text]: 'no number' } },
      { date: '2025-01-28', values: { [DE.int]: '-2' } },
    ],
  }),
  enrollment('EnrC', { enrolled: '2025-02-10', orgUnit: 'OuA', events: [] }),
];
const EVENT_PROGRAM = [
  eventRow('EvP1', {
    stage: EVENT_STAGE,
    date: '2025-01-02',
    orgUnit: 'OuA',
    values: { [DE.int]: '3' },
  }),
  eventRow('EvP2', {
    stage: EVENT_STAGE,
    date: '2025-01-09',
    orgUnit: 'OuB',
    values: { [DE.int]: '9' },
  }),
  eventRow('EvP3', { stage: EVENT_STAGE, date: '2025-01-30', orgUnit: 'OuA', values: {} }),
].map((event) => ({ ...event, program: EP }));

const data = { program: P, enrollments: PEOPLE, events: PEOPLE.flatMap((e) => e.events) };
const eventData = { program: EP, enrollments: [], events: EVENT_PROGRAM };

// biome-ignore format: a table, one row a line
const SPECS: IndicatorSpec[] = [
  { expression: int },
  { expression: int, aggregationType: 'COUNT' },
  { expression: int, aggregationType: 'AVERAGE' },
  { expression: int, aggregationType: 'MIN' },
  { expression: int, aggregationType: 'MAX' },
  { expression: int, aggregationType: 'FIRST' },
  { expression: int, aggregationType: 'LAST_AVERAGE_ORG_UNIT' },
  { expression: int, filter: `${int} > 0` },
  { expression: 'V{event_count}', aggregationType: 'COUNT' },
  { expression: 'V{enrollment_count}', analyticsType: 'ENROLLMENT', aggregationType: 'COUNT' },
  { expression: 'V{enrollment_count}', analyticsType: 'ENROLLMENT', aggregationType: 'COUNT', filter: `A{${AT.sex}} == 'FEMALE'` },
  { expression: `d2:count(${int})`, analyticsType: 'ENROLLMENT' },
  { expression: eventInt, program: EP },
  { expression: eventInt, program: EP, aggregationType: 'AVERAGE' },
];

describe('the records behind a program indicator value', () => {
  for (const spec of SPECS)
    it(`fold back to the value: ${spec.aggregationType ?? 'SUM'} of ${spec.expression}${spec.filter ? ` where ${spec.filter}` : ''}`, () => {
      const pi = compiled(spec);
      const world = spec.program === EP ? eventData : data;
      let compared = 0;
      for (const period of [JAN, FEB])
        for (const orgUnits of [['OuA'], ['OuB'], ['OuA', 'OuB']]) {
          const scope = { orgUnits, period, today: TODAY };
          const { value, records } = indicatorRecords(pi, world, scope);
          const rows = pi.rows(world).filter((row) => orgUnits.includes(row.orgUnit));
          expect(value).toEqual(pi.aggregate(rows, period, TODAY));
          expect(
            foldRecordValues(
              spec.aggregationType ?? 'SUM',
              records.map((r) => r.value),
            ),
          ).toEqual(value);
          if (value !== undefined) compared++;
        }
      expect(compared).toBeGreaterThan(0);
    });

  it('lists the records that count, each with its value, and leaves out the others', () => {
    const pi = compiled({ expression: int, filter: `${int} > 0` });
    const { value, records } = indicatorRecords(pi, data, {
      orgUnits: new Set(['OuA', 'OuB']),
      period: JAN,
      today: TODAY,
    });
    // EnrA's 4 and 7; EnrB's -2 fails the filter, its event without a number fails the any-value clause.
    expect(value).toBe(11);
    expect(records.map((r) => [recordSummary(r.row).uid, r.value])).toEqual([
      ['EnrAe0', 4],
      ['EnrAe1', 7],
    ]);
    expect(recordSummary(records[0]!.row)).toMatchObject({
      kind: 'event',
      date: '2025-01-05',
      orgUnit: 'OuA',
      programStage: VISIT,
      enrollment: 'EnrA',
    });
  });

  it('gives the value DHIS2’s query gives one row: the filter applied, no boundaries, null or 0 where it fails', () => {
    const sum = compiled({ expression: int, filter: `${int} > 0` });
    const count = compiled({ expression: int, filter: `${int} > 0`, aggregationType: 'COUNT' });
    const [a0, , a2] = PEOPLE[0]!.events;
    const b1 = PEOPLE[1]!.events[1]!;
    // a2 is in February: the query's own dates, not the indicator's boundaries, choose the rows.
    expect(sum.valueOver([a2!], JAN, TODAY)).toBe(5);
    expect(sum.valueOver([a0!], JAN, TODAY)).toBe(4);
    expect(sum.valueOver([b1], JAN, TODAY)).toBeNull();
    expect(count.valueOver([b1], JAN, TODAY)).toBe(0);
    expect(count.valueOver([a0!], JAN, TODAY)).toBe(1);
  });

  it('counts a distinct count once per key: V{tei_count} over two visits of one person is 1', () => {
    const people = compiled({ expression: 'V{tei_count}', aggregationType: 'COUNT' });
    const { value, records, distinct } = indicatorRecords(people, data, {
      orgUnits: ['OuA'],
      period: JAN,
      today: TODAY,
    });
    expect(value).toBe(1);
    expect(distinct).toBe(true);
    expect(records.map((r) => [r.row.id, r.value, r.distinctKey])).toEqual([
      ['EnrAe0', 1, '"teEnrA"'],
      ['EnrAe1', 1, '"teEnrA"'],
    ]);
    expect(foldRecordValues('COUNT', records)).toBe(1);
    // Their bare values, as DHIS2's query lists them, add up to 2.
    expect(
      foldRecordValues(
        'COUNT',
        records.map((r) => r.value),
      ),
    ).toBe(2);
  });

  it('folds only what per-record values can tell', () => {
    expect(foldRecordValues('SUM', [1, null, 2])).toBe(3);
    expect(foldRecordValues('AVERAGE', [1, null, 2])).toBe(1.5);
    expect(foldRecordValues(undefined, [1, 2])).toBe(1.5);
    expect(foldRecordValues('COUNT', [1, 0, 1])).toBe(2);
    expect(foldRecordValues('SUM', [])).toBeUndefined();
    expect(foldRecordValues('CUSTOM', [1])).toBeUndefined();
    expect(foldRecordValues('STDDEV', [1, 2])).toBeUndefined();
  });
});

describe('tracker records read from the tracker API', () => {
  const events = [
    {
      event: 'EvT00000001',
      programStage: VISIT,
      enrollment: 'EnT00000001',
      orgUnit: 'OuA',
      occurredAt: '2025-01-05T00:00:00.000',
      status: 'COMPLETED',
      createdAt: '2025-01-05T09:00:00.000Z',
      dataValues: [{ dataElement: DE.int, value: '4' }],
    },
    {
      event: 'EvT00000002',
      programStage: VISIT,
      enrollment: 'EnT00000001',
      orgUnit: 'OuA',
      occurredAt: '2025-01-20T00:00:00.000',
      status: 'ACTIVE',
      dataValues: [{ dataElement: DE.int, value: 7 }],
    },
    // Deleted, and one only scheduled: analytics has neither.
    {
      event: 'EvT00000003',
      programStage: VISIT,
      enrollment: 'EnT00000001',
      orgUnit: 'OuA',
      occurredAt: '2025-01-21',
      deleted: true,
      dataValues: [{ dataElement: DE.int, value: '100' }],
    },
    {
      event: 'EvT00000004',
      programStage: VISIT,
      enrollment: 'EnT00000001',
      orgUnit: 'OuA',
      scheduledAt: '2025-01-25',
      status: 'SCHEDULE',
    },
  ];
  const enrollments = [
    {
      enrollment: 'EnT00000001',
      trackedEntity: 'TeT00000001',
      orgUnit: 'OuA',
      enrolledAt: '2025-01-03T00:00:00.000',
      occurredAt: '2025-01-01T00:00:00.000',
      status: 'ACTIVE',
      attributes: [{ attribute: AT.sex, value: 'FEMALE' }],
    },
  ];

  it('give the values the analytics rows give', () => {
    const tracker = programDataFromTracker(P, { enrollments, events });
    expect(tracker.events.map((e) => e.id)).toEqual(['EvT00000001', 'EvT00000002']);
    const scope = { orgUnits: ['OuA'], period: JAN, today: TODAY };
    expect(indicatorRecords(compiled({ expression: int }), tracker, scope).value).toBe(11);
    const female = compiled({
      expression: 'V{enrollment_count}',
      analyticsType: 'ENROLLMENT',
      aggregationType: 'COUNT',
      filter: `A{${AT.sex}} == 'FEMALE'`,
    });
    expect(indicatorRecords(female, tracker, scope).value).toBe(1);
    const visits = compiled({
      expression: `d2:count(${int})`,
      analyticsType: 'ENROLLMENT',
    });
    expect(indicatorRecords(visits, tracker, scope).value).toBe(2);
  });
});

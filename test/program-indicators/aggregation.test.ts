import { describe, expect, it } from 'vitest';
import type { AnalyticsEventRow } from '../../src/program-indicators/types.ts';
import { compile, DE, EP, EVENT_STAGE, eventRow, FEB, JAN, TODAY } from './world.ts';

/**
 * Aggregation types, with dhis2-core's own numbers: `EventAnalyticsServiceTest` (2.43.1,
 * dhis-test-integration): values of `#{progrStageB.deInteger0A}` per org unit and month — ouI January
 * {10, 20}, ouJ January {30, 40}, ouI February {50, 60}, ouJ February {70, 80}; ouA is their parent.
 * Here an event programme's stage, the same values, each event also with a text.
 */
const E = (orgUnit: string, date: string, value: number): AnalyticsEventRow =>
  eventRow(`Ev${orgUnit}${date}`, {
    stage: EVENT_STAGE,
    date,
    orgUnit,
    values: { [DE.int]: String(value), [DE.text]: `t${value}` },
  });
const EVENTS = [
  E('OuI', '2025-01-05', 10),
  E('OuI', '2025-01-20', 20),
  E('OuJ', '2025-01-06', 30),
  E('OuJ', '2025-01-21', 40),
  E('OuI', '2025-02-05', 50),
  E('OuI', '2025-02-20', 60),
  E('OuJ', '2025-02-06', 70),
  E('OuJ', '2025-02-21', 80),
];
const IN = (units: string[]) => EVENTS.filter((e) => units.includes(e.orgUnit));
const UNITS: Record<string, string[]> = { I: ['OuI'], J: ['OuJ'], A: ['OuI', 'OuJ'] };
const item = `#{${EVENT_STAGE}.${DE.int}}`;

function values(aggregationType: string, expression = item, filter?: string) {
  const result = compile({
    program: EP,
    expression,
    aggregationType,
    ...(filter ? { filter } : {}),
  });
  if (!result.ok) throw new Error(result.reason);
  const pi = result.indicator;
  return [JAN, FEB].map((period) =>
    ['I', 'J', 'A'].map((unit) => pi.aggregate(IN(UNITS[unit]!), period, TODAY)),
  );
}

type Row = [
  aggregationType: string,
  expression: string,
  jan: number[],
  feb: number[] | undefined,
  source: string,
];

// biome-ignore format: a table, one row a line
const ROWS: Row[] = [
  ['SUM', item, [30, 70, 100], [110, 150, 260], 'testEventProgramIndicatorSum (l.1351)'],
  ['AVERAGE', item, [15, 35, 25], [55, 75, 65], 'testEventProgramIndicatorAverage (l.1367)'],
  ['CUSTOM', `count(${item})`, [2, 2, 4], [2, 2, 4], 'testEventProgramIndicatorCustomCountIntegers (l.1384)'],
  ['CUSTOM', `count(#{${EVENT_STAGE}.${DE.text}})`, [2, 2, 4], [2, 2, 4], 'testEventProgramIndicatorCustomCountOrgUnits (l.1401)'],
  ['FIRST', item, [10, 30, 40], [50, 70, 120], 'FIRST (l.1287): first event per org unit, summed'],
  ['LAST', item, [20, 40, 60], [60, 80, 140], 'LAST (l.1303)'],
  ['FIRST_AVERAGE_ORG_UNIT', item, [10, 30, 20], undefined, 'FIRST_AVERAGE_ORG_UNIT: averaged over org units'],
  ['LAST_AVERAGE_ORG_UNIT', item, [20, 40, 30], undefined, 'LAST_AVERAGE_ORG_UNIT'],
  // By hand, PostgreSQL's aggregates over 10, 20, 30, 40 (mean 25, squares 500, /3).
  ['COUNT', item, [2, 2, 4], undefined, 'count(…)'],
  ['MIN', item, [10, 30, 10], undefined, 'min(…)'],
  ['MAX', item, [20, 40, 40], undefined, 'max(…)'],
  ['VARIANCE', item, [50, 50, 500 / 3], undefined, 'variance: sample variance'],
  ['STDDEV', item, [Math.sqrt(50), Math.sqrt(50), Math.sqrt(500 / 3)], undefined, 'stddev: stddev_samp'],
  ['CUSTOM', `stddev(${item})`, [Math.sqrt(50), Math.sqrt(50), Math.sqrt(500 / 3)], undefined, 'VectorStddevSamp: stddev_samp(…)'],
  ['CUSTOM', `variance(${item}) + avg(${item})`, [65, 85, 500 / 3 + 25], undefined, 'VectorVariance + VectorAvg'],
  ['CUSTOM', `sum(${item}) / max(${item})`, [1.5, 70 / 40, 2.5], undefined, 'VectorSum / VectorMax'],
  ['NONE', '5', [5, 5, 5], undefined, 'NONE: `(5::numeric)` per group'],
  ['AVERAGE_SUM_ORG_UNIT', item, [30, 70, 100], undefined, 'getAggregationTypeFallback: SUM'],
  ['LAST_IN_PERIOD_AVERAGE_ORG_UNIT', item, [15, 35, 25], undefined, 'getAggregationTypeFallback: AVERAGE'],
];

describe('aggregation types over EventAnalyticsServiceTest’s values (2.41)', () => {
  it.each(ROWS)('%s of %s: January I/J/A %j, February %j (%s)', (type, expression, jan, feb) => {
    const [january, february] = values(type, expression);
    january!.forEach((value, i) => expect(value).toBeCloseTo(jan[i]!, 9));
    if (feb) february!.forEach((value, i) => expect(value).toBeCloseTo(feb[i]!, 9));
  });

  it('FIRST and LAST filter only the event each org unit ranks first (`pe_rank = 1`, then the filter)', () => {
    // getFirstOrLastValueSubquerySql ranks every event of the period; the filter is in the outer
    // WHERE: ouI's first January event (10) fails `> 15`, so ouI gives nothing; ouJ's 30 passes.
    const [january] = values('FIRST', item, `${item} > 15`);
    expect(january).toEqual([undefined, 30, 30]);
  });

  it('FIRST_FIRST_ORG_UNIT and LAST_LAST_ORG_UNIT are `first(value)`/`last(value)`, which PostgreSQL does not have', () => {
    const result = compile({
      program: EP,
      expression: item,
      aggregationType: 'LAST_LAST_ORG_UNIT',
    });
    expect(result.ok ? undefined : result.dhis2Error).toMatchObject({
      code: 'E7145',
      dbMessage: 'ERROR: function last(numeric) does not exist',
    });
  });
});

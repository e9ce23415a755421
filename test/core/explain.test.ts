import { describe, expect, it } from 'vitest';
import {
  addUp,
  aggregate,
  captureLink,
  judgeChain,
  whyListingsDiffer,
} from '../../src/core/explain.ts';
import {
  boundariesMatchQuery,
  filterParts,
  orgUnitFieldWords,
  periodRuleWords,
} from '../../src/core/explain-words.ts';
import { parsePeriodId } from '../../src/periods/period.ts';

const MARCH = parsePeriodId('202603')!;
const Q1 = parsePeriodId('2026Q1')!;
const listed = { defaultBoundaries: true, listed: true };
const values = (...numbers: number[]) => numbers.map((value) => ({ value }));

describe('period rules in words', () => {
  it.each([
    [
      'EVENT',
      [],
      MARCH,
      'events of any date (the indicator has no period boundaries, so DHIS2 counts every one, whatever the period)',
    ],
    [
      'ENROLLMENT',
      [
        {
          boundaryTarget: 'ENROLLMENT_DATE',
          analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
        },
        {
          boundaryTarget: 'ENROLLMENT_DATE',
          analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
        },
      ],
      Q1,
      'enrollments whose enrollment date falls in January - March 2026 (2026-01-01 to 2026-03-31)',
    ],
    [
      'ENROLLMENT',
      [
        {
          boundaryTarget: 'EVENT_DATE',
          analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
        },
        {
          boundaryTarget: 'EVENT_DATE',
          analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
        },
        {
          boundaryTarget: 'ENROLLMENT_DATE',
          analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
        },
      ],
      MARCH,
      'enrollments with an event whose event date falls in March 2026 (2026-03-01 to 2026-03-31), and whose enrollment date is on or before 2026-03-31',
    ],
    [
      'EVENT',
      [
        {
          boundaryTarget: 'PS_EVENTDATE:Stage000001',
          analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
          offsetPeriods: -12,
          offsetPeriodType: 'Monthly',
        },
        {
          boundaryTarget: 'PS_EVENTDATE:Stage000001',
          analyticsPeriodBoundaryType: 'BEFORE_START_OF_REPORTING_PERIOD',
        },
      ],
      MARCH,
      'events whose event date of stage ANC visit is on or after 2026-03-01 moved 12 Monthly period(s) earlier and before 2026-03-01',
    ],
  ] as const)('%s %j in %s', (type, boundaries, period, words) => {
    expect(periodRuleWords(type, boundaries, period, new Map([['Stage000001', 'ANC visit']]))).toBe(
      words,
    );
  });

  it('knows when the query lists the rows the boundaries keep', () => {
    // No boundaries: every record counts, the query lists one period's.
    expect(boundariesMatchQuery('EVENT', [])).toBe(false);
    const eventDates = [
      {
        boundaryTarget: 'EVENT_DATE',
        analyticsPeriodBoundaryType: 'AFTER_START_OF_REPORTING_PERIOD',
      },
      {
        boundaryTarget: 'EVENT_DATE',
        analyticsPeriodBoundaryType: 'BEFORE_END_OF_REPORTING_PERIOD',
      },
    ];
    expect(boundariesMatchQuery('EVENT', eventDates)).toBe(true);
    expect(boundariesMatchQuery('ENROLLMENT', eventDates)).toBe(false);
    expect(boundariesMatchQuery('EVENT', eventDates.slice(0, 1))).toBe(false);
  });

  it('names the org unit a record counts at', () => {
    expect(orgUnitFieldWords('EVENT', undefined)).toBe("the event's org unit");
    expect(orgUnitFieldWords('ENROLLMENT', 'OWNER_AT_END')).toBe(
      "the person's owner org unit at the end of the period",
    );
    expect(
      orgUnitFieldWords('EVENT', 'DeHealthFac', new Map([['DeHealthFac', 'Referred to']])),
    ).toBe('the org unit in Referred to');
  });
});

describe('whether the records add up', () => {
  it.each([
    ['COUNT', [1, 1, 1], '3', true, 3],
    ['COUNT', [1, 1, 1], '3.0', true, 3],
    ['COUNT', [1, 1], '3', false, 2],
    ['SUM', [2.5, 4], '6.5', true, 6.5],
    ['AVERAGE', [2, 3, 5], '3.33', true, 10 / 3],
    ['AVERAGE', [2, 3, 5], '3.4', false, 10 / 3],
    ['MAX', [2, 9, 5], '9', true, 9],
    ['MIN', [2, 9, 5], '2', true, 2],
  ] as const)('%s of %j against %s', (type, numbers, source, adds, total) => {
    const check = addUp(type, values(...numbers), source, listed);
    expect(check.addsUp).toBe(adds);
    expect(check.total).toBeCloseTo(total, 10);
    expect(check.reasons.length > 0).toBe(!adds);
  });

  it('no value and no records add up; records without a source value do not', () => {
    expect(addUp('COUNT', [], undefined, listed).addsUp).toBe(true);
    expect(addUp('COUNT', values(1), undefined, listed)).toMatchObject({
      addsUp: false,
      reasons: ['the source exports no value, yet the listed records give one'],
    });
  });

  it('says why when boundaries differ from the query, and never adds up records it could not list', () => {
    const check = addUp('COUNT', values(1), '2', { defaultBoundaries: false, listed: true });
    expect(check.reasons.join(' ')).toContain('period boundaries differ');
    expect(addUp('COUNT', [], '2', { defaultBoundaries: true, listed: false }).addsUp).toBe(false);
  });

  it('aggregates nothing to zero for counts and sums only', () => {
    expect(aggregate('COUNT', [])).toBe(0);
    expect(aggregate('AVERAGE', [])).toBeUndefined();
  });
});

describe('the chain from source to target', () => {
  const ledger = { value: '5', runId: '20260401T020000-ab12' };
  it.each([
    ['t2a wrote it and it stayed', { value: '5' }, '5', false, 'The target holds what t2a wrote'],
    [
      'a person changed it',
      { value: '7', storedBy: 'hmis.officer' },
      '5',
      true,
      'Changed after t2a',
    ],
    ['it was deleted', undefined, '5', true, 'Deleted after t2a'],
    ['5.0 is 5', { value: '5.0' }, '5', false, 'The target holds what t2a wrote'],
  ] as const)('%s', (_, target, source, changed, words) => {
    const verdict = judgeChain({ source, ledger, target });
    expect(verdict.changedAfterT2a).toBe(changed);
    expect(verdict.notes[0]).toContain(words);
  });

  it('says who stored a value t2a never wrote, and what the next run sends', () => {
    expect(
      judgeChain({ source: '4', ledger: undefined, target: { value: '3', storedBy: 'clerk' } })
        .notes,
    ).toEqual(['t2a never wrote this value: the target holds 3, stored by clerk.']);
    expect(judgeChain({ source: '6', ledger, target: { value: '5' } }).notes[1]).toBe(
      "The source's analytics now gives 6, not the 5 t2a sent: the next run sends it.",
    );
  });
});

describe('links into the Capture app', () => {
  it.each([
    [
      { kind: 'event', uid: 'Ev000000001', orgUnit: 'Ou000000001', tracker: true },
      '#/enrollmentEventEdit?eventId=Ev000000001&orgUnitId=Ou000000001',
    ],
    [{ kind: 'event', uid: 'Ev000000001', tracker: false }, '#/viewEvent?viewEventId=Ev000000001'],
    [
      { kind: 'enrollment', uid: 'En000000001', tracker: true },
      '#/enrollment?enrollmentId=En000000001',
    ],
  ] as const)('%j', (record, route) => {
    expect(captureLink('https://tracker.example.org/', record)).toBe(
      `https://tracker.example.org/dhis-web-capture/index.html${route}`,
    );
  });
});

describe("a filter's parts", () => {
  it.each([
    [undefined, []],
    ["#{S.V} == 'BCG'", ["#{S.V} == 'BCG'"]],
    [
      "#{S.V} == 'BCG' && #{S.D} == 1\n  && A{Sex} == 'FEMALE' && d2:yearsBetween(A{Dob}, V{event_date}) < 1",
      [
        "#{S.V} == 'BCG'",
        '#{S.D} == 1',
        "A{Sex} == 'FEMALE'",
        'd2:yearsBetween(A{Dob}, V{event_date}) < 1',
      ],
    ],
    [
      "(#{S.V} == 'A' || #{S.V} == 'B') and #{S.D} > 0",
      ["(#{S.V} == 'A' || #{S.V} == 'B')", '#{S.D} > 0'],
    ],
    ["#{S.V} == 'a && b' && d2:hasValue(#{S.D})", ["#{S.V} == 'a && b'", 'd2:hasValue(#{S.D})']],
    ['#{S.band} > 1', ['#{S.band} > 1']],
  ] as const)('%j', (filter, parts) => {
    expect(filterParts(filter)).toEqual(parts);
  });
});

describe('why two listings differ', () => {
  it('tells records changed after analytics ran from records gone and records unchanged', () => {
    const updated = new Map([
      ['Ev000000001', '2026-04-10T09:30:00.000'],
      ['Ev000000002', '2026-04-09 17:00:00'],
    ]);
    expect(
      whyListingsDiffer(
        ['Ev000000001', 'Ev000000002', 'Ev000000003'],
        updated,
        '2026-04-10T08:00:00.042',
      ),
    ).toBe(
      '1 changed in the tracker after analytics last ran (2026-04-10T08:00:00.042); 1 no longer in the tracker under this org unit (deleted or moved); 1 unchanged since analytics last ran',
    );
  });

  it('compares to the millisecond: a record saved in the second analytics started is after it', () => {
    const updated = new Map([
      ['Ev000000001', '2026-04-10T08:00:00.043Z'],
      ['Ev000000002', '2026-04-10T08:00:00.042'],
      ['Ev000000003', '2026-04-10 08:00:00.04'],
    ]);
    expect(
      whyListingsDiffer(
        ['Ev000000001', 'Ev000000002', 'Ev000000003'],
        updated,
        '2026-04-10T08:00:00.042',
      ),
    ).toBe(
      '1 changed in the tracker after analytics last ran (2026-04-10T08:00:00.042); 2 unchanged since analytics last ran',
    );
  });
});

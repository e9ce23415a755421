import { describe, expect, it } from 'vitest';
import { SUPPORTED_CALENDARS } from '../../src/periods/calendar.ts';
import { addDays, dayNumber, isoDateOf } from '../../src/periods/days.ts';
import {
  type Period,
  parsePeriodId,
  periodOfDate,
  periodTypeSupported,
} from '../../src/periods/period.ts';
import { PERIOD_TYPE_NAMES } from '../../src/periods/period-type.ts';
import { windowPeriods } from '../../src/periods/window.ts';

/**
 * Properties that hold on every day of 2020–2030, for every period type and every calendar t2a computes
 * periods in, whatever the rules are: they need no expected values, so they cannot share a mistake with
 * the code.
 */
const FIRST = dayNumber('2020-01-01');
const LAST = dayNumber('2030-12-31');
const LAST_COUNT = 3;

/**
 * DHIS2's own exception (BiWeeklyAbstractPeriodType): in a year with 53 ISO weeks, bi-week 27 starts on
 * the Monday of week 53 and runs 14 days, into the next year's bi-week 1.
 */
const overlapsNextYear = (period: Period) =>
  period.periodType === 'BiWeekly' && /BiW27$/.test(period.id);

function checkWindow(periodType: string, calendar: string, date: string): string | undefined {
  const window = windowPeriods(
    { periodType, last: LAST_COUNT, includeCurrent: true },
    date,
    calendar,
  );
  const current = window.at(-1)!;
  if (window.length !== LAST_COUNT + 1) return `holds ${window.length - 1} periods`;
  if (!(current.startDate <= date && date <= current.endDate))
    return `${current.id} misses ${date}`;
  for (let i = 1; i < window.length; i++) {
    const before = window[i - 1]!;
    const after = window[i]!;
    const expectedStart = overlapsNextYear(before)
      ? addDays(before.endDate, -6)
      : addDays(before.endDate, 1);
    if (after.startDate !== expectedStart) return `${before.id} then ${after.id}: not consecutive`;
  }
  for (const period of window) {
    const parsed = parsePeriodId(period.id, calendar);
    if (
      parsed?.startDate !== period.startDate ||
      parsed.endDate !== period.endDate ||
      parsed.periodType !== periodType
    )
      return `${period.id} parses to ${parsed?.id} ${parsed?.startDate}..${parsed?.endDate}`;
  }
  return undefined;
}

describe('periods on every day of 2020–2030', () => {
  for (const calendar of SUPPORTED_CALENDARS.filter((name) => name !== 'gregorian')) {
    const types = PERIOD_TYPE_NAMES.filter((type) => periodTypeSupported(type, calendar));
    it(`${calendar}: ${types.length} period types, windows of ${LAST_COUNT} oldest first, consecutive, ending the day before the current period, ids that parse back`, () => {
      const failures: string[] = [];
      for (let day = FIRST; day <= LAST && failures.length < 10; day++) {
        const date = isoDateOf(day);
        for (const type of types) {
          const failure = checkWindow(type, calendar, date);
          if (failure) failures.push(`${type} on ${date}: ${failure}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('computes every period type in the ISO calendars, and no weekly type elsewhere', () => {
    expect(PERIOD_TYPE_NAMES.every((type) => periodTypeSupported(type, 'iso8601'))).toBe(true);
    for (const calendar of ['nepali', 'thai', 'persian', 'islamic']) {
      expect(periodTypeSupported('Weekly', calendar)).toBe(false);
      expect(periodTypeSupported('BiWeekly', calendar)).toBe(false);
      expect(periodTypeSupported('Monthly', calendar)).toBe(true);
      expect(periodTypeSupported('FinancialNov', calendar)).toBe(true);
    }
  });

  it('gives each day exactly one period of each type: the periods of a type tile the decade', () => {
    for (const type of PERIOD_TYPE_NAMES) {
      let period = periodOfDate(type, '2020-01-01');
      while (period.endDate < '2030-12-31') {
        const next = periodOfDate(type, addDays(period.endDate, 1));
        const gap = dayNumber(next.startDate) - dayNumber(period.endDate);
        expect(
          gap === 1 || (overlapsNextYear(period) && gap === -6),
          `${period.id} → ${next.id}`,
        ).toBe(true);
        period = next;
      }
    }
  });
});

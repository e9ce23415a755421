import { describe, expect, it } from 'vitest';
import { calendarById } from '../../src/periods/calendar.ts';
import { isoDateOf } from '../../src/periods/days.ts';
import { calendarLibrary } from '../../src/periods/library.ts';
import { periodOfDate } from '../../src/periods/period.ts';
import { periodDisplayName, periodNameOf } from '../../src/periods/period-name.ts';

/**
 * Period names as DHIS2's apps show them. The library DHIS2's apps name periods with
 * (@dhis2/multi-calendar-dates) is the independent answer: t2a's own names must equal its `displayName`
 * for every period of every type it generates, in every calendar both support.
 */
describe('the display name of a period', () => {
  it('reads as a DHIS2 administrator sees it in Data Entry', () => {
    expect(periodNameOf('202609')).toBe('September 2026');
    expect(periodNameOf('20260914')).toBe('September 14, 2026');
    expect(periodNameOf('2026W38')).toBe('Week 38 - 2026-09-14 - 2026-09-20');
    expect(periodNameOf('2026BiW1')).toBe('Bi-Week 1 - 2025-12-29 - 2026-01-11');
    expect(periodNameOf('2026Q3')).toBe('July - September 2026');
    expect(periodNameOf('2027NovQ1')).toBe('November 2026 - January 2027');
    expect(periodNameOf('2026S2')).toBe('July - December 2026');
    expect(periodNameOf('2026')).toBe('2026');
    expect(periodNameOf('2026April')).toBe('April 2026 - March 2027');
    expect(periodNameOf('208201', 'nepali')).toBe('Baisakh 2082');
    expect(periodNameOf('14040101', 'persian')).toBe('Farvardin 1, 1404 AP');
  });

  it('names nothing for an id that is no period', () => {
    expect(periodNameOf('202613')).toBeUndefined();
    expect(periodNameOf('IMM_BCG')).toBeUndefined();
  });

  /** The library's period types by DHIS2's names, and the years to generate. */
  const TYPES: Readonly<Record<string, string>> = {
    DAILY: 'Daily',
    WEEKLY: 'Weekly',
    WEEKLYWED: 'WeeklyWednesday',
    WEEKLYTHU: 'WeeklyThursday',
    WEEKLYFRI: 'WeeklyFriday',
    WEEKLYSAT: 'WeeklySaturday',
    WEEKLYSUN: 'WeeklySunday',
    BIWEEKLY: 'BiWeekly',
    MONTHLY: 'Monthly',
    BIMONTHLY: 'BiMonthly',
    QUARTERLY: 'Quarterly',
    QUARTERLYNOV: 'QuarterlyNov',
    SIXMONTHLY: 'SixMonthly',
    SIXMONTHLYAPR: 'SixMonthlyApril',
    SIXMONTHLYNOV: 'SixMonthlyNov',
    YEARLY: 'Yearly',
    FYFEB: 'FinancialFeb',
    FYAPR: 'FinancialApril',
    FYJUL: 'FinancialJuly',
    FYAUG: 'FinancialAug',
    FYSEP: 'FinancialSep',
    FYOCT: 'FinancialOct',
    FYNOV: 'FinancialNov',
  };
  // t2a's calendar names and the library's; weeks are computed only in the ISO calendar.
  const CALENDARS = [
    { t2a: 'iso8601', library: 'gregory', years: [2024, 2025, 2026, 2027], weeks: true },
    { t2a: 'nepali', library: 'nepali', years: [2081, 2082], weeks: false },
    { t2a: 'persian', library: 'persian', years: [1403, 1404], weeks: false },
    { t2a: 'islamic', library: 'islamic-civil', years: [1446, 1447], weeks: false },
    { t2a: 'thai', library: 'thai', years: [2568, 2569], weeks: false },
  ] as const;

  it.each(CALENDARS)('equals the name DHIS2’s apps give every period in the $t2a calendar', (c) => {
    const calendar = calendarById(c.t2a);
    const differing: string[] = [];
    let compared = 0;
    for (const [libraryType, type] of Object.entries(TYPES)) {
      if (!c.weeks && /WEEK/.test(libraryType)) continue;
      for (const year of c.years) {
        const periods = calendarLibrary.generateFixedPeriods({
          year,
          periodType: libraryType as never,
          calendar: c.library as never,
          locale: 'en',
        });
        for (const expected of periods) {
          const [y, m, d] = expected.startDate.split('-').map(Number) as [number, number, number];
          const start = isoDateOf(calendar.toDay({ year: y, month: m, day: d }));
          const name = periodDisplayName(periodOfDate(type, start, c.t2a));
          compared++;
          if (name !== expected.displayName)
            differing.push(`${type} ${expected.id}: ${name} ≠ ${expected.displayName}`);
        }
      }
    }
    expect(differing).toEqual([]);
    expect(compared).toBeGreaterThan(c.weeks ? 1000 : 700);
  });
});

import { describe, expect, it } from 'vitest';
import { calendarById, formatCalendarDate, lookupCalendar } from '../../src/periods/calendar.ts';
import { civilFromDays, dayNumber, daysFromCivil, isoDateOf } from '../../src/periods/days.ts';

const toIso = (calendar: string, date: string) => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return isoDateOf(calendarById(calendar).toDay({ year, month, day }));
};
const fromIso = (calendar: string, iso: string) =>
  formatCalendarDate(calendarById(calendar).fromDay(dayNumber(iso)));

/**
 * Conversions DHIS2 itself makes. Nepali and Persian: dhis2-core's NepaliCalendarTest and
 * PersianCalendarTest (dhis-api/src/test/java/org/hisp/dhis/calendar/impl, 2.40–master). Islamic and Thai
 * (no dhis2-core test): Joda-Time's TestIslamicChronology and TestBuddhistChronology, whose chronologies
 * DHIS2's IslamicCalendar and ThaiCalendar delegate to, and dates DHIS2 2.42's classes return.
 */
const ANCHORS: readonly [calendar: string, local: string, iso: string][] = [
  ['nepali', '2071-01-01', '2014-04-14'],
  ['nepali', '2081-01-01', '2024-04-13'],
  ['nepali', '2081-01-03', '2024-04-15'],
  ['nepali', '2080-12-26', '2024-04-08'],
  ['nepali', '2080-01-11', '2023-04-24'],
  ['nepali', '2082-01-01', '2025-04-14'],
  ['nepali', '2085-09-01', '2028-12-16'],
  ['nepali', '2085-08-30', '2028-12-15'],
  ['persian', '1353-01-01', '1974-03-21'],
  ['persian', '1372-01-01', '1993-03-21'],
  ['persian', '1373-06-01', '1994-08-23'],
  ['persian', '1383-01-01', '2004-03-20'],
  ['persian', '1399-01-01', '2020-03-20'],
  ['persian', '1403-12-30', '2025-03-20'],
  ['persian', '1404-01-01', '2025-03-21'],
  ['persian', '1409-01-01', '2030-03-21'],
  ['persian', '1418-12-29', '2040-03-19'],
  ['islamic', '1364-12-06', '1945-11-12'],
  ['islamic', '1389-10-22', '1970-01-01'],
  ['islamic', '1426-10-24', '2005-11-26'],
  ['islamic', '1445-01-01', '2023-07-19'],
  ['islamic', '1445-09-01', '2024-03-11'],
  ['islamic', '1445-12-30', '2024-07-07'],
  ['islamic', '1446-01-01', '2024-07-08'],
  ['islamic', '1447-01-01', '2025-06-27'],
  ['thai', '2513-01-01', '1970-01-01'],
  ['thai', '2567-02-29', '2024-02-29'],
  ['thai', '2568-12-31', '2025-12-31'],
];

describe('calendars as DHIS2 converts them', () => {
  for (const [calendar, local, iso] of ANCHORS) {
    it(`${calendar} ${local} is ISO ${iso}, both ways`, () => {
      expect(toIso(calendar, local)).toBe(iso);
      expect(fromIso(calendar, iso)).toBe(local);
    });
  }

  it('knows month lengths DHIS2 states (PersianCalendarTest; the Nepali table)', () => {
    expect(calendarById('persian').daysInMonth(1389, 12)).toBe(29);
    expect(calendarById('persian').daysInMonth(1395, 12)).toBe(30);
    expect(calendarById('nepali').daysInMonth(2074, 4)).toBe(32);
    expect(calendarById('nepali').daysInMonth(2085, 8)).toBe(30);
  });

  it("has the leap years of DHIS2's Persian table (PersianCalendar CONVERSION_MAP, 1353–1418)", () => {
    const leap = [
      1354, 1358, 1362, 1366, 1370, 1375, 1379, 1383, 1387, 1391, 1395, 1399, 1403, 1408, 1412,
      1416,
    ];
    for (let year = 1353; year <= 1418; year++) {
      expect(calendarById('persian').daysInMonth(year, 12), `${year}`).toBe(
        leap.includes(year) ? 30 : 29,
      );
    }
  });

  it('converts every day of 2020–2030 there and back, consecutive days staying consecutive', () => {
    for (const name of ['nepali', 'persian', 'islamic', 'thai']) {
      const calendar = calendarById(name);
      let previous = calendar.fromDay(dayNumber('2019-12-31'));
      for (let day = dayNumber('2020-01-01'); day <= dayNumber('2030-12-31'); day++) {
        const date = calendar.fromDay(day);
        expect(calendar.toDay(date), `${name} ${isoDateOf(day)}`).toBe(day);
        const next =
          previous.day < calendar.daysInMonth(previous.year, previous.month)
            ? { ...previous, day: previous.day + 1 }
            : previous.month < calendar.monthsInYear
              ? { year: previous.year, month: previous.month + 1, day: 1 }
              : { year: previous.year + 1, month: 1, day: 1 };
        expect(date, `${name} ${isoDateOf(day)}`).toEqual(next);
        previous = date;
      }
    }
  });

  it('refuses the Ethiopian and Coptic calendars with the reason, and names unknown ones', () => {
    expect(lookupCalendar('ethiopian')).toHaveProperty('refused');
    expect(lookupCalendar('coptic')).toHaveProperty('refused');
    expect(lookupCalendar('klingon')).toEqual({ unknown: true });
  });
});

describe('ISO day numbers', () => {
  it('agree with JavaScript dates on every day from year 1 to 4000', () => {
    for (let day = daysFromCivil(1, 1, 1); day <= daysFromCivil(4000, 12, 31); day += 1) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      if (isoDateOf(day) !== iso) expect(isoDateOf(day)).toBe(iso);
      const { year, month, day: d } = civilFromDays(day);
      if (daysFromCivil(year, month, d) !== day) expect(daysFromCivil(year, month, d)).toBe(day);
    }
  });
});

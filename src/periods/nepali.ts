import type { CalendarDate, CalendarSystem } from './calendar-system.ts';
import { dayNumber } from './days.ts';
import { NEPALI_ANCHOR, NEPALI_MONTH_DAYS } from './nepali-months.ts';

/**
 * The Nepali calendar as DHIS2 computes it (`NepaliCalendar`): day counts from DHIS2's own table. The
 * calendar library's Nepali conversion is not used: it disagrees with itself (Nepali 2085-09-01 → ISO
 * 2028-12-16 → Nepali 2085-08-30).
 */
const FIRST_YEAR = Math.min(...Object.keys(NEPALI_MONTH_DAYS).map(Number));
const LAST_YEAR = Math.max(...Object.keys(NEPALI_MONTH_DAYS).map(Number));

function monthsOf(year: number): readonly number[] {
  const months = NEPALI_MONTH_DAYS[year];
  if (!months) {
    throw new RangeError(
      `Nepali year ${year} is outside DHIS2's table (${FIRST_YEAR}–${LAST_YEAR}).`,
    );
  }
  return months;
}

const daysInYear = (year: number) => monthsOf(year).reduce((sum, days) => sum + days, 0);

/** ISO day number of the first day of every Nepali year in the table. */
const yearStarts = new Map<number, number>();
{
  let start = dayNumber(NEPALI_ANCHOR.isoDate);
  for (let year = NEPALI_ANCHOR.year; year <= LAST_YEAR; year++) {
    yearStarts.set(year, start);
    start += daysInYear(year);
  }
  start = dayNumber(NEPALI_ANCHOR.isoDate);
  for (let year = NEPALI_ANCHOR.year - 1; year >= FIRST_YEAR; year--) {
    start -= daysInYear(year);
    yearStarts.set(year, start);
  }
}

function yearStart(year: number): number {
  const start = yearStarts.get(year);
  if (start === undefined) monthsOf(year);
  return start!;
}

export const nepaliCalendar: CalendarSystem = {
  id: 'nepali',
  monthsInYear: 12,
  isoWeeks: false,
  fromDay(day: number): CalendarDate {
    let year = NEPALI_ANCHOR.year + Math.floor((day - dayNumber(NEPALI_ANCHOR.isoDate)) / 365.25);
    while (day < yearStart(year)) year--;
    while (day >= yearStart(year) + daysInYear(year)) year++;
    let rest = day - yearStart(year);
    const months = monthsOf(year);
    let month = 0;
    while (rest >= months[month]!) {
      rest -= months[month]!;
      month++;
    }
    return { year, month: month + 1, day: rest + 1 };
  },
  toDay({ year, month, day }: CalendarDate): number {
    const months = monthsOf(year);
    let days = yearStart(year);
    for (let index = 0; index < month - 1; index++) days += months[index]!;
    return days + day - 1;
  },
  daysInMonth(year: number, month: number): number {
    return monthsOf(year)[month - 1]!;
  },
};

import { type CalendarSystem, calendarById } from './calendar.ts';
import { dayNumber, isoDateOf, pad2, weekday } from './days.ts';
import { ALL_PERIOD_TYPES, type PeriodType, periodTypeByName } from './period-type.ts';

/**
 * A fixed DHIS2 period: its ISO id (in the calendar's own year numbers, as DHIS2 writes it), its type and
 * calendar, and its first and last day as ISO 8601 dates whatever the calendar.
 */
export interface Period {
  readonly id: string;
  readonly periodType: string;
  readonly calendar: string;
  readonly startDate: string;
  readonly endDate: string;
}

function make(type: PeriodType, cal: CalendarSystem, id: string, start: number, end: number) {
  return {
    id,
    periodType: type.name,
    calendar: cal.id,
    startDate: isoDateOf(start),
    endDate: isoDateOf(end),
  };
}

/** The first day of the week starting on `startWeekday` that holds `day`. */
function weekStart(day: number, startWeekday: number): number {
  return day - ((weekday(day) - startWeekday + 7) % 7);
}

/**
 * A week belongs to the year of its fourth day, and is numbered from the first week whose fourth day
 * falls in that year (`WeeklyAbstractPeriodType`; for Monday weeks this is ISO 8601's week).
 */
function weekOf(day: number, startWeekday: number, cal: CalendarSystem) {
  const start = weekStart(day, startWeekday);
  const { year } = cal.fromDay(start + 3);
  const yearStart = cal.toDay({ year, month: 1, day: 1 });
  return { start, year, number: Math.floor((start + 3 - yearStart) / 7) + 1 };
}

/** The first day of week 1 of `year` for weeks starting on `startWeekday`. */
function firstWeekStart(year: number, startWeekday: number, cal: CalendarSystem): number {
  const yearStart = cal.toDay({ year, month: 1, day: 1 });
  const start = weekStart(yearStart, startWeekday);
  return start + 3 < yearStart ? start + 7 : start;
}

/** Calendar month `month` of `year` moved by `by` months, as (year, month). */
function addMonths(year: number, month: number, by: number, cal: CalendarSystem) {
  const index = year * cal.monthsInYear + (month - 1) + by;
  return { year: Math.floor(index / cal.monthsInYear), month: (index % cal.monthsInYear) + 1 };
}

function periodOfDay(type: PeriodType, day: number, cal: CalendarSystem): Period {
  const rule = type.rule;
  switch (rule.kind) {
    case 'day': {
      const date = cal.fromDay(day);
      return make(type, cal, `${date.year}${pad2(date.month)}${pad2(date.day)}`, day, day);
    }
    case 'week': {
      const week = weekOf(day, rule.startWeekday, cal);
      const id = `${week.year}${rule.infix}W${week.number}`;
      return make(type, cal, id, week.start, week.start + 6);
    }
    case 'biweek': {
      const week = weekOf(day, 1, cal);
      const first = week.number % 2 === 1 ? week.start : week.start - 7;
      const id = `${week.year}BiW${Math.ceil(week.number / 2)}`;
      return make(type, cal, id, first, first + 13);
    }
    case 'months': {
      const date = cal.fromDay(day);
      const sinceStart = (date.month - rule.startMonth + cal.monthsInYear) % cal.monthsInYear;
      const startYear = date.month >= rule.startMonth ? date.year : date.year - 1;
      const index = Math.floor(sinceStart / rule.months);
      const first = addMonths(startYear, rule.startMonth, index * rule.months, cal);
      const next = addMonths(first.year, first.month, rule.months, cal);
      const start = cal.toDay({ ...first, day: 1 });
      const end = cal.toDay({ ...next, day: 1 }) - 1;
      return make(type, cal, rule.id(startYear + rule.yearOffset, index + 1), start, end);
    }
  }
}

function typeNamed(name: string): PeriodType {
  const type = periodTypeByName(name);
  if (!type) throw new Error(`"${name}" is not a DHIS2 period type (check with periodTypeByName).`);
  return type;
}

/** Whether t2a computes periods of `periodType` in `calendar` (weeks only in the ISO calendars). */
export function periodTypeSupported(periodType: string, calendar: string): boolean {
  const rule = periodTypeByName(periodType)?.rule;
  if (!rule) return false;
  return calendarById(calendar).isoWeeks || rule.kind === 'day' || rule.kind === 'months';
}

/** The period of `periodType` that holds the ISO date `isoDate`, in `calendar` (DHIS2's name). */
export function periodOfDate(periodType: string, isoDate: string, calendar = 'iso8601'): Period {
  if (!periodTypeSupported(periodType, calendar)) {
    throw new Error(
      `${periodType} periods in the ${calendar} calendar are not computed (check with periodTypeSupported).`,
    );
  }
  return periodOfDay(typeNamed(periodType), dayNumber(isoDate), calendarById(calendar));
}

/** The period just before `period`: the one that holds the day before its first day. */
export function previousPeriod(period: Period): Period {
  return periodOfDay(
    typeNamed(period.periodType),
    dayNumber(period.startDate) - 1,
    calendarById(period.calendar),
  );
}

/** The period just after `period`: the one that holds the day after its last day. */
export function nextPeriod(period: Period): Period {
  return periodOfDay(
    typeNamed(period.periodType),
    dayNumber(period.endDate) + 1,
    calendarById(period.calendar),
  );
}

/** The period `offset` periods away from `period` (0: the period itself). */
export function shiftPeriod(period: Period, offset: number): Period {
  let shifted = period;
  for (let step = 0; step < Math.abs(offset); step++) {
    shifted = offset < 0 ? previousPeriod(shifted) : nextPeriod(shifted);
  }
  return shifted;
}

/** The `count` periods before `period`, oldest first. */
export function periodsBefore(period: Period, count: number): Period[] {
  const periods: Period[] = [];
  let current = period;
  for (let step = 0; step < count; step++) {
    current = previousPeriod(current);
    periods.unshift(current);
  }
  return periods;
}

/** The period that the fields of a matched id name, to be compared with the id itself. */
function candidate(
  type: PeriodType,
  match: RegExpExecArray,
  cal: CalendarSystem,
): Period | undefined {
  const rule = type.rule;
  const year = Number(match[1]);
  const second = match[2] === undefined ? 1 : Number(match[2]);
  switch (rule.kind) {
    case 'day': {
      const day = Number(match[3]);
      if (second < 1 || second > cal.monthsInYear || day < 1 || day > cal.daysInMonth(year, second))
        return undefined;
      return periodOfDay(type, cal.toDay({ year, month: second, day }), cal);
    }
    case 'week':
    case 'biweek': {
      if (second < 1) return undefined;
      const weeks = rule.kind === 'week' ? second - 1 : 2 * (second - 1);
      const start = firstWeekStart(year, rule.kind === 'week' ? rule.startWeekday : 1, cal);
      return periodOfDay(type, start + 7 * weeks, cal);
    }
    case 'months': {
      if (second < 1 || second > cal.monthsInYear / rule.months) return undefined;
      const first = addMonths(
        year - rule.yearOffset,
        rule.startMonth,
        (second - 1) * rule.months,
        cal,
      );
      return periodOfDay(type, cal.toDay({ ...first, day: 1 }), cal);
    }
  }
}

/**
 * DHIS2's parser also takes `yyyy-MM` and `yyyy-MM-dd` for months and days, and zero-padded week numbers
 * (`DateUnitType`, `PeriodType.getPeriodFromIsoString`); it writes them back in the short form.
 */
function shortForm(id: string): string {
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(id)) return id.replaceAll('-', '');
  return id.replace(/W0(\d)$/, 'W$1');
}

/**
 * The period an ISO id names in `calendar`, or undefined when it names none (a 13th month, week 53 of a
 * 52-week year, 20250229). The period carries the id as DHIS2 writes it (2024W01 → 2024W1). An id is
 * taken only when the period it builds has exactly that id.
 */
export function parsePeriodId(id: string, calendar = 'iso8601'): Period | undefined {
  const cal = calendarById(calendar);
  const wanted = shortForm(id);
  for (const type of ALL_PERIOD_TYPES) {
    const match = type.rule.pattern.exec(wanted);
    if (!match || !periodTypeSupported(type.name, calendar)) continue;
    try {
      const period = candidate(type, match, cal);
      if (period?.id === wanted) return period;
    } catch (error) {
      // A year outside a table-based calendar (Nepali) names no period.
      if (!(error instanceof RangeError)) throw error;
    }
  }
  return undefined;
}

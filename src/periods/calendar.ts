import type { CalendarDate, CalendarSystem } from './calendar-system.ts';
import { civilFromDays, daysFromCivil, isoDateOf, pad2 } from './days.ts';
import { calendarLibrary, type LibraryCalendar } from './library.ts';
import { nepaliCalendar } from './nepali.ts';

export type { CalendarDate, CalendarSystem };

const gregorian: CalendarSystem = {
  id: 'iso8601',
  monthsInYear: 12,
  isoWeeks: true,
  fromDay: civilFromDays,
  toDay({ year, month, day }) {
    return daysFromCivil(year, month, day);
  },
  daysInMonth(year, month) {
    return daysFromCivil(year, month + 1, 1) - daysFromCivil(year, month, 1);
  },
};

/** `ThaiCalendar` (Joda's BuddhistChronology): the Gregorian calendar, years counted from 543 BC. */
const thai: CalendarSystem = {
  id: 'thai',
  monthsInYear: 12,
  isoWeeks: false,
  fromDay(day) {
    const date = gregorian.fromDay(day);
    return { ...date, year: date.year + 543 };
  },
  toDay(date) {
    return gregorian.toDay({ ...date, year: date.year - 543 });
  },
  daysInMonth(year, month) {
    return gregorian.daysInMonth(year - 543, month);
  },
};

/**
 * A calendar whose day conversion comes from the calendar library (Temporal's calendars). Conversions are
 * cached: a window asks the same months many times. test/periods/calendar.test.ts proves the conversion
 * consistent (every day of 2020–2030 converts there and back, consecutive days stay consecutive).
 */
function libraryCalendar(id: string, library: LibraryCalendar): CalendarSystem {
  const monthStarts = new Map<string, number>();
  const dates = new Map<number, CalendarDate>();
  const toDay = ({ year, month, day }: CalendarDate): number => {
    const key = `${year}-${month}`;
    let start = monthStarts.get(key);
    if (start === undefined) {
      const iso = calendarLibrary.convertToIso8601(
        `${String(year).padStart(4, '0')}-${pad2(month)}-01`,
        library,
      );
      start = gregorian.toDay(iso);
      monthStarts.set(key, start);
    }
    return start + day - 1;
  };
  return {
    id,
    monthsInYear: 12,
    isoWeeks: false,
    fromDay(day) {
      let date = dates.get(day);
      if (!date) {
        const converted = calendarLibrary.convertFromIso8601(isoDateOf(day), library);
        date = { year: converted.year, month: converted.month, day: converted.day };
        dates.set(day, date);
      }
      return date;
    },
    toDay,
    daysInMonth(year, month) {
      const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
      return toDay({ ...next, day: 1 }) - toDay({ year, month, day: 1 });
    },
  };
}

const CALENDARS: Record<string, CalendarSystem> = {
  iso8601: gregorian,
  gregorian: { ...gregorian, id: 'gregorian' },
  thai,
  nepali: nepaliCalendar,
  persian: libraryCalendar('persian', 'persian' as LibraryCalendar),
  // Joda's IslamicChronology (16-based leap years, civil epoch), which DHIS2's IslamicCalendar uses, is
  // Temporal's islamic-civil; the library's own map sends DHIS2's "islamic" to the observational calendar.
  islamic: libraryCalendar('islamic', 'islamic-civil' as LibraryCalendar),
};

/** Calendars DHIS2 offers that t2a refuses, and why: periods in them would be wrong, so none are sent. */
const REFUSED: Record<string, string> = {
  ethiopian:
    'The calendar library t2a relies on cannot convert Ethiopian dates on this Node.js (its Temporal polyfill rejects the era), and DHIS2 keeps Pagume in a 13th month that t2a has no tested rule for.',
  coptic:
    'The calendar library t2a relies on cannot convert Coptic dates on this Node.js (its Temporal polyfill rejects the era).',
  julian: 'The calendar library t2a relies on has no Julian calendar.',
};

export const SUPPORTED_CALENDARS = Object.keys(CALENDARS);

export type CalendarLookup =
  | { readonly calendar: CalendarSystem }
  | { readonly refused: string }
  | { readonly unknown: true };

/** The calendar DHIS2 calls `id`, or why t2a cannot compute periods in it. */
export function lookupCalendar(id: string): CalendarLookup {
  const calendar = CALENDARS[id];
  if (calendar) return { calendar };
  const reason = REFUSED[id];
  return reason ? { refused: reason } : { unknown: true };
}

/** The calendar DHIS2 calls `id`; for callers that validated it already. */
export function calendarById(id: string): CalendarSystem {
  const calendar = CALENDARS[id];
  if (!calendar) throw new Error(`Calendar "${id}" is not supported (check with lookupCalendar).`);
  return calendar;
}

export function formatCalendarDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

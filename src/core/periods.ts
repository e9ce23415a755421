import { createRequire } from 'node:module';
import { T2aError } from './errors.ts';

// @dhis2/multi-calendar-dates loads only through require (its ESM build uses directory imports).
const calendarDates = createRequire(import.meta.url)(
  '@dhis2/multi-calendar-dates',
) as typeof import('@dhis2/multi-calendar-dates');

type LibraryPeriod = ReturnType<typeof calendarDates.getFixedPeriodByDate>;
type LibraryCalendar = Parameters<typeof calendarDates.getFixedPeriodByDate>[0]['calendar'];

/** DHIS2 period type names (as data sets report `periodType`) → the library's constants. */
const LIBRARY_TYPES: Record<string, string> = {
  Daily: 'DAILY',
  Weekly: 'WEEKLY',
  WeeklyWednesday: 'WEEKLYWED',
  WeeklyThursday: 'WEEKLYTHU',
  WeeklyFriday: 'WEEKLYFRI',
  WeeklySaturday: 'WEEKLYSAT',
  WeeklySunday: 'WEEKLYSUN',
  BiWeekly: 'BIWEEKLY',
  Monthly: 'MONTHLY',
  BiMonthly: 'BIMONTHLY',
  Quarterly: 'QUARTERLY',
  QuarterlyNov: 'QUARTERLYNOV',
  SixMonthly: 'SIXMONTHLY',
  SixMonthlyApril: 'SIXMONTHLYAPR',
  SixMonthlyNov: 'SIXMONTHLYNOV',
  Yearly: 'YEARLY',
  FinancialFeb: 'FYFEB',
  FinancialApril: 'FYAPR',
  FinancialJuly: 'FYJUL',
  FinancialAug: 'FYAUG',
  FinancialSep: 'FYSEP',
  FinancialOct: 'FYOCT',
  FinancialNov: 'FYNOV',
};

export const PERIOD_TYPES = Object.keys(LIBRARY_TYPES);

/** DHIS2 calendar ids (system info `calendar`) → the library's calendar ids. */
const CALENDARS: Record<string, string> = {
  iso8601: 'gregory',
  gregorian: 'gregory',
  nepali: 'nepali',
  thai: 'buddhist',
  persian: 'persian',
  islamic: 'islamic',
  coptic: 'coptic',
  ethiopian: 'ethiopic',
};

export interface PeriodWindow {
  readonly periodType: string;
  /** How many periods back from the current one (the current one not counted). */
  readonly last: number;
  readonly includeCurrent: boolean;
}

function libraryCalendar(calendar: string): LibraryCalendar {
  const id = CALENDARS[calendar];
  if (!id) {
    throw new T2aError(
      'config',
      `The source uses the "${calendar}" calendar, which t2a does not know.`,
      {
        fix: `Supported calendars: ${Object.keys(CALENDARS).join(', ')}.`,
      },
    );
  }
  if (id === 'ethiopic') {
    // The library's Ethiopic support throws on Node's current ICU (its Temporal polyfill bug).
    throw new T2aError(
      'config',
      'Periods in the Ethiopian calendar cannot be computed by this t2a build.',
      {
        fix: 'Give the periods explicitly in the job (periods: { fixed: [...] }) until Ethiopian support lands.',
      },
    );
  }
  return id as LibraryCalendar;
}

/** `today` is an ISO date (servers report ISO dates); the library wants a date in the calendar itself. */
function dateInCalendar(isoDate: string, calendar: LibraryCalendar): string {
  if (calendar === 'gregory') return isoDate;
  const { year, month, day } = calendarDates.convertFromIso8601(isoDate, calendar);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The ISO period ids of a "how far back" window, oldest first: the `last` periods before the one that
 * contains `today`, and that one too when `includeCurrent`.
 */
export function periodsInWindow(
  window: PeriodWindow,
  today: string,
  calendar = 'iso8601',
): string[] {
  const periodType = LIBRARY_TYPES[window.periodType];
  if (!periodType) {
    throw new T2aError('config', `"${window.periodType}" is not a DHIS2 period type.`, {
      fix: `Use one of: ${PERIOD_TYPES.join(', ')}.`,
    });
  }
  const cal = libraryCalendar(calendar);
  const current = calendarDates.getFixedPeriodByDate({
    periodType: periodType as never,
    date: dateInCalendar(today, cal),
    calendar: cal,
  });
  const previous =
    window.last > 0
      ? calendarDates.getAdjacentFixedPeriods({
          period: current,
          calendar: cal,
          steps: -window.last,
        })
      : [];
  const periods: LibraryPeriod[] = window.includeCurrent ? [...previous, current] : previous;
  return periods.map((period) => period.id);
}

/** True when `id` is a valid ISO period of `periodType`. */
export function isPeriodOfType(id: string, periodType: string, calendar = 'iso8601'): boolean {
  try {
    const period = calendarDates.createFixedPeriodFromPeriodId({
      periodId: id,
      calendar: libraryCalendar(calendar),
    });
    return period.periodType === LIBRARY_TYPES[periodType];
  } catch {
    return false;
  }
}

/** The period type of an ISO period id, by DHIS2 name, or undefined when the id is not a period. */
export function periodTypeOf(id: string, calendar = 'iso8601'): string | undefined {
  try {
    const period = calendarDates.createFixedPeriodFromPeriodId({
      periodId: id,
      calendar: libraryCalendar(calendar),
    });
    return Object.entries(LIBRARY_TYPES).find(([, library]) => library === period.periodType)?.[0];
  } catch {
    return undefined;
  }
}

const datesCache = new Map<string, { id: string; startDate: string; endDate: string } | null>();

/**
 * The ISO start and end of a period (Gregorian calendar only: elsewhere undefined, and the target's own
 * checks decide). Cached: the calendar library takes milliseconds a call, and a run asks per value.
 */
export function periodDates(
  id: string,
  calendar = 'iso8601',
): { id: string; startDate: string; endDate: string } | undefined {
  if (libraryCalendar(calendar) !== 'gregory') return undefined;
  let dates = datesCache.get(id);
  if (dates === undefined) {
    try {
      const period = calendarDates.createFixedPeriodFromPeriodId({
        periodId: id,
        calendar: 'gregory',
      });
      dates = { id: period.id, startDate: period.startDate, endDate: period.endDate };
    } catch {
      dates = null;
    }
    datesCache.set(id, dates);
  }
  return dates ?? undefined;
}

/** The period `steps` after the one of `periodType` that contains `today` (Gregorian). */
export function periodAhead(
  periodType: string,
  today: string,
  steps: number,
): { id: string; startDate: string; endDate: string } | undefined {
  const type = LIBRARY_TYPES[periodType];
  if (!type) return undefined;
  const key = `${periodType}|${today}|${steps}`;
  let dates = datesCache.get(key);
  if (dates === undefined) {
    const current = calendarDates.getFixedPeriodByDate({
      periodType: type as never,
      date: today,
      calendar: 'gregory',
    });
    const ahead =
      steps > 0
        ? calendarDates
            .getAdjacentFixedPeriods({ period: current, calendar: 'gregory', steps })
            .at(-1)!
        : current;
    dates = { id: ahead.id, startDate: ahead.startDate, endDate: ahead.endDate };
    datesCache.set(key, dates);
  }
  return dates ?? undefined;
}

import { createRequire } from 'node:module';

// @dhis2/multi-calendar-dates loads only through require (its ESM build uses directory imports).
const calendarDates = createRequire(import.meta.url)(
  '@dhis2/multi-calendar-dates',
) as typeof import('@dhis2/multi-calendar-dates');

type LibraryPeriod = ReturnType<typeof calendarDates.getFixedPeriodByDate>;

/** A fixed DHIS2 period: its ISO id, DHIS2 period type name (`PeriodTypeEnum`), and ISO dates. */
export interface Period {
  readonly id: string;
  readonly periodType: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly name: string;
}

/** Library period type constant → DHIS2 period type name, as `/api/dataSets` reports `periodType`. */
const PERIOD_TYPE_NAMES: Record<string, string> = {
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
const LIBRARY_TYPES = Object.fromEntries(
  Object.entries(PERIOD_TYPE_NAMES).map(([library, dhis2]) => [dhis2, library]),
);

export function isPeriodTypeName(name: string): boolean {
  return name in LIBRARY_TYPES;
}

function fromLibrary(period: LibraryPeriod): Period {
  return {
    id: period.id,
    periodType: PERIOD_TYPE_NAMES[period.periodType] ?? period.periodType,
    startDate: period.startDate,
    endDate: period.endDate,
    name: period.name,
  };
}

const cache = new Map<string, Period | null>();

/** Parses an ISO period id (`202401`, `2024W1`, `2024Q3`, `2024April`, `2024-01`...), or undefined if invalid. */
export function parsePeriod(id: string): Period | undefined {
  const cached = cache.get(id);
  if (cached !== undefined) return cached ?? undefined;
  let period: Period | null = null;
  // DateUnitType also accepts yyyy-MM and yyyy-MM-dd for months and days.
  const normalised = /^\d{4}-\d{2}$/.test(id)
    ? id.replace('-', '')
    : /^\d{4}-\d{2}-\d{2}$/.test(id)
      ? id.replaceAll('-', '')
      : id;
  try {
    const parsed = calendarDates.createFixedPeriodFromPeriodId({
      periodId: normalised,
      calendar: 'gregory',
    });
    period = fromLibrary(parsed);
    // The library accepts some impossible ids (a 13th month); DHIS2 does not.
    if (!/^\d{4}-\d{2}-\d{2}$/.test(period.startDate) || period.startDate > period.endDate)
      period = null;
  } catch {
    period = null;
  }
  cache.set(id, period);
  return period ?? undefined;
}

/** The period of `periodType` (a DHIS2 name) that contains `date` (yyyy-MM-dd). */
export function periodContaining(periodType: string, date: string): Period {
  const libraryType = LIBRARY_TYPES[periodType];
  if (!libraryType) throw new Error(`Unknown period type: ${periodType}`);
  return fromLibrary(
    calendarDates.getFixedPeriodByDate({
      periodType: libraryType as never,
      date,
      calendar: 'gregory',
    }),
  );
}

/** `steps` periods before (negative) or after (positive) `period`, not including it, in time order. */
export function adjacentPeriods(period: Period, steps: number): Period[] {
  if (steps === 0) return [];
  const libraryType = LIBRARY_TYPES[period.periodType];
  if (!libraryType) throw new Error(`Unknown period type: ${period.periodType}`);
  return calendarDates
    .getAdjacentFixedPeriods({
      period: { ...period, periodType: libraryType } as unknown as LibraryPeriod,
      calendar: 'gregory',
      steps,
    })
    .map(fromLibrary);
}

/** The period `offset` periods away from `period` (offset 0 is the period itself). */
export function shiftPeriod(period: Period, offset: number): Period {
  if (offset === 0) return period;
  const periods = adjacentPeriods(period, offset);
  return offset < 0 ? periods[0]! : periods[periods.length - 1]!;
}

/** ISO date (yyyy-MM-dd) of a Date in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(isoDay: string, days: number): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return isoDate(date);
}

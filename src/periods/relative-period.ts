import { addDays, daysFromCivil, isoDateOf, pad2 } from './days.ts';
import { type Period, periodOfDate, shiftPeriod } from './period.ts';

/**
 * DHIS2's relative periods (`RelativePeriodEnum`, `RelativePeriods.java`, 2.38–2.43), in the ISO calendar.
 * DHIS2 shifts the reference date by a fixed amount (a day, a week, two weeks, 1, 2, 3, 6 or 12 months)
 * and takes the period that holds the shifted date, then lists rolling periods back from there. Copied
 * literally, quirks included: `LAST_BIWEEK` skips a bi-week 27 right after New Year, and
 * `LAST_6_BIMONTHS` ends a bi-month early when the reference month is odd.
 */
export interface RelativePeriodOptions {
  /** The reference date: `relativePeriodDate`, or today. */
  readonly date: string;
  /** The date the financial keywords use (2.38–2.42 ignore `relativePeriodDate` for them). */
  readonly financialDate?: string;
  /** `analyticsFinancialYearStart` as a period type; DHIS2's default is FinancialOct. */
  readonly financialYearType?: string;
}

/** Joda's `minusMonths`: the same day of an earlier month, clamped to that month's last day. */
function minusMonths(date: string, months: number): string {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = daysFromCivil(year, month + 1, 1) - daysFromCivil(year, month, 1);
  const day = Math.min(Number(date.slice(8, 10)), lastDay);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** `count` periods ending with `last`, oldest first, stepping back as DHIS2's rolling lists do. */
function endingWith(last: Period, count: number): Period[] {
  const periods: Period[] = [];
  for (let back = count - 1; back >= 0; back--) {
    // Bi-weeks step back 14 days from the start (BiWeeklyAbstractPeriodType.generateRollingPeriods), so a
    // bi-week 27 that overlaps the next year's first is left out; other types step one period.
    periods.push(
      last.periodType === 'BiWeekly'
        ? periodOfDate('BiWeekly', addDays(last.startDate, -14 * back))
        : shiftPeriod(last, -back),
    );
  }
  return periods;
}

type Resolver = (options: Required<RelativePeriodOptions>) => Period[];

const of = (periodType: string, shift: (date: string) => string, count = 1): Resolver => {
  return ({ date }) => endingWith(periodOfDate(periodType, shift(date)), count);
};
const same = (date: string) => date;
const daysBack = (days: number) => (date: string) => addDays(date, -days);
const monthsBack = (months: number) => (date: string) => minusMonths(date, months);

/**
 * The periods of a type named after `year` (`generatePeriods`): weeks from the one holding 4 January,
 * the others from 1 January.
 */
function periodsOfYear(periodType: string, year: number): Period[] {
  const periods: Period[] = [];
  let period = periodOfDate(periodType, `${year}-01-${periodType === 'Weekly' ? '04' : '01'}`);
  while (Number(period.id.slice(0, 4)) === year) {
    periods.push(period);
    period = shiftPeriod(period, 1);
  }
  return periods;
}

/**
 * `BiMonthlyPeriodType.generateRollingPeriods(date − 2 months)`: from the first of that month, back
 * `(month % 2) + 10` months, six bi-months.
 */
const lastSixBimonths: Resolver = ({ date }) => {
  const end = minusMonths(date, 2);
  const month = Number(end.slice(5, 7));
  const first = minusMonths(`${end.slice(0, 8)}01`, (month % 2) + 10);
  const start = periodOfDate('BiMonthly', first);
  return [start, ...[1, 2, 3, 4, 5].map((step) => shiftPeriod(start, step))];
};

const financial =
  (shiftMonths: number, count: number): Resolver =>
  ({ financialDate, financialYearType }) =>
    endingWith(periodOfDate(financialYearType, minusMonths(financialDate, shiftMonths)), count);

const RESOLVERS: Record<string, Resolver> = {
  TODAY: of('Daily', same),
  YESTERDAY: of('Daily', daysBack(1)),
  LAST_3_DAYS: of('Daily', daysBack(1), 3),
  LAST_7_DAYS: of('Daily', daysBack(1), 7),
  LAST_14_DAYS: of('Daily', daysBack(1), 14),
  LAST_30_DAYS: of('Daily', daysBack(1), 30),
  LAST_60_DAYS: of('Daily', daysBack(1), 60),
  LAST_90_DAYS: of('Daily', daysBack(1), 90),
  LAST_180_DAYS: of('Daily', daysBack(1), 180),
  THIS_WEEK: of('Weekly', same),
  LAST_WEEK: of('Weekly', daysBack(7)),
  LAST_4_WEEKS: of('Weekly', daysBack(7), 4),
  LAST_12_WEEKS: of('Weekly', daysBack(7), 12),
  LAST_52_WEEKS: of('Weekly', daysBack(7), 52),
  THIS_BIWEEK: of('BiWeekly', same),
  LAST_BIWEEK: of('BiWeekly', daysBack(14)),
  LAST_4_BIWEEKS: of('BiWeekly', daysBack(14), 4),
  THIS_MONTH: of('Monthly', same),
  LAST_MONTH: of('Monthly', monthsBack(1)),
  LAST_3_MONTHS: of('Monthly', monthsBack(1), 3),
  LAST_6_MONTHS: of('Monthly', monthsBack(1), 6),
  LAST_12_MONTHS: of('Monthly', monthsBack(1), 12),
  THIS_BIMONTH: of('BiMonthly', same),
  LAST_BIMONTH: of('BiMonthly', monthsBack(2)),
  LAST_6_BIMONTHS: lastSixBimonths,
  THIS_QUARTER: of('Quarterly', same),
  LAST_QUARTER: of('Quarterly', monthsBack(3)),
  LAST_4_QUARTERS: of('Quarterly', monthsBack(3), 4),
  THIS_SIX_MONTH: of('SixMonthly', same),
  LAST_SIX_MONTH: of('SixMonthly', monthsBack(6)),
  LAST_2_SIXMONTHS: of('SixMonthly', monthsBack(6), 2),
  THIS_YEAR: of('Yearly', same),
  LAST_YEAR: of('Yearly', monthsBack(12)),
  LAST_5_YEARS: of('Yearly', monthsBack(12), 5),
  LAST_10_YEARS: of('Yearly', monthsBack(12), 10),
  WEEKS_THIS_YEAR: ({ date }) => periodsOfYear('Weekly', Number(date.slice(0, 4))),
  MONTHS_THIS_YEAR: ({ date }) => periodsOfYear('Monthly', Number(date.slice(0, 4))),
  BIMONTHS_THIS_YEAR: ({ date }) => periodsOfYear('BiMonthly', Number(date.slice(0, 4))),
  QUARTERS_THIS_YEAR: ({ date }) => periodsOfYear('Quarterly', Number(date.slice(0, 4))),
  MONTHS_LAST_YEAR: ({ date }) => periodsOfYear('Monthly', Number(date.slice(0, 4)) - 1),
  QUARTERS_LAST_YEAR: ({ date }) => periodsOfYear('Quarterly', Number(date.slice(0, 4)) - 1),
  THIS_FINANCIAL_YEAR: financial(0, 1),
  LAST_FINANCIAL_YEAR: financial(12, 1),
  LAST_5_FINANCIAL_YEARS: financial(12, 5),
  LAST_10_FINANCIAL_YEARS: financial(12, 10),
};

export const RELATIVE_PERIODS: readonly string[] = Object.keys(RESOLVERS);

export function isRelativePeriod(keyword: string): boolean {
  return keyword in RESOLVERS;
}

/** The fixed periods a relative period keyword stands for, oldest first, or undefined for no keyword. */
export function resolveRelativePeriod(
  keyword: string,
  options: RelativePeriodOptions,
): Period[] | undefined {
  const resolver = RESOLVERS[keyword];
  return resolver?.({
    date: options.date,
    financialDate: options.financialDate ?? options.date,
    financialYearType: options.financialYearType ?? 'FinancialOct',
  });
}

/** ISO date (yyyy-MM-dd) of a moment, in UTC. */
export function isoDateOfMoment(moment: Date): string {
  return isoDateOf(Math.floor(moment.getTime() / 86_400_000));
}

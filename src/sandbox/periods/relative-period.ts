import { adjacentPeriods, isoDate, type Period, periodContaining } from './period.ts';

/**
 * DHIS2's relative periods (`RelativePeriodEnum`, `RelativePeriods.java`), resolved against a date.
 * `LAST_*` lists exclude the current period; financial years follow the default
 * `analyticsFinancialYearStart` (October).
 */
interface RelativeSpec {
  periodType: string;
  /** How many periods, ending `endOffset` periods from the current one. */
  count: number;
  endOffset: number;
}

const SPECS: Record<string, RelativeSpec> = {
  TODAY: { periodType: 'Daily', count: 1, endOffset: 0 },
  YESTERDAY: { periodType: 'Daily', count: 1, endOffset: -1 },
  LAST_3_DAYS: { periodType: 'Daily', count: 3, endOffset: -1 },
  LAST_7_DAYS: { periodType: 'Daily', count: 7, endOffset: -1 },
  LAST_14_DAYS: { periodType: 'Daily', count: 14, endOffset: -1 },
  LAST_30_DAYS: { periodType: 'Daily', count: 30, endOffset: -1 },
  LAST_60_DAYS: { periodType: 'Daily', count: 60, endOffset: -1 },
  LAST_90_DAYS: { periodType: 'Daily', count: 90, endOffset: -1 },
  LAST_180_DAYS: { periodType: 'Daily', count: 180, endOffset: -1 },
  THIS_WEEK: { periodType: 'Weekly', count: 1, endOffset: 0 },
  LAST_WEEK: { periodType: 'Weekly', count: 1, endOffset: -1 },
  LAST_4_WEEKS: { periodType: 'Weekly', count: 4, endOffset: -1 },
  LAST_12_WEEKS: { periodType: 'Weekly', count: 12, endOffset: -1 },
  LAST_52_WEEKS: { periodType: 'Weekly', count: 52, endOffset: -1 },
  THIS_BIWEEK: { periodType: 'BiWeekly', count: 1, endOffset: 0 },
  LAST_BIWEEK: { periodType: 'BiWeekly', count: 1, endOffset: -1 },
  LAST_4_BIWEEKS: { periodType: 'BiWeekly', count: 4, endOffset: -1 },
  THIS_MONTH: { periodType: 'Monthly', count: 1, endOffset: 0 },
  LAST_MONTH: { periodType: 'Monthly', count: 1, endOffset: -1 },
  LAST_3_MONTHS: { periodType: 'Monthly', count: 3, endOffset: -1 },
  LAST_6_MONTHS: { periodType: 'Monthly', count: 6, endOffset: -1 },
  LAST_12_MONTHS: { periodType: 'Monthly', count: 12, endOffset: -1 },
  THIS_BIMONTH: { periodType: 'BiMonthly', count: 1, endOffset: 0 },
  LAST_BIMONTH: { periodType: 'BiMonthly', count: 1, endOffset: -1 },
  LAST_6_BIMONTHS: { periodType: 'BiMonthly', count: 6, endOffset: -1 },
  THIS_QUARTER: { periodType: 'Quarterly', count: 1, endOffset: 0 },
  LAST_QUARTER: { periodType: 'Quarterly', count: 1, endOffset: -1 },
  LAST_4_QUARTERS: { periodType: 'Quarterly', count: 4, endOffset: -1 },
  THIS_SIX_MONTH: { periodType: 'SixMonthly', count: 1, endOffset: 0 },
  LAST_SIX_MONTH: { periodType: 'SixMonthly', count: 1, endOffset: -1 },
  LAST_2_SIXMONTHS: { periodType: 'SixMonthly', count: 2, endOffset: -1 },
  THIS_YEAR: { periodType: 'Yearly', count: 1, endOffset: 0 },
  LAST_YEAR: { periodType: 'Yearly', count: 1, endOffset: -1 },
  LAST_5_YEARS: { periodType: 'Yearly', count: 5, endOffset: -1 },
  LAST_10_YEARS: { periodType: 'Yearly', count: 10, endOffset: -1 },
  THIS_FINANCIAL_YEAR: { periodType: 'FinancialOct', count: 1, endOffset: 0 },
  LAST_FINANCIAL_YEAR: { periodType: 'FinancialOct', count: 1, endOffset: -1 },
  LAST_5_FINANCIAL_YEARS: { periodType: 'FinancialOct', count: 5, endOffset: -1 },
  LAST_10_FINANCIAL_YEARS: { periodType: 'FinancialOct', count: 10, endOffset: -1 },
};

/** Calendar-year sets: every period of a type within this (or last) year. */
const YEAR_SETS: Record<string, { periodType: string; yearOffset: number }> = {
  WEEKS_THIS_YEAR: { periodType: 'Weekly', yearOffset: 0 },
  MONTHS_THIS_YEAR: { periodType: 'Monthly', yearOffset: 0 },
  BIMONTHS_THIS_YEAR: { periodType: 'BiMonthly', yearOffset: 0 },
  QUARTERS_THIS_YEAR: { periodType: 'Quarterly', yearOffset: 0 },
  MONTHS_LAST_YEAR: { periodType: 'Monthly', yearOffset: -1 },
  QUARTERS_LAST_YEAR: { periodType: 'Quarterly', yearOffset: -1 },
};

export function isRelativePeriod(keyword: string): boolean {
  return keyword in SPECS || keyword in YEAR_SETS;
}

/** The fixed periods a relative period keyword stands for on `today`, oldest first. */
export function resolveRelativePeriod(keyword: string, today: Date): Period[] | undefined {
  const date = isoDate(today);
  const spec = SPECS[keyword];
  if (spec) {
    const current = periodContaining(spec.periodType, date);
    const end = spec.endOffset === 0 ? current : adjacentPeriods(current, spec.endOffset)[0]!;
    return spec.count === 1 ? [end] : [...adjacentPeriods(end, -(spec.count - 1)), end];
  }
  const set = YEAR_SETS[keyword];
  if (set) {
    const year = today.getUTCFullYear() + set.yearOffset;
    const first = periodContaining(set.periodType, `${year}-01-01`);
    const periods = [first];
    for (;;) {
      const next = adjacentPeriods(periods[periods.length - 1]!, 1)[0]!;
      if (next.startDate > `${year}-12-31`) break;
      periods.push(next);
    }
    return periods;
  }
  return undefined;
}

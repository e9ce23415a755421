/**
 * DHIS2's fixed period types (`PeriodTypeEnum`, dhis-api org.hisp.dhis.period), by the names data sets
 * report in `periodType`, with what decides their dates and their ISO ids.
 */
export type PeriodTypeRule =
  | { readonly kind: 'day'; readonly pattern: RegExp }
  /** A week starting on `startWeekday` (ISO weekday, Monday 1); ids `yyyy{infix}Wn`. */
  | {
      readonly kind: 'week';
      readonly startWeekday: number;
      readonly infix: string;
      readonly pattern: RegExp;
    }
  /** Two ISO weeks, the first an odd one; ids `yyyyBiWn`. */
  | { readonly kind: 'biweek'; readonly pattern: RegExp }
  /**
   * `months` calendar months from `startMonth`; the id names the year the period-year starts in, plus
   * `yearOffset` (FinancialNov, QuarterlyNov and SixMonthlyNov name the year they end in).
   */
  | {
      readonly kind: 'months';
      readonly months: number;
      readonly startMonth: number;
      readonly yearOffset: number;
      readonly id: (year: number, index: number) => string;
      readonly pattern: RegExp;
    };

export interface PeriodType {
  readonly name: string;
  readonly rule: PeriodTypeRule;
  /** The first DHIS2 version that has it (`PeriodTypeEnum` per release branch). */
  readonly since: string;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function week(name: string, startWeekday: number, infix: string, since = '2.36'): PeriodType {
  // DHIS2 parses zero-padded week numbers (2024W01) too, but always writes them without the zero.
  const pattern = new RegExp(`^(\\d{4})${infix}W(\\d{1,2})$`);
  return { name, since, rule: { kind: 'week', startWeekday, infix, pattern } };
}

function months(
  name: string,
  spec: Omit<Extract<PeriodTypeRule, { kind: 'months' }>, 'kind'>,
  since = '2.36',
): PeriodType {
  return { name, since, rule: { kind: 'months', ...spec } };
}

function financial(name: string, startMonth: number, label: string, since = '2.36'): PeriodType {
  return months(
    name,
    {
      months: 12,
      startMonth,
      yearOffset: 0,
      id: (year) => `${year}${label}`,
      pattern: new RegExp(`^(\\d{4})${label}$`),
    },
    since,
  );
}

const TYPES: readonly PeriodType[] = [
  { name: 'Daily', since: '2.36', rule: { kind: 'day', pattern: /^(\d{4})(\d{2})(\d{2})$/ } },
  week('Weekly', 1, ''),
  week('WeeklyWednesday', 3, 'Wed'),
  week('WeeklyThursday', 4, 'Thu'),
  week('WeeklyFriday', 5, 'Fri', '2.43'),
  week('WeeklySaturday', 6, 'Sat'),
  week('WeeklySunday', 7, 'Sun'),
  { name: 'BiWeekly', since: '2.36', rule: { kind: 'biweek', pattern: /^(\d{4})BiW(\d{1,2})$/ } },
  months('Monthly', {
    months: 1,
    startMonth: 1,
    yearOffset: 0,
    id: (year, index) => `${year}${pad2(index)}`,
    pattern: /^(\d{4})(\d{2})$/,
  }),
  months('BiMonthly', {
    months: 2,
    startMonth: 1,
    yearOffset: 0,
    id: (year, index) => `${year}${pad2(index)}B`,
    pattern: /^(\d{4})(\d{2})B$/,
  }),
  months('Quarterly', {
    months: 3,
    startMonth: 1,
    yearOffset: 0,
    id: (year, index) => `${year}Q${index}`,
    pattern: /^(\d{4})Q(\d)$/,
  }),
  months(
    'QuarterlyNov',
    {
      months: 3,
      startMonth: 11,
      yearOffset: 1,
      id: (year, index) => `${year}NovQ${index}`,
      pattern: /^(\d{4})NovQ(\d)$/,
    },
    '2.38',
  ),
  months('SixMonthly', {
    months: 6,
    startMonth: 1,
    yearOffset: 0,
    id: (year, index) => `${year}S${index}`,
    pattern: /^(\d{4})S(\d)$/,
  }),
  months('SixMonthlyApril', {
    months: 6,
    startMonth: 4,
    yearOffset: 0,
    id: (year, index) => `${year}AprilS${index}`,
    pattern: /^(\d{4})AprilS(\d)$/,
  }),
  months('SixMonthlyNov', {
    months: 6,
    startMonth: 11,
    yearOffset: 1,
    id: (year, index) => `${year}NovS${index}`,
    pattern: /^(\d{4})NovS(\d)$/,
  }),
  months('Yearly', {
    months: 12,
    startMonth: 1,
    yearOffset: 0,
    id: (year) => `${year}`,
    pattern: /^(\d{4})$/,
  }),
  financial('FinancialFeb', 2, 'Feb', '2.43'),
  financial('FinancialApril', 4, 'April'),
  financial('FinancialJuly', 7, 'July'),
  financial('FinancialAug', 8, 'Aug', '2.43'),
  financial('FinancialSep', 9, 'Sep', '2.42'),
  financial('FinancialOct', 10, 'Oct'),
  months('FinancialNov', {
    months: 12,
    startMonth: 11,
    yearOffset: 1,
    id: (year) => `${year}Nov`,
    pattern: /^(\d{4})Nov$/,
  }),
];

const BY_NAME = new Map(TYPES.map((type) => [type.name, type]));

/** Every DHIS2 period type name, shortest periods first. */
export const PERIOD_TYPE_NAMES: readonly string[] = TYPES.map((type) => type.name);

export function periodTypeByName(name: string): PeriodType | undefined {
  return BY_NAME.get(name);
}

export const ALL_PERIOD_TYPES = TYPES;

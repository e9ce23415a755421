import { describe, expect, it } from 'vitest';
import { resolveRelativePeriod } from '../../src/periods/relative-period.ts';
import { DHIS2_CORE_RELATIVE } from './dhis2-core-cases.ts';
import { tableRows, WINDOW_TABLE } from './window-table.ts';

const ids = (keyword: string, date: string, financialDate?: string) =>
  resolveRelativePeriod(keyword, { date, ...(financialDate && { financialDate }) })!.map(
    (period) => period.id,
  );

describe("DHIS2's relative periods", () => {
  it(`agree with the ${DHIS2_CORE_RELATIVE.length} values of dhis2-core's RelativePeriodsTest`, () => {
    const disagreements = DHIS2_CORE_RELATIVE.filter(
      (c) => JSON.stringify(ids(c.keyword, c.date)) !== JSON.stringify(c.ids),
    ).map(
      (c) => `${c.source} ${c.keyword} @ ${c.date}: want ${c.ids}, got ${ids(c.keyword, c.date)}`,
    );
    expect(disagreements).toEqual([]);
  });

  /** Keyword → the period type in the table and which of its periods (−3…−1 before, 0 current). */
  const FROM_TABLE: Record<string, [string, ...number[]]> = {
    TODAY: ['Daily', 0],
    YESTERDAY: ['Daily', -1],
    LAST_3_DAYS: ['Daily', -3, -2, -1],
    THIS_WEEK: ['Weekly', 0],
    LAST_WEEK: ['Weekly', -1],
    THIS_BIWEEK: ['BiWeekly', 0],
    LAST_BIWEEK: ['BiWeekly', -1],
    THIS_MONTH: ['Monthly', 0],
    LAST_MONTH: ['Monthly', -1],
    LAST_3_MONTHS: ['Monthly', -3, -2, -1],
    THIS_BIMONTH: ['BiMonthly', 0],
    LAST_BIMONTH: ['BiMonthly', -1],
    THIS_QUARTER: ['Quarterly', 0],
    LAST_QUARTER: ['Quarterly', -1],
    THIS_SIX_MONTH: ['SixMonthly', 0],
    LAST_SIX_MONTH: ['SixMonthly', -1],
    LAST_2_SIXMONTHS: ['SixMonthly', -2, -1],
    THIS_YEAR: ['Yearly', 0],
    LAST_YEAR: ['Yearly', -1],
    THIS_FINANCIAL_YEAR: ['FinancialOct', 0],
    LAST_FINANCIAL_YEAR: ['FinancialOct', -1],
  };

  for (const date of Object.keys(WINDOW_TABLE)) {
    it(`match the hand-written table on ${date}`, () => {
      const rows = tableRows().filter((row) => row.date === date);
      for (const [keyword, [periodType, ...offsets]] of Object.entries(FROM_TABLE)) {
        const row = rows.find((candidate) => candidate.periodType === periodType)!;
        const all = [...row.previous, row.current];
        // After New Year of a 53-week year, DHIS2's LAST_BIWEEK (date − 14 days) skips bi-week 27.
        if (
          keyword === 'LAST_BIWEEK' &&
          row.current.endsWith('BiW1') &&
          row.previous[2].endsWith('BiW27')
        )
          continue;
        expect(ids(keyword, date), keyword).toEqual(offsets.map((offset) => all[3 + offset]));
      }
    });
  }

  it('says LAST_QUARTER is 2026Q3 on 2026-11-29', () => {
    expect(ids('LAST_QUARTER', '2026-11-29')).toEqual(['2026Q3']);
  });

  // RelativePeriods.java and BiWeeklyAbstractPeriodType (2.42), worked through by hand from the code.
  it('copies LAST_BIWEEK and LAST_4_BIWEEKS around a 53-week year as DHIS2 computes them', () => {
    expect(ids('THIS_BIWEEK', '2021-01-05')).toEqual(['2021BiW1']);
    expect(ids('LAST_BIWEEK', '2021-01-05')).toEqual(['2020BiW26']);
    expect(ids('LAST_BIWEEK', '2021-01-11')).toEqual(['2020BiW27']);
    expect(ids('LAST_4_BIWEEKS', '2021-01-11')).toEqual([
      '2020BiW24',
      '2020BiW25',
      '2020BiW26',
      '2020BiW27',
    ]);
    expect(ids('LAST_4_BIWEEKS', '2021-01-19')).toEqual([
      '2020BiW24',
      '2020BiW25',
      '2020BiW26',
      '2021BiW1',
    ]);
  });

  it('ends LAST_6_BIMONTHS a bi-month early in odd months, as BiMonthlyPeriodType does', () => {
    expect(ids('LAST_6_BIMONTHS', '2026-08-15')).toEqual([
      '202504B',
      '202505B',
      '202506B',
      '202601B',
      '202602B',
      '202603B',
    ]);
    expect(ids('LAST_6_BIMONTHS', '2026-11-29')).toEqual([
      '202505B',
      '202506B',
      '202601B',
      '202602B',
      '202603B',
      '202604B',
    ]);
    expect(ids('LAST_6_BIMONTHS', '2026-01-10')).toEqual([
      '202406B',
      '202501B',
      '202502B',
      '202503B',
      '202504B',
      '202505B',
    ]);
  });

  it('lists the weeks of the year and rolling years oldest first', () => {
    const weeks = ids('WEEKS_THIS_YEAR', '2026-06-01');
    expect(weeks).toHaveLength(53);
    expect([weeks[0], weeks.at(-1)]).toEqual(['2026W1', '2026W53']);
    expect(ids('WEEKS_THIS_YEAR', '2025-12-30')).toHaveLength(52);
    expect(ids('LAST_5_YEARS', '2026-11-29')).toEqual(['2021', '2022', '2023', '2024', '2025']);
    expect(ids('LAST_5_FINANCIAL_YEARS', '2026-11-29')).toEqual([
      '2021Oct',
      '2022Oct',
      '2023Oct',
      '2024Oct',
      '2025Oct',
    ]);
    expect(ids('LAST_12_MONTHS', '2026-11-29')).toEqual([
      '202511',
      '202512',
      '202601',
      '202602',
      '202603',
      '202604',
      '202605',
      '202606',
      '202607',
      '202608',
      '202609',
      '202610',
    ]);
    expect(ids('LAST_52_WEEKS', '2026-11-29').slice(0, 1)).toEqual(['2025W48']);
  });

  it('lets the financial keywords use their own date (2.38–2.42 ignore relativePeriodDate for them)', () => {
    expect(ids('THIS_FINANCIAL_YEAR', '2020-01-01', '2026-11-29')).toEqual(['2026Oct']);
    expect(ids('THIS_QUARTER', '2020-01-01', '2026-11-29')).toEqual(['2020Q1']);
  });
});

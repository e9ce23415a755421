import { describe, expect, it } from 'vitest';
import {
  type DataSetLocks,
  type LockQuestion,
  type LockRules,
  lockRefusal,
} from '../../src/core/locks.ts';
import { periodAhead, periodDates } from '../../src/core/periods.ts';

/**
 * When a target refuses a period, worked out by hand from dhis2-core (research on
 * `DataValueSetImportValidator`, `DataSet.isLocked`, `DataElement.getLatestOpenFuturePeriod`,
 * `PeriodType.getFuturePeriod`, `DefaultDataEntryService.validateEntryTimeliness`):
 * - latest open period = next(previous(current), n): 0 closes the current period, 1 opens it, and
 *   `DataValueSetServiceIntegrationTest.testImportDataValuesWithDataSetAllowsPeriods` (2.42.5
 *   l.1367–1414) takes month +1 and refuses +4 and +6 with n = 2;
 * - the last day expiry days n leave open: end + n from DHIS2-14591 (e.g. 2.40), end + n − 1 before;
 * - the data element's locks up to 2.39.0 (`DataElementTest.testGetOpenFuturePeriods`: data sets with
 *   0 and 3 give 3), every assigned data set's from 2.39.1, the import's data set on 2.43.
 */
const TODAY = '2026-11-24';
const monthly = (overrides: Partial<DataSetLocks> = {}): DataSetLocks => ({
  id: 'DsMonthly01',
  name: 'EPI monthly',
  periodType: 'Monthly',
  expiryDays: 0,
  openFuturePeriods: 0,
  dataInputPeriods: [],
  ...overrides,
});
const RULES: Record<'2.38' | '2.40' | '2.43.1' | '2.43.2', LockRules> = {
  '2.38': {
    scope: 'data-element',
    lastDayOpen: 'before-end-plus-n',
    futureNeedsIso: true,
    inputPeriodsInverted: false,
  },
  '2.40': {
    scope: 'assigned-data-sets',
    lastDayOpen: 'end-plus-n',
    futureNeedsIso: true,
    inputPeriodsInverted: false,
  },
  '2.43.1': {
    scope: 'import-data-set',
    lastDayOpen: 'end-plus-n',
    futureNeedsIso: false,
    inputPeriodsInverted: true,
  },
  '2.43.2': {
    scope: 'import-data-set',
    lastDayOpen: 'end-plus-n',
    futureNeedsIso: false,
    inputPeriodsInverted: false,
  },
};

function ask(
  period: string,
  dataSets: DataSetLocks[],
  rules: LockRules,
  extra: Partial<LockQuestion> = {},
) {
  return lockRefusal({
    dataSets,
    assigned: () => true,
    period: periodDates(period, 'iso8601')!,
    today: TODAY,
    canEditExpired: false,
    isoCalendar: true,
    rules,
    latestOpen: (type, n) => periodAhead(type, extra.today ?? TODAY, n - 1, 'iso8601'),
    ...extra,
  });
}

describe('open future periods', () => {
  it.each([
    [0, '202610', undefined],
    [0, '202611', 'future-period'],
    [1, '202611', undefined],
    [1, '202612', 'future-period'],
    [2, '202612', undefined],
    [2, '202703', 'future-period'],
    [2, '202705', 'future-period'],
  ] as const)('with %i open future periods on 24 November 2026, %s is %s', (n, period, cause) => {
    for (const rules of Object.values(RULES))
      expect(ask(period, [monthly({ openFuturePeriods: n })], rules)?.cause).toBe(cause);
  });

  it('says the current period is kept closed by 0 open future periods, and names the data set', () => {
    expect(ask('202611', [monthly()], RULES['2.40'])?.reason).toBe(
      '202611 is the current period, and EPI monthly keeps it closed: its open future periods are 0 (the latest open period is 202610)',
    );
  });

  it('takes the data element’s most open data set up to 2.39.0, every assigned data set from 2.39.1', () => {
    const yearly = monthly({
      id: 'DsYearly01',
      name: 'EPI yearly',
      periodType: 'Yearly',
      openFuturePeriods: 3,
    });
    expect(ask('202612', [monthly(), yearly], RULES['2.38'])).toBeUndefined();
    expect(ask('202612', [monthly(), yearly], RULES['2.40'])?.cause).toBe('future-period');
    // A data set the org unit is not assigned to does not count from 2.39.1.
    expect(
      ask('202612', [monthly(), yearly], RULES['2.40'], {
        assigned: (ds) => ds === 'DsYearly01',
      }),
    ).toBeUndefined();
  });

  it('is not checked on a server with another calendar, up to 2.42', () => {
    expect(ask('202611', [monthly()], RULES['2.40'], { isoCalendar: false })).toBeUndefined();
    expect(ask('202611', [monthly()], RULES['2.43.2'], { isoCalendar: false })?.cause).toBe(
      'future-period',
    );
  });
});

describe('expiry days', () => {
  const august = (today: string, rules: LockRules, canEditExpired = false) =>
    ask('202608', [monthly({ expiryDays: 10, openFuturePeriods: 1 })], rules, {
      today,
      canEditExpired,
    });

  it('leave a period ended 31 August open through 10 September (end + n), from DHIS2-14591', () => {
    expect(august('2026-09-10', RULES['2.40'])).toBeUndefined();
    expect(august('2026-09-11', RULES['2.40'])).toEqual({
      cause: 'locked-period',
      dataSet: 'EPI monthly',
      reason: '202608 closed 10 days after it ended (expiry days of EPI monthly)',
    });
  });

  it('leave it open through 9 September before (locked once end + n is past)', () => {
    expect(august('2026-09-09', RULES['2.38'])).toBeUndefined();
    expect(august('2026-09-10', RULES['2.38'])?.cause).toBe('locked-period');
  });

  it('do not hold a user with F_EDIT_EXPIRED, who on 2.43 skips future periods too', () => {
    expect(august('2026-11-24', RULES['2.40'], true)).toBeUndefined();
    expect(ask('202612', [monthly()], RULES['2.43.2'], { canEditExpired: true })).toBeUndefined();
    expect(ask('202612', [monthly()], RULES['2.40'], { canEditExpired: true })?.cause).toBe(
      'future-period',
    );
  });
});

describe('data input periods', () => {
  const window = monthly({
    openFuturePeriods: 0,
    dataInputPeriods: [{ period: '202610', openingDate: '2026-11-01', closingDate: '2026-11-30' }],
  });

  it('take a period whose window holds today, refuse one outside it', () => {
    expect(ask('202610', [window], RULES['2.40'])).toBeUndefined();
    expect(ask('202609', [window], RULES['2.40'])?.reason).toBe(
      '202609 is not an open data input period of EPI monthly',
    );
  });

  it('alone decide on 2.43: no expiry or future check where a data set has them', () => {
    expect(ask('202610', [window], RULES['2.43.2'])).toBeUndefined();
  });

  it('are checked inverted by 2.43.0–2.43.1 (DHIS2-21981): refused while the window is open, taken once it closed', () => {
    expect(ask('202610', [window], RULES['2.43.1'])?.reason).toMatch(/inverted, DHIS2-21981/);
    expect(ask('202610', [window], RULES['2.43.1'], { today: '2026-12-05' })).toBeUndefined();
    expect(ask('202609', [window], RULES['2.43.1'])?.cause).toBe('locked-period');
  });
});

import { describe, expect, it } from 'vitest';
import {
  isPeriodOfType,
  type JobPeriods,
  jobPeriodIds,
  periodsInWindow,
  periodTypeOf,
} from '../../src/core/periods.ts';

describe('job periods: how far back, and the current period', () => {
  it('takes the last 3 months before the current one', () => {
    expect(
      periodsInWindow({ periodType: 'Monthly', last: 3, includeCurrent: false }, '2026-11-24'),
    ).toEqual(['202608', '202609', '202610']);
  });

  it('adds the current month when asked', () => {
    expect(
      periodsInWindow({ periodType: 'Monthly', last: 2, includeCurrent: true }, '2026-01-05'),
    ).toEqual(['202511', '202512', '202601']);
  });

  it('handles quarters, ISO weeks across a year end, and years', () => {
    expect(
      periodsInWindow({ periodType: 'Quarterly', last: 2, includeCurrent: false }, '2026-02-01'),
    ).toEqual(['2025Q3', '2025Q4']);
    expect(
      periodsInWindow({ periodType: 'Weekly', last: 1, includeCurrent: true }, '2025-01-01'),
    ).toEqual(['2024W52', '2025W1']);
    expect(
      periodsInWindow({ periodType: 'Yearly', last: 1, includeCurrent: false }, '2026-11-24'),
    ).toEqual(['2025']);
  });

  it('computes Nepali periods in the Nepali calendar', () => {
    const [period] = periodsInWindow(
      { periodType: 'Monthly', last: 0, includeCurrent: true },
      '2024-05-01',
      'nepali',
    );
    expect(period).toMatch(/^2081\d{2}$/);
  });

  it('explains that Ethiopian periods must be given explicitly', () => {
    expect(() =>
      periodsInWindow(
        { periodType: 'Monthly', last: 1, includeCurrent: false },
        '2024-05-01',
        'ethiopian',
      ),
    ).toThrow(/Ethiopian/);
  });

  it('knows the type of an ISO period', () => {
    expect(periodTypeOf('202401')).toBe('Monthly');
    expect(periodTypeOf('2024Q1')).toBe('Quarterly');
    expect(isPeriodOfType('2024W3', 'Monthly')).toBe(false);
    expect(periodTypeOf('notaperiod')).toBeUndefined();
  });
});

describe('the periods of a job', () => {
  const job = (periods: JobPeriods['periods'], periodType = 'Quarterly'): JobPeriods => ({
    name: 'tb',
    periodType,
    periods,
  });

  it('computes the window on the given date and calendar', () => {
    expect(jobPeriodIds(job({ last: 1, includeCurrent: false }), '2026-11-29', 'iso8601')).toEqual([
      '2026Q3',
    ]);
  });

  it('takes --period over the window, written as DHIS2 writes it', () => {
    expect(
      jobPeriodIds(job({ last: 1, includeCurrent: false }, 'Weekly'), '2026-11-29', 'iso8601', [
        '2026W01',
        '2026W1',
        '2026W2',
      ]),
    ).toEqual(['2026W1', '2026W2']);
  });

  it('refuses periods of another type, naming them and giving an example of the right one', () => {
    expect(() =>
      jobPeriodIds(job({ fixed: ['202607', '2026Q2', '2026Q5'] }), '2026-11-29', 'iso8601'),
    ).toThrow(
      expect.objectContaining({
        kind: 'usage',
        message: 'Period(s) 202607, 2026Q5 are not Quarterly periods (job "tb").',
        fix: 'Give Quarterly periods as DHIS2 writes them, e.g. 2026Q4.',
      }),
    );
  });

  it('refuses a weekly window in a calendar whose weeks DHIS2 numbers by its own rule', () => {
    expect(() =>
      jobPeriodIds(job({ last: 1, includeCurrent: false }, 'Weekly'), '2026-11-29', 'nepali'),
    ).toThrow(/Weekly periods in the nepali calendar/);
  });
});
